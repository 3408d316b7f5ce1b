import * as iam from 'aws-cdk-lib/aws-iam';
import { KmsKeyWithRotation } from '../../src';
import { newStack, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { ALLOW_ALL, evaluate } from '../util/simulate';

/**
 * Separation of duties on KmsKeyWithRotation, evaluated as IAM evaluates the synthesized key policy
 * together with each role's identity policies.
 */
const stack = newStack();
const roleNames = ['Admin', 'User', 'Bystander'] as const;
const roles = Object.fromEntries(roleNames.map((name) =>
  [name, new iam.Role(stack, name, { assumedBy: new iam.AccountRootPrincipal() })])) as Record<typeof roleNames[number], iam.Role>;
new KmsKeyWithRotation(stack, 'Key', { admins: [roles.Admin], users: [roles.User] });

const resolver = new TemplateResolver(synth(stack).toJSON());
const keyLogicalId = resolver.logicalId('AWS::KMS::Key', 'Key');
const keyPolicy = resolver.properties(keyLogicalId).KeyPolicy;

/** A request by `role` with the identity policies the construct gave it, plus `extra`. */
function request(role: typeof roleNames[number], action: string, extra: Array<{ name: string; policy: any }> = []) {
  const logicalId = resolver.logicalId('AWS::IAM::Role', role);
  return evaluate({
    principal: resolver.roleArn(logicalId),
    action,
    resource: resolver.keyArn(keyLogicalId),
    identityPolicies: [...resolver.identityPolicies(logicalId), ...extra],
    resourcePolicy: keyPolicy,
  });
}

const CRYPTO = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:GenerateDataKeyWithoutPlaintext'];
const MANAGEMENT = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:CancelKeyDeletion', 'kms:EnableKey'];

describe('key administrators', () => {
  test.each(MANAGEMENT)('may call %s with the permissions the key grants them', async (action) => {
    expect(await request('Admin', action)).toEqual('Allowed');
  });
  test.each(CRYPTO)('are denied %s even when their IAM policy allows every action', async (action) => {
    expect(await request('Admin', action, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
  test('are denied kms:CreateGrant, which would delegate use', async () => {
    expect(await request('Admin', 'kms:CreateGrant', [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
  test('are not granted kms:DisableKeyRotation', async () => {
    expect(await request('Admin', 'kms:DisableKeyRotation')).toEqual('ImplicitlyDenied');
  });
});

describe('key users', () => {
  test.each([...CRYPTO, 'kms:DescribeKey'])('may call %s with the permissions the key grants them', async (action) => {
    expect(await request('User', action)).toEqual('Allowed');
  });
  test.each(MANAGEMENT)('are denied %s even when their IAM policy allows every action', async (action) => {
    expect(await request('User', action, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
});

describe('other principals of the account', () => {
  test('get nothing from the key by default', async () => {
    expect(await request('Bystander', 'kms:Decrypt')).toEqual('ImplicitlyDenied');
    expect(await request('Bystander', 'kms:PutKeyPolicy')).toEqual('ImplicitlyDenied');
  });
  test('keep both duties when IAM grants them (the account is never locked out)', async () => {
    expect(await request('Bystander', 'kms:Decrypt', [ALLOW_ALL])).toEqual('Allowed');
    expect(await request('Bystander', 'kms:PutKeyPolicy', [ALLOW_ALL])).toEqual('Allowed');
  });
});
