import * as iam from 'aws-cdk-lib/aws-iam';
import { KmsKeyWithRotation } from '../../src';
import { ACCOUNT, newStack, REGION, synth } from '../util/app';
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

/**
 * Alias operations are authorized against the alias (in the caller's IAM policies: an alias has no
 * policy of its own) as well as the key (https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html).
 * The key side is shown above by the admins' management actions; this is the alias side.
 */
describe('alias management by key administrators', () => {
  const aliasStack = newStack('AliasStack');
  const aliasAdmin = new iam.Role(aliasStack, 'AliasAdmin', { assumedBy: new iam.AccountRootPrincipal() });
  const aliasUser = new iam.Role(aliasStack, 'AliasUser', { assumedBy: new iam.AccountRootPrincipal() });
  new KmsKeyWithRotation(aliasStack, 'Named', { alias: 'alias/app-data', admins: [aliasAdmin], users: [aliasUser] });
  const aliasResolver = new TemplateResolver(synth(aliasStack).toJSON());
  const aliasArn = (name: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:${name}`;
  const onAlias = (role: string, action: string, alias: string, identity: Array<{ name: string; policy: any }>) => evaluate({
    principal: aliasResolver.roleArn(aliasResolver.logicalId('AWS::IAM::Role', role)),
    action,
    resource: aliasArn(alias),
    identityPolicies: identity,
  });

  test.each(['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'])('an admin of a key with an alias may call %s on that alias', async (action) => {
    const identity = aliasResolver.identityPolicies(aliasResolver.logicalId('AWS::IAM::Role', 'AliasAdmin'));
    expect(await onAlias('AliasAdmin', action, 'alias/app-data', identity)).toEqual('Allowed');
  });
  test('an admin of a key with an alias is not given other aliases', async () => {
    const identity = aliasResolver.identityPolicies(aliasResolver.logicalId('AWS::IAM::Role', 'AliasAdmin'));
    expect(await onAlias('AliasAdmin', 'kms:DeleteAlias', 'alias/someone-else', identity)).toEqual('ImplicitlyDenied');
  });
  test('a user gets no alias permissions', async () => {
    const identity = aliasResolver.identityPolicies(aliasResolver.logicalId('AWS::IAM::Role', 'AliasUser'));
    expect(await onAlias('AliasUser', 'kms:CreateAlias', 'alias/app-data', identity)).toEqual('ImplicitlyDenied');
  });
  test.each(['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'])('an admin of a key without an alias may call %s on the account\'s aliases', async (action) => {
    const adminLogicalId = resolver.logicalId('AWS::IAM::Role', 'Admin');
    expect(await evaluate({
      principal: resolver.roleArn(adminLogicalId),
      action,
      resource: aliasArn('alias/new-name'),
      identityPolicies: resolver.identityPolicies(adminLogicalId),
    })).toEqual('Allowed');
  });
});
