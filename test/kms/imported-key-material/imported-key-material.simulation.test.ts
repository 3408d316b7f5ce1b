import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KmsKeyWithImportedMaterial } from '../../../src/kms/imported-key-material/imported-key-material';
import { newStack, synth } from '../../util/app';
import { TemplateResolver } from '../../util/resolve';
import { ALLOW_ALL, evaluate } from '../../util/simulate';

/**
 * KmsKeyWithImportedMaterial's key policy and the import handler's permissions, evaluated as IAM
 * evaluates them: admins manage the key and its material and may not use it; users use it and may
 * neither manage it nor touch its material; the handler may import into this key and read this
 * secret, and nothing else.
 */
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:byok-material-AbCdEf';
const OTHER_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:other-GhIjKl';
const OTHER_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/99999999-9999-9999-9999-999999999999';

const stack = newStack();
const roleNames = ['Admin', 'User', 'Bystander'] as const;
const roles = Object.fromEntries(roleNames.map((name) =>
  [name, new iam.Role(stack, name, { assumedBy: new iam.AccountRootPrincipal() })])) as Record<typeof roleNames[number], iam.Role>;
new KmsKeyWithImportedMaterial(stack, 'Key', {
  keyMaterial: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Material', SECRET_ARN),
  admins: [roles.Admin],
  users: [roles.User],
});

const template = synth(stack).toJSON();
const resolver = new TemplateResolver(template);
const keyLogicalId = resolver.logicalId('AWS::KMS::Key', 'Key');
const keyArn = resolver.keyArn(keyLogicalId);
const keyPolicy = resolver.properties(keyLogicalId).KeyPolicy;

function request(role: typeof roleNames[number], action: string, extra: Array<{ name: string; policy: any }> = []) {
  const logicalId = resolver.logicalId('AWS::IAM::Role', role);
  return evaluate({
    principal: resolver.roleArn(logicalId),
    action,
    resource: keyArn,
    identityPolicies: [...resolver.identityPolicies(logicalId), ...extra],
    resourcePolicy: keyPolicy,
  });
}

/**
 * The handler role's policies, resolved. Statements on the provider's log group are left out: they
 * concern logs only, and the resolver does not model log groups.
 */
function handlerPolicies(roleLogicalId: string) {
  return Object.entries(template.Resources as Record<string, any>)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles ?? []).some((ref: any) => ref.Ref === roleLogicalId))
    .map(([id, r]) => ({
      name: id,
      policy: resolver.resolve({
        ...r.Properties.PolicyDocument,
        Statement: r.Properties.PolicyDocument.Statement.filter((s: any) => !JSON.stringify(s.Action).includes('logs:')),
      }),
    }));
}

const handlerRole = resolver.logicalId('AWS::IAM::Role', 'KmiImportedKeyMaterialProviderHandlerRole');
function handlerRequest(action: string, resource: string, resourcePolicy?: any) {
  return evaluate({
    principal: resolver.roleArn(handlerRole),
    action,
    resource,
    identityPolicies: handlerPolicies(handlerRole),
    resourcePolicy,
  });
}

const CRYPTO = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:GenerateDataKeyWithoutPlaintext'];
const MANAGEMENT = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:CancelKeyDeletion', 'kms:EnableKey'];
const MATERIAL = ['kms:ImportKeyMaterial', 'kms:DeleteImportedKeyMaterial', 'kms:RotateKeyOnDemand'];

describe('key administrators', () => {
  test.each([...MANAGEMENT, ...MATERIAL, 'kms:GetParametersForImport'])('may call %s with the permissions the key grants them', async (action) => {
    expect(await request('Admin', action)).toEqual('Allowed');
  });
  test.each([...CRYPTO, 'kms:CreateGrant'])('are denied %s even when their IAM policy allows every action', async (action) => {
    expect(await request('Admin', action, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
  test('are not granted kms:EnableKeyRotation, which imported material does not support', async () => {
    expect(await request('Admin', 'kms:EnableKeyRotation')).toEqual('ImplicitlyDenied');
  });
});

describe('key users', () => {
  test.each([...CRYPTO, 'kms:DescribeKey'])('may call %s with the permissions the key grants them', async (action) => {
    expect(await request('User', action)).toEqual('Allowed');
  });
  test.each([...MANAGEMENT, ...MATERIAL])('are denied %s even when their IAM policy allows every action', async (action) => {
    expect(await request('User', action, [ALLOW_ALL])).toEqual('ExplicitlyDenied');
  });
});

describe('other principals of the account', () => {
  test('get nothing from the key by default', async () => {
    expect(await request('Bystander', 'kms:Decrypt')).toEqual('ImplicitlyDenied');
    expect(await request('Bystander', 'kms:ImportKeyMaterial')).toEqual('ImplicitlyDenied');
  });
});

describe('the import handler', () => {
  test.each(['kms:GetParametersForImport', 'kms:ImportKeyMaterial', 'kms:ListKeyRotations', 'kms:RotateKeyOnDemand'])('may call %s on the key', async (action) => {
    expect(await handlerRequest(action, keyArn, keyPolicy)).toEqual('Allowed');
  });
  test.each(['kms:ImportKeyMaterial', 'kms:RotateKeyOnDemand'])('may not call %s on another key', async (action) => {
    expect(await handlerRequest(action, OTHER_KEY_ARN)).toEqual('ImplicitlyDenied');
  });
  test.each(['kms:Decrypt', 'kms:Encrypt', 'kms:DeleteImportedKeyMaterial', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'])(
    'may not call %s on the key', async (action) => {
      expect(await handlerRequest(action, keyArn, keyPolicy)).toEqual('ImplicitlyDenied');
    });
  test('may read the material secret', async () => {
    expect(await handlerRequest('secretsmanager:GetSecretValue', SECRET_ARN)).toEqual('Allowed');
  });
  test('may not read any other secret', async () => {
    expect(await handlerRequest('secretsmanager:GetSecretValue', OTHER_SECRET_ARN)).toEqual('ImplicitlyDenied');
  });
  test('may not change the material secret', async () => {
    expect(await handlerRequest('secretsmanager:PutSecretValue', SECRET_ARN)).toEqual('ImplicitlyDenied');
  });
});
