import { allowsEveryoneUnconditionally, deniesInsecureTransport, statementsOf } from '../../../src/audit/cfn/policy';
import { NotAssessedError } from '../../../src/audit/cfn/values';

const read = (raw: any) => statementsOf({ Statement: [raw] }, 'test')[0];

describe('deniesInsecureTransport', () => {
  const deny = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  test('a Deny to everyone when aws:SecureTransport is false (Bool or BoolIfExists, any case of the key)', () => {
    expect(deniesInsecureTransport(read(deny))).toBe(true);
    expect(deniesInsecureTransport(read({ ...deny, Condition: { BoolIfExists: { 'aws:securetransport': false } } }))).toBe(true);
  });
  test('not a Deny to one principal, not an Allow, not another condition', () => {
    expect(deniesInsecureTransport(read({ ...deny, Principal: { AWS: 'arn:aws:iam::111111111111:role/App' } }))).toBe(false);
    expect(deniesInsecureTransport(read({ ...deny, Effect: 'Allow' }))).toBe(false);
    expect(deniesInsecureTransport(read({ ...deny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))).toBe(false);
  });
});

describe('allowsEveryoneUnconditionally', () => {
  test('Principal * or { AWS: * } with no condition; not with a condition', () => {
    expect(allowsEveryoneUnconditionally(read({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }))).toBe(true);
    expect(allowsEveryoneUnconditionally(read({ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: 'kms:*', Resource: '*' }))).toBe(true);
    expect(allowsEveryoneUnconditionally(read({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '1' } } }))).toBe(false);
  });
});

describe('statementsOf', () => {
  test('reads a document given as a JSON string', () => {
    expect(statementsOf(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }), 'doc')).toHaveLength(1);
  });
  test('a statement list left to a condition cannot be read: a NotAssessedError naming where', () => {
    expect(() => statementsOf({ Statement: { 'Fn::If': ['C', [], []] } }, 'PolicyDocument of P')).toThrow(NotAssessedError);
    expect(() => statementsOf({ Statement: { 'Fn::If': ['C', [], []] } }, 'PolicyDocument of P')).toThrow(/the Statement of PolicyDocument of P is .*known only at deployment/);
  });
});
