import { Resource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KmsKeyWithImportedMaterial, KmsKeyWithRotation } from '../../src';
import { activationKeyPolicy } from '../../src/cloudhsm/activation/cluster-activation-key-policy';
import { Ec2KeyUsers, ec2OnlyKeyPolicy } from '../../src/ebs/ec2-only-key-policy';
import { CustomKeyStoreType, ICustomKeyStore } from '../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../../src/key-store/key/custom-key-store-key';
import { ACCOUNT, newStack, REGION, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { ALLOW_ALL, evaluate } from '../util/simulate';

/**
 * CT.KMS.PR.3 on the keys the library creates: `kms:CreateGrant` is denied unless an AWS service asks
 * for it on a principal's behalf (`kms:GrantIsForAWSResource` true) or the caller is an AWS service
 * principal (`aws:PrincipalIsAWSService` true).
 *
 * The request shapes:
 * - an integrated service (EBS, Redshift, RDS, Secrets Manager) calls CreateGrant with the caller's
 *   credentials and sets `kms:GrantIsForAWSResource` true and `kms:ViaService` to its endpoint
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource,
 *   https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service);
 * - IAM sets `aws:PrincipalIsAWSService` on every request: true for a service principal, false otherwise
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice);
 * - a principal's own CreateGrant call carries no `kms:GrantIsForAWSResource`.
 */
class FakeStore extends Resource implements ICustomKeyStore {
  public readonly customKeyStoreId = 'cks-1234567890abcdef0';
  public readonly customKeyStoreType = CustomKeyStoreType.AWS_CLOUDHSM;
  constructor(scope: Construct, id: string) {
    super(scope, id);
  }
}

const stack = newStack();
const appRole = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
const rotating = new KmsKeyWithRotation(stack, 'Rotating', { users: [appRole] });
// A service principal that a user lets create grants, as some integrations document it.
rotating.addToResourcePolicy(new iam.PolicyStatement({
  principals: [new iam.ServicePrincipal('dynamodb.amazonaws.com')],
  actions: ['kms:CreateGrant', 'kms:Decrypt'],
  resources: ['*'],
}));
new KmsKeyWithImportedMaterial(stack, 'Imported', {
  keyMaterial: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Material', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:material-AbCdEf`),
});
new CustomKeyStoreKey(stack, 'InStore', { customKeyStore: new FakeStore(stack, 'Store'), alias: 'alias/in-store' });

const template = synth(stack).toJSON();
const resolver = new TemplateResolver(template);
const appRoleArn = resolver.roleArn(resolver.logicalId('AWS::IAM::Role', 'App'));
const KEYS = {
  'KmsKeyWithRotation': resolver.properties(resolver.logicalId('AWS::KMS::Key', 'Rotating')).KeyPolicy,
  'KmsKeyWithImportedMaterial': resolver.properties(resolver.logicalId('AWS::KMS::Key', 'Imported')).KeyPolicy,
  'CustomKeyStoreKey': resolver.resolve(template.Resources[resolver.logicalId('Custom::KmiCustomKeyStoreKey', 'InStore')].Properties.Policy),
  'EncryptedVolume (EC2-only key)': resolveDocument(stack, ec2OnlyKeyPolicy(stack, Ec2KeyUsers.IAM_AUTHORIZED)),
  'EBS default key (any principal through EC2)': resolveDocument(stack, ec2OnlyKeyPolicy(stack, Ec2KeyUsers.ANY_IN_ACCOUNT)),
  'CloudHSM activation key': resolveDocument(stack, activationKeyPolicy(stack)),
};
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;

function resolveDocument(s: Stack, document: iam.PolicyDocument): any {
  return resolver.resolve(s.resolve(document.toJSON()));
}

function createGrant(keyPolicy: any, principal: string, context: Record<string, string>, identityPolicies = [ALLOW_ALL]) {
  return evaluate({ principal, action: 'kms:CreateGrant', resource: KEY_ARN, resourcePolicy: keyPolicy, identityPolicies, context });
}

const viaService = (service: string) => ({
  'kms:ViaService': `${service}.${REGION}.amazonaws.com`,
  'kms:CallerAccount': ACCOUNT,
  'kms:GrantIsForAWSResource': 'true',
  'aws:PrincipalIsAWSService': 'false',
});

describe.each(Object.entries(KEYS))('%s', (_name, keyPolicy) => {
  test('denies an IAM principal a grant it creates itself, even when its IAM policy allows every action', async () => {
    expect(await createGrant(keyPolicy, appRoleArn, { 'aws:PrincipalIsAWSService': 'false' })).toEqual('ExplicitlyDenied');
  });
  test('denies an IAM principal a grant whose request says it is not for an AWS resource', async () => {
    expect(await createGrant(keyPolicy, appRoleArn, { 'aws:PrincipalIsAWSService': 'false', 'kms:GrantIsForAWSResource': 'false' }))
      .toEqual('ExplicitlyDenied');
  });
  test('lets EBS create a grant for a volume on behalf of a principal that may use the key', async () => {
    expect(await createGrant(keyPolicy, appRoleArn, viaService('ec2'))).toEqual('Allowed');
  });
});

describe('KmsKeyWithRotation', () => {
  const keyPolicy = KEYS.KmsKeyWithRotation;
  test.each(['redshift', 'rds', 'secretsmanager'])('lets %s create a grant on behalf of a principal allowed CreateGrant', async (service) => {
    expect(await createGrant(keyPolicy, appRoleArn, viaService(service))).toEqual('Allowed');
  });
  test('lets a service principal the key policy allows create a grant', async () => {
    expect(await createGrant(keyPolicy, 'dynamodb.amazonaws.com', { 'aws:PrincipalIsAWSService': 'true' }, [])).toEqual('Allowed');
  });
  test('denies the account root a grant it creates itself', async () => {
    expect(await createGrant(keyPolicy, `arn:aws:iam::${ACCOUNT}:root`, { 'aws:PrincipalIsAWSService': 'false' }, [])).toEqual('ExplicitlyDenied');
  });
  test('leaves the key users\' own use of the key alone', async () => {
    const decrypt = await evaluate({
      principal: appRoleArn,
      action: 'kms:Decrypt',
      resource: resolver.keyArn(resolver.logicalId('AWS::KMS::Key', 'Rotating')),
      resourcePolicy: keyPolicy,
      identityPolicies: resolver.identityPolicies(resolver.logicalId('AWS::IAM::Role', 'App')),
      context: { 'aws:PrincipalIsAWSService': 'false' },
    });
    expect(decrypt).toEqual('Allowed');
  });
});
