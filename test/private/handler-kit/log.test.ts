import { log, REDACTED, redact } from '../../../src/private/handler-kit';

let lines: string[];
beforeEach(() => {
  lines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { lines.push(line); });
});
afterEach(() => jest.restoreAllMocks());

describe('log', () => {
  test('writes one JSON line with the message and the fields', () => {
    log('created', { customKeyStoreId: 'cks-1', state: 'CONNECTING' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({ message: 'created', customKeyStoreId: 'cks-1', state: 'CONNECTING' });
  });

  test('never prints a secret value, at any depth', () => {
    log('changing', {
      KeyStorePassword: 'hunter2hunter2',
      XksProxyAuthenticationCredential: { AccessKeyId: 'AKIA', RawSecretAccessKey: 'abc' },
      nested: [{ password: 'p@ss', token: 't0k' }],
      pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
    });
    for (const secret of ['hunter2hunter2', 'abc', 'p@ss', 't0k', 'MIIE']) {
      expect(lines[0]).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]).XksProxyAuthenticationCredential).toBe(REDACTED);
  });

  test('keeps what only names a secret: its ARN, id or name', () => {
    const fields = { KmsUserPasswordSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', CaSecretId: 's', passwordSecretName: 'n' };
    expect(redact(fields)).toEqual(fields);
  });
});
