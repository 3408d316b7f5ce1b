import * as iam from 'aws-cdk-lib/aws-iam';
import { FieldLevelEncryptionKeys, SearchableFieldKeys } from '../../src';
import { newStack, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { ALLOW_ALL, evaluate } from '../util/simulate';

/**
 * The field key and the blind-index (HMAC) key, evaluated as IAM evaluates their key policies with
 * each role's identity policies: the app role generates MACs and encrypts and decrypts fields in its
 * encryption context and nothing else; the admin manages the keys and cannot use them.
 */
const stack = newStack();
const roleNames = ['Admin', 'App', 'Bystander'] as const;
const roles = Object.fromEntries(roleNames.map((name) =>
  [name, new iam.Role(stack, name, { assumedBy: new iam.AccountRootPrincipal() })])) as Record<typeof roleNames[number], iam.Role>;
new FieldLevelEncryptionKeys(stack, 'Fields', {
  encryptionContext: { purpose: 'patient-records' },
  admins: [roles.Admin],
  users: [roles.App],
});

const resolver = new TemplateResolver(synth(stack).toJSON());
const fieldKeyId = resolver.logicalId('AWS::KMS::Key', 'FieldsFieldKey');
const macKeyId = resolver.logicalId('AWS::KMS::Key', 'FieldsMacKey');
const IN_CONTEXT = { 'kms:EncryptionContext:purpose': 'patient-records' };
const HMAC = { 'kms:MacAlgorithm': 'HMAC_SHA_256' };

type Policy = { name: string; policy: any };
function request(role: typeof roleNames[number], keyId: string, action: string, context: Record<string, string> = {}, extra: Policy[] = []) {
  const logicalId = resolver.logicalId('AWS::IAM::Role', role);
  return evaluate({
    principal: resolver.roleArn(logicalId),
    action,
    resource: resolver.keyArn(keyId),
    context,
    identityPolicies: [...resolver.identityPolicies(logicalId), ...extra],
    resourcePolicy: resolver.properties(keyId).KeyPolicy,
  });
}

describe('the app role (a user)', () => {
  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('may call %s on the field key in its encryption context', async (action) => {
    expect(await request('App', fieldKeyId, action, IN_CONTEXT)).toEqual('Allowed');
  });
  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('may not call %s on the field key without the context', async (action) => {
    expect(await request('App', fieldKeyId, action)).toEqual('ImplicitlyDenied');
  });
  test('may not decrypt fields of another context', async () => {
    expect(await request('App', fieldKeyId, 'kms:Decrypt', { 'kms:EncryptionContext:purpose': 'billing' })).toEqual('ImplicitlyDenied');
  });
  test.each(['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKeyWithoutPlaintext'])('is not granted %s on the field key', async (action) => {
    expect(await request('App', fieldKeyId, action, IN_CONTEXT)).toEqual('ImplicitlyDenied');
  });
  test.each(['kms:GenerateMac', 'kms:VerifyMac'])('may call %s with HMAC_SHA_256 on the MAC key', async (action) => {
    expect(await request('App', macKeyId, action, HMAC)).toEqual('Allowed');
  });
  test('may not call GenerateMac with another algorithm', async () => {
    expect(await request('App', macKeyId, 'kms:GenerateMac', { 'kms:MacAlgorithm': 'HMAC_SHA_512' })).toEqual('ImplicitlyDenied');
  });
  test.each(['kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey'])('is denied %s on both keys even with an allow-all IAM policy', async (action) => {
    expect(await request('App', fieldKeyId, action, {}, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
    expect(await request('App', macKeyId, action, {}, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
});

describe('the admin role', () => {
  test.each(['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'])('may call %s on both keys', async (action) => {
    expect(await request('Admin', fieldKeyId, action)).toEqual('Allowed');
    expect(await request('Admin', macKeyId, action)).toEqual('Allowed');
  });
  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('is denied %s on the field key even with an allow-all IAM policy', async (action) => {
    expect(await request('Admin', fieldKeyId, action, IN_CONTEXT, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
  test.each(['kms:GenerateMac', 'kms:VerifyMac'])('is denied %s on the MAC key even with an allow-all IAM policy', async (action) => {
    expect(await request('Admin', macKeyId, action, HMAC, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
});

describe('other principals of the account', () => {
  test('get nothing from the keys by default', async () => {
    expect(await request('Bystander', fieldKeyId, 'kms:Decrypt', IN_CONTEXT)).toEqual('ImplicitlyDenied');
    expect(await request('Bystander', macKeyId, 'kms:GenerateMac', HMAC)).toEqual('ImplicitlyDenied');
  });
});

describe('the branch key store', () => {
  const ksStack = newStack();
  const app = new iam.Role(ksStack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
  const keyAdmin = new iam.Role(ksStack, 'StoreAdmin', { assumedBy: new iam.AccountRootPrincipal() });
  const keys = new FieldLevelEncryptionKeys(ksStack, 'Fields', {
    encryptionContext: { purpose: 'patient-records' },
    searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE,
    admins: [keyAdmin],
    users: [app],
  });
  expect(keys.macKey).toBeUndefined();
  const ks = new TemplateResolver(synth(ksStack).toJSON());
  const rootKeyId = ks.logicalId('AWS::KMS::Key', 'FieldsRootKey');
  const tableId = ks.logicalId('AWS::DynamoDB::GlobalTable', 'FieldsBranchKeyStore');
  function ksRequest(role: string, action: string, resource: string, resourcePolicy?: any, extra: Array<{ name: string; policy: any }> = []) {
    const logicalId = ks.logicalId('AWS::IAM::Role', role);
    const identityPolicies = [...ks.identityPolicies(logicalId), ...extra];
    return evaluate({ principal: ks.roleArn(logicalId), action, resource, identityPolicies, resourcePolicy });
  }
  const tableArn = `arn:aws:dynamodb:us-east-1:111111111111:table/${tableId}`;

  test('a user reads branch keys and decrypts them with the root key', async () => {
    expect(await ksRequest('App', 'dynamodb:GetItem', tableArn)).toEqual('Allowed');
    expect(await ksRequest('App', 'kms:Decrypt', ks.keyArn(rootKeyId), ks.properties(rootKeyId).KeyPolicy)).toEqual('Allowed');
  });
  test('a user cannot write the key store or create branch keys', async () => {
    expect(await ksRequest('App', 'dynamodb:PutItem', tableArn)).toEqual('ImplicitlyDenied');
    expect(await ksRequest('App', 'kms:GenerateDataKeyWithoutPlaintext', ks.keyArn(rootKeyId), ks.properties(rootKeyId).KeyPolicy)).toEqual('ImplicitlyDenied');
  });
  test('the key admin cannot decrypt branch keys, even with an allow-all IAM policy', async () => {
    expect(await ksRequest('StoreAdmin', 'kms:Decrypt', ks.keyArn(rootKeyId), ks.properties(rootKeyId).KeyPolicy, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
});
