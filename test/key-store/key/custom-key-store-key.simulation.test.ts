import { Resource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CustomKeyStoreType, ICustomKeyStore } from '../../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../../../src/key-store/key/custom-key-store-key';
import { ACCOUNT, newStack, REGION, synth } from '../../util/app';
import { TemplateResolver } from '../../util/resolve';
import { ALLOW_ALL, evaluate } from '../../util/simulate';

/**
 * The policies a CustomKeyStoreKey writes, evaluated as IAM evaluates them, for the first generation
 * and for a successor that scheduled rotation created (another key id, the same key policy and key
 * family tag), and for a key of another family.
 */
class FakeStore extends Resource implements ICustomKeyStore {
  public readonly customKeyStoreId = 'cks-1234567890abcdef0';
  public readonly customKeyStoreType = CustomKeyStoreType.AWS_CLOUDHSM;
  constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}

const stack = newStack();
const roleNames = ['Admin', 'User', 'Reader', 'Bystander'] as const;
type RoleName = typeof roleNames[number];
const roles = Object.fromEntries(roleNames.map((name) =>
  [name, new iam.Role(stack, name, { assumedBy: new iam.AccountRootPrincipal() })])) as Record<RoleName, iam.Role>;
const key = new CustomKeyStoreKey(stack, 'Key', {
  customKeyStore: new FakeStore(stack, 'Store'),
  alias: 'alias/app-data',
  admins: [roles.Admin],
  users: [roles.User],
});
key.grantDecrypt(roles.Reader);

const template = synth(stack).toJSON();
const resolver = new TemplateResolver(template);
const keyLogicalId = resolver.logicalId('Custom::KmiCustomKeyStoreKey', 'Key');
const keyPolicy = resolver.resolve(template.Resources[keyLogicalId].Properties.Policy);
const handlerRole = resolver.logicalId('AWS::IAM::Role', 'KmiCustomKeyStoreKeyProviderHandlerRole');
const rotationRole = resolver.logicalId('AWS::IAM::Role', 'KeyRotationRole');

const FIRST = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const SUCCESSOR = `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const FOREIGN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/33333333-3333-3333-3333-333333333333`;
/** The default key policy of a key that is not this key's: the account's IAM policies decide. */
const FOREIGN_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

function roleArn(logicalId: string) {
  return resolver.roleArn(logicalId);
}

/**
 * The KMS statements of the policies attached to a role. Statements on other services (such as
 * writing to a log group, whose ARN the resolver cannot render) play no part in these requests.
 */
function identityPolicies(roleLogicalId: string): Array<{ name: string; policy: any }> {
  return Object.entries<any>(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleLogicalId}"`))
    .map(([name, r]) => ({
      name,
      policy: {
        Version: '2012-10-17',
        Statement: resolver.resolve(r.Properties.PolicyDocument.Statement.filter((st: any) => JSON.stringify(st.Action).includes('"kms:'))),
      },
    }));
}

/** A request by a role, with the identity policies the stack gave it, on one of the keys. */
function request(role: string, action: string, options: {
  resource?: string; extra?: Array<{ name: string; policy: any }>; context?: Record<string, string | string[]>;
} = {}) {
  const logicalId = resolver.logicalId('AWS::IAM::Role', role);
  const resource = options.resource ?? FIRST;
  const ours = resource !== FOREIGN;
  return evaluate({
    principal: roleArn(logicalId),
    action,
    resource,
    identityPolicies: [...identityPolicies(logicalId), ...options.extra ?? []],
    // CreateKey has no resource (and so no key policy) yet.
    resourcePolicy: resource === '*' ? undefined : ours ? keyPolicy : FOREIGN_POLICY,
    context: {
      ['aws:ResourceTag/cdk-kmi:key-family']: ours ? key.keyFamily : 'Other/c8',
      'aws:PrincipalArn': roleArn(logicalId),
      ...options.context,
    },
  });
}

describe('grants cover every generation', () => {
  test.each([FIRST, SUCCESSOR])('a reader may decrypt with %s', async (resource) => {
    expect(await request('Reader', 'kms:Decrypt', { resource })).toEqual('Allowed');
  });
  test('a reader may not decrypt with a key of another family', async () => {
    expect(await request('Reader', 'kms:Decrypt', { resource: FOREIGN })).toEqual('ImplicitlyDenied');
  });
  test('a reader may not encrypt', async () => {
    expect(await request('Reader', 'kms:Encrypt', { resource: SUCCESSOR })).toEqual('ImplicitlyDenied');
  });
  test.each([FIRST, SUCCESSOR])('a user may encrypt and generate data keys with %s', async (resource) => {
    expect(await request('User', 'kms:Encrypt', { resource })).toEqual('Allowed');
    expect(await request('User', 'kms:GenerateDataKey', { resource })).toEqual('Allowed');
  });
});

describe('separation of duties holds on every generation', () => {
  test.each([FIRST, SUCCESSOR])('users are denied management of %s even when IAM allows everything', async (resource) => {
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:UpdateAlias']) {
      expect(await request('User', action, { resource, extra: [ALLOW_ALL] })).toEqual('ExplicitlyDenied');
    }
  });
  test.each([FIRST, SUCCESSOR])('admins may manage %s and are denied its use even when IAM allows everything', async (resource) => {
    expect(await request('Admin', 'kms:ScheduleKeyDeletion', { resource })).toEqual('Allowed');
    expect(await request('Admin', 'kms:PutKeyPolicy', { resource })).toEqual('Allowed');
    for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:CreateGrant']) {
      expect(await request('Admin', action, { resource, extra: [ALLOW_ALL] })).toEqual('ExplicitlyDenied');
    }
  });
  test('other principals of the account get nothing unless IAM grants it (the account is never locked out)', async () => {
    expect(await request('Bystander', 'kms:Decrypt')).toEqual('ImplicitlyDenied');
    expect(await request('Bystander', 'kms:Decrypt', { extra: [ALLOW_ALL] })).toEqual('Allowed');
    expect(await request('Bystander', 'kms:PutKeyPolicy', { extra: [ALLOW_ALL] })).toEqual('Allowed');
  });
});

describe('the key family tag', () => {
  const bookkeeping = { 'aws:TagKeys': ['cdk-kmi:key-family'] };
  test('admins may not change it, whatever IAM allows', async () => {
    expect(await request('Admin', 'kms:UntagResource', { context: bookkeeping, extra: [ALLOW_ALL] })).toEqual('ExplicitlyDenied');
    expect(await request('Admin', 'kms:TagResource', { context: { 'aws:TagKeys': ['team', 'cdk-kmi:successor-key-id'] }, extra: [ALLOW_ALL] }))
      .toEqual('ExplicitlyDenied');
  });
  test('admins may change other tags', async () => {
    expect(await request('Admin', 'kms:TagResource', { context: { 'aws:TagKeys': ['team'] } })).toEqual('Allowed');
  });
  test('the handler and the rotation may change it', async () => {
    expect(await request(handlerRole, 'kms:TagResource', { context: bookkeeping })).toEqual('Allowed');
    expect(await request(rotationRole, 'kms:TagResource', { resource: SUCCESSOR, context: { 'aws:TagKeys': ['cdk-kmi:successor-key-id'] } }))
      .toEqual('Allowed');
  });
});

describe('the custom resource handler', () => {
  test.each(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:UpdateKeyDescription', 'kms:DescribeKey'])('may call %s on every generation', async (action) => {
    expect(await request(handlerRole, action, { resource: SUCCESSOR })).toEqual('Allowed');
  });
  test('may not use the key', async () => {
    expect(await request(handlerRole, 'kms:Decrypt')).toEqual('ImplicitlyDenied');
  });
  test('may not manage a key of another family', async () => {
    expect(await request(handlerRole, 'kms:ScheduleKeyDeletion', { resource: FOREIGN })).toEqual('ImplicitlyDenied');
  });
  test('may create a CloudHSM key tagged with this key\'s family, and no other key', async () => {
    const create = (context: Record<string, string | string[]>) => request(handlerRole, 'kms:CreateKey', {
      resource: '*',
      context: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT', 'kms:MultiRegion': 'false', ...context },
    });
    const family = { ['aws:RequestTag/cdk-kmi:key-family']: key.keyFamily };
    expect(await create({ 'kms:KeyOrigin': 'AWS_CLOUDHSM', ...family })).toEqual('Allowed');
    expect(await create({ 'kms:KeyOrigin': 'AWS_KMS', ...family })).toEqual('ImplicitlyDenied');
    expect(await create({ 'kms:KeyOrigin': 'AWS_CLOUDHSM' })).toEqual('ImplicitlyDenied');
    expect(await create({ 'kms:KeyOrigin': 'AWS_CLOUDHSM', 'kms:MultiRegion': 'true', ...family })).toEqual('ImplicitlyDenied');
  });
  test('may name an alias only for keys whose policy names it', async () => {
    const alias = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app-data`;
    const identity = identityPolicies(handlerRole);
    const onAlias = await evaluate({ principal: roleArn(handlerRole), action: 'kms:CreateAlias', resource: alias, identityPolicies: identity });
    expect(onAlias).toEqual('Allowed');
    expect(await request(handlerRole, 'kms:CreateAlias', { resource: SUCCESSOR })).toEqual('Allowed');
    expect(await request(handlerRole, 'kms:CreateAlias', { resource: FOREIGN })).toEqual('ImplicitlyDenied');
  });
});

describe('the rotation', () => {
  test.each(['kms:GetKeyPolicy', 'kms:ListResourceTags', 'kms:UpdateAlias', 'kms:DescribeKey'])('may call %s on every generation', async (action) => {
    expect(await request(rotationRole, action, { resource: SUCCESSOR })).toEqual('Allowed');
  });
  test.each(['kms:Decrypt', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:UntagResource'])('may not call %s', async (action) => {
    expect(await request(rotationRole, action)).toEqual('ImplicitlyDenied');
  });
  test('may move only this key\'s alias', async () => {
    const identity = identityPolicies(rotationRole);
    const move = (alias: string) => evaluate({
      principal: roleArn(rotationRole), action: 'kms:UpdateAlias', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:${alias}`, identityPolicies: identity,
    });
    expect(await move('alias/app-data')).toEqual('Allowed');
    expect(await move('alias/other')).toEqual('ImplicitlyDenied');
  });
  test('may create only CloudHSM keys tagged with this key\'s family', async () => {
    const create = (origin: string, familyTag?: string) => request(rotationRole, 'kms:CreateKey', {
      resource: '*',
      context: {
        'kms:KeyOrigin': origin,
        'kms:KeySpec': 'SYMMETRIC_DEFAULT',
        'kms:KeyUsage': 'ENCRYPT_DECRYPT',
        'kms:MultiRegion': 'false',
        ...familyTag ? { 'aws:RequestTag/cdk-kmi:key-family': familyTag } : {},
      },
    });
    expect(await create('AWS_CLOUDHSM', key.keyFamily)).toEqual('Allowed');
    expect(await create('EXTERNAL_KEY_STORE', key.keyFamily)).toEqual('ImplicitlyDenied');
    expect(await create('AWS_CLOUDHSM', 'Other/c8')).toEqual('ImplicitlyDenied');
  });
});
