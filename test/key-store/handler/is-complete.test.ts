import { Readable } from 'node:stream';
import { ConnectCustomKeyStoreCommand, ConnectionErrorCodeType, KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { HttpResponse } from '@smithy/protocol-http';
import { CLOUDHSM_PROPS, fakes, Fakes, isCompleteEvent, XKS_PROPS } from './fakes';
import { CONNECTION_ERROR_HELP, connectionErrorHelp } from '../../../src/key-store/handler/connection-errors';
import { isComplete } from '../../../src/key-store/handler/is-complete.lambda';
import { SDK_CLIENT_CONFIG } from '../../../src/private/handler-kit';

const STORE = 'cks-0123456789abcdef0';
let f: Fakes;
beforeEach(() => {
  f = fakes();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

function store(state: string, extra: Record<string, unknown> = {}, props = CLOUDHSM_PROPS) {
  return f.kms.add({
    CustomKeyStoreId: STORE,
    CustomKeyStoreName: props.CustomKeyStoreName,
    CustomKeyStoreType: props.CustomKeyStoreType,
    ConnectionState: state as any,
    ...extra,
  });
}

describe('connection states', () => {
  test('CONNECTED completes the create', async () => {
    store('CONNECTED');
    expect(await isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE), f.clients())).toEqual({ IsComplete: true });
  });
  test.each(['CONNECTING', 'DISCONNECTING'])('%s waits, calling nothing but DescribeCustomKeyStores', async (state) => {
    store(state);
    expect(await isComplete(isCompleteEvent('Update', CLOUDHSM_PROPS, STORE), f.clients())).toEqual({ IsComplete: false });
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });
  test('DISCONNECTED connects the store and waits', async () => {
    const s = store('DISCONNECTED');
    expect(await isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE), f.clients())).toEqual({ IsComplete: false });
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'ConnectCustomKeyStore']);
    expect(s.ConnectionState).toBe('CONNECTING');
  });
  test('DISCONNECTED read just before the store moved on (connect refused for its state) waits for the next call', async () => {
    store('DISCONNECTED');
    f.kms.mock.on(ConnectCustomKeyStoreCommand).rejects(Object.assign(new Error('state'), { name: 'CustomKeyStoreInvalidStateException' }));
    expect(await isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE), f.clients())).toEqual({ IsComplete: false });
  });
  test('FAILED fails the deployment with the code and what to fix, and leaves the store FAILED', async () => {
    const s = store('FAILED', { ConnectionErrorCode: 'USER_NOT_FOUND' });
    await expect(isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE), f.clients())).rejects.toThrow(
      `Custom key store ${STORE} (TestStack-Store) failed to connect: USER_NOT_FOUND. The cluster has no crypto user named kmsuser. `
      + 'To fix: Create it (CloudHSM CLI, logged in as an admin: `user create --username kmsuser --role crypto-user`) with the password '
      + 'stored in the kmsUserPassword secret; the next deployment tells KMS that password and connects. The store stays FAILED (its keys '
      + 'unusable) until a deployment reaches it, which disconnects it, tells KMS the kmsuser password from the secret, and connects it again.');
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
    expect(s.ConnectionState).toBe('FAILED');
  });
  test('a store deleted while connecting fails the deployment', async () => {
    await expect(isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE), f.clients()))
      .rejects.toThrow(`Custom key store ${STORE} does not exist any more: it was deleted outside this stack while it was connecting.`);
  });
  test('a Delete is complete at once', async () => {
    expect(await isComplete(isCompleteEvent('Delete', CLOUDHSM_PROPS, STORE), f.clients())).toEqual({ IsComplete: true });
    expect(f.kms.mock.calls()).toHaveLength(0);
  });
});

/** Every code the KMS reference documents, with words its fix must contain, for the kind of store it concerns. */
const CODES: Array<[kind: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE', code: string, fix: RegExp]> = [
  ['AWS_CLOUDHSM', 'INTERNAL_ERROR', /Deploy again/],
  ['EXTERNAL_KEY_STORE', 'INTERNAL_ERROR', /Deploy again/],
  ['AWS_CLOUDHSM', 'NETWORK_ERRORS', /TCP 2223-2225/],
  ['EXTERNAL_KEY_STORE', 'NETWORK_ERRORS', /proxy host name in DNS/],
  ['AWS_CLOUDHSM', 'CLUSTER_NOT_FOUND', /backup of the original cluster/],
  ['AWS_CLOUDHSM', 'INSUFFICIENT_CLOUDHSM_HSMS', /Add HSMs/],
  ['AWS_CLOUDHSM', 'INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET', /Free addresses in the cluster subnets/],
  ['AWS_CLOUDHSM', 'INVALID_CREDENTIALS', /user change-password --username kmsuser/],
  ['EXTERNAL_KEY_STORE', 'INVALID_CREDENTIALS', /access key id and secret access key the proxy expects/],
  ['AWS_CLOUDHSM', 'SUBNET_NOT_FOUND', /cluster from a recent backup/],
  ['AWS_CLOUDHSM', 'USER_LOCKED_OUT', /user change-password --username kmsuser/],
  ['AWS_CLOUDHSM', 'USER_LOGGED_IN', /Log kmsuser out/],
  ['AWS_CLOUDHSM', 'USER_NOT_FOUND', /user create --username kmsuser --role crypto-user/],
  ['EXTERNAL_KEY_STORE', 'XKS_PROXY_ACCESS_DENIED', /authorization rules/],
  ['EXTERNAL_KEY_STORE', 'XKS_PROXY_INVALID_CONFIGURATION', /Check uriPath/],
  ['EXTERNAL_KEY_STORE', 'XKS_PROXY_INVALID_RESPONSE', /proxy's vendor/],
  ['EXTERNAL_KEY_STORE', 'XKS_PROXY_INVALID_TLS_CONFIGURATION', /TLS 1\.2 or 1\.3/],
  ['EXTERNAL_KEY_STORE', 'XKS_PROXY_NOT_REACHABLE', /Check uriEndpoint and uriPath/],
  ['EXTERNAL_KEY_STORE', 'XKS_PROXY_TIMED_OUT', /proxy's load/],
  ['EXTERNAL_KEY_STORE', 'XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION', /cks\.kms\.<region>\.amazonaws\.com in its allowed principals/],
  ['EXTERNAL_KEY_STORE', 'XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND', /Check the service name/],
];

describe('each ConnectionErrorCode', () => {
  test.each(CODES)('%s %s fails with its meaning and its fix', async (kind, code, fix) => {
    store('FAILED', { ConnectionErrorCode: code }, kind === 'AWS_CLOUDHSM' ? CLOUDHSM_PROPS : XKS_PROPS);
    const help = CONNECTION_ERROR_HELP[kind][code];
    expect(help).toBeDefined();
    expect(help.fix).toMatch(fix);
    const error = await isComplete(isCompleteEvent('Create', kind === 'AWS_CLOUDHSM' ? CLOUDHSM_PROPS : XKS_PROPS, STORE), f.clients())
      .catch((e: Error) => e);
    expect((error as Error).message).toContain(`failed to connect: ${code}. ${help.meaning} To fix: ${help.fix}`);
  });

  test('the table covers every code of the SDK, and no more', () => {
    const covered = new Set(CODES.map(([, code]) => code));
    expect([...covered].sort()).toEqual(Object.values(ConnectionErrorCodeType).sort());
    const tabled = new Set(Object.values(CONNECTION_ERROR_HELP).flatMap((t) => Object.keys(t)));
    expect([...tabled].sort()).toEqual([...covered].sort());
  });

  test('a code KMS adds later still fails with the code and where to look', async () => {
    store('FAILED', { ConnectionErrorCode: 'SOMETHING_NEW' });
    await expect(isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE), f.clients())).rejects.toThrow(
      'failed to connect: SOMETHING_NEW. KMS reported connection error SOMETHING_NEW. To fix: See "Troubleshooting a custom key store" '
      + 'in the AWS KMS Developer Guide, then deploy again.');
    expect(connectionErrorHelp('AWS_CLOUDHSM', undefined).meaning).toBe('KMS reported connection error (none).');
  });

  test('an external key store failing on its credential is told that the next deployment sends it again', async () => {
    store('FAILED', { ConnectionErrorCode: 'INVALID_CREDENTIALS' }, XKS_PROPS);
    await expect(isComplete(isCompleteEvent('Create', XKS_PROPS, STORE), f.clients()))
      .rejects.toThrow(/which disconnects it, sends the credential from the secret again, and connects it again\.$/);
  });

  test('other failures are told that the next deployment disconnects and connects the store', async () => {
    store('FAILED', { ConnectionErrorCode: 'NETWORK_ERRORS' });
    await expect(isComplete(isCompleteEvent('Update', CLOUDHSM_PROPS, STORE), f.clients()))
      .rejects.toThrow(/which disconnects it and connects it again\.$/);
  });
});

describe('throttling', () => {
  test('is retried by the SDK\'s standard retry strategy with the handlers\' client settings (real client, fake HTTP)', async () => {
    f.kms.mock.restore();
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new HttpResponse({
      statusCode: status,
      headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
      body: Readable.from([Buffer.from(JSON.stringify(body))]),
    });
    const throttled = () => json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });
    const responses = [
      throttled(),
      throttled(),
      json(200, { CustomKeyStores: [{ CustomKeyStoreId: STORE, CustomKeyStoreName: 'TestStack-Store', ConnectionState: 'CONNECTED' }] }),
    ];
    const sent: string[] = [];
    const kms = new KMSClient({
      ...SDK_CLIENT_CONFIG,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: any) => {
          sent.push(request.headers['x-amz-target']);
          return { response: responses.shift()! };
        },
      } as any,
    });
    const result = await isComplete(isCompleteEvent('Create', CLOUDHSM_PROPS, STORE),
      { kms, secrets: new SecretsManagerClient({}), ssm: new SSMClient({}), clock: f.clock });
    expect(result).toEqual({ IsComplete: true });
    expect(sent).toEqual(Array(3).fill('TrentService.DescribeCustomKeyStores'));
  });
});
