import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EncryptedTable, KmsKeyWithRotation } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';
import { TemplateResolver } from '../util/resolve';
import { ALLOW_ALL, evaluate } from '../util/simulate';

const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };

describe('defaults', () => {
  const stack = newStack();
  const table = new EncryptedTable(stack, 'Orders', { partitionKey });
  const template = synth(stack);

  test('encrypted with a new rotating customer managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] } } })],
    });
    expect(table.tableKey).toBeInstanceOf(KmsKeyWithRotation);
  });
  test('point-in-time recovery and deletion protection on; table and key retained', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
  test('the four compliance packs report nothing', () => {
    const s = newStack();
    new EncryptedTable(s, 'Orders', { partitionKey });
    expect(nagFindings(s)).toEqual([]);
  });
});

describe('props', () => {
  test('a key of your own is used and no key is created', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Hsm', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    const table = new EncryptedTable(stack, 'Orders', { partitionKey, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(table.tableKey).toBeUndefined();
  });
  test('an AWS owned key when asked for explicitly', () => {
    const stack = newStack();
    new EncryptedTable(stack, 'Orders', { partitionKey, encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey(), allowAwsOwnedKey: true });
    synth(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', { SSESpecification: { SSEEnabled: false } });
  });
  test('DESTROY destroys the key too', () => {
    const stack = newStack();
    new EncryptedTable(stack, 'Orders', { partitionKey, removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
    synth(stack).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('bad input', () => {
  test('a stack without an explicit Region is refused, with the fix', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new EncryptedTable(stack, 'Orders', { partitionKey }))
      .toThrow(/Agnostic\/Orders: invalid encryption \(the stack's region\): got a customer managed key in a stack without an explicit Region; allowed: a stack with env: \{ region \}/);
  });
  test.each([
    ['an AWS owned key without allowAwsOwnedKey', { encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey() }, /TestStack\/Orders: invalid encryption: got TableEncryptionV2.dynamoOwnedKey\(\); allowed: .*allowAwsOwnedKey/],
    ['pointInTimeRecovery false', { pointInTimeRecovery: false }, /invalid pointInTimeRecovery: got false/],
    ['point-in-time recovery turned off', { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }, /invalid pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled: got false/],
    ['replicas with the default key', { replicas: [{ region: 'eu-west-1' }] }, /invalid replicas: got 1 replica\(s\) with the default key; allowed: .*customerManagedKey\(key, \{ <region>/],
  ])('%s is refused', (_, props, message) => {
    expect(() => new EncryptedTable(newStack(), 'Orders', { partitionKey, ...props })).toThrow(message);
  });
});

/**
 * The table key's policy evaluated with the identity policy `grantReadWriteData` gives a role: the role
 * uses the key through DynamoDB (the request DynamoDB makes for it carries `kms:ViaService`
 * dynamodb.us-east-1.amazonaws.com and `kms:CallerAccount`,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html#dynamodb-kms-authz),
 * and cannot use it directly; nor can an administrator.
 */
describe('key use only through DynamoDB', () => {
  const stack = newStack();
  const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  new EncryptedTable(stack, 'Orders', { partitionKey }).grantReadWriteData(app);
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const keyId = resolver.logicalId('AWS::KMS::Key', 'OrdersKey');
  const viaDynamoDb = { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:CallerAccount': '111111111111' };
  const request = (role: string, action: string, context: Record<string, string>, extra: Array<{ name: string; policy: any }> = []) => {
    const id = resolver.logicalId('AWS::IAM::Role', role);
    return evaluate({
      principal: resolver.roleArn(id),
      action,
      resource: resolver.keyArn(keyId),
      context,
      identityPolicies: [...resolver.identityPolicies(id), ...extra],
      resourcePolicy: resolver.properties(keyId).KeyPolicy,
    });
  };
  test.each(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'])('the table user may call %s through DynamoDB', async (action) => {
    expect(await request('App', action, viaDynamoDb)).toEqual('Allowed');
  });
  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('the table user may not call %s directly', async (action) => {
    expect(await request('App', action, {})).toEqual('ImplicitlyDenied');
  });
  test('the table user may not use the key through another service', async () => {
    expect(await request('App', 'kms:Decrypt', { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': '111111111111' })).toEqual('ImplicitlyDenied');
  });
  test('an administrator with an allow-all policy cannot decrypt directly, and can manage the key', async () => {
    expect(await request('Admin', 'kms:Decrypt', {}, [ALLOW_ALL])).toEqual('ImplicitlyDenied');
    expect(await request('Admin', 'kms:ScheduleKeyDeletion', {}, [ALLOW_ALL])).toEqual('Allowed');
  });
});
