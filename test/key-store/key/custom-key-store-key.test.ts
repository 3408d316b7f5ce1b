import { App, Duration, RemovalPolicy, Resource, Size, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EncryptedVolume } from '../../../src/ebs/encrypted-volume';
import { EmrInTransitEncryption } from '../../../src/emr/emr-in-transit-encryption';
import { EmrLocalDiskEncryption } from '../../../src/emr/emr-local-disk-encryption';
import { EmrS3Encryption } from '../../../src/emr/emr-s3-encryption';
import { EmrSecurityConfiguration } from '../../../src/emr/emr-security-configuration';
import { CustomKeyStoreType, ICustomKeyStore } from '../../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey, CustomKeyStoreKeyProps } from '../../../src/key-store/key/custom-key-store-key';
import { CustomKeyStoreKeyRotation } from '../../../src/key-store/key/custom-key-store-key-rotation';
import { RedshiftEncryptedCluster } from '../../../src/redshift/redshift-encrypted-cluster';
import { EncryptedBucket } from '../../../src/s3/encrypted-bucket';
import { ACCOUNT, newStack, REGION, snapshotOf, synth } from '../../util/app';
import { nagFindings } from '../../util/nag';

const TYPE = 'Custom::KmiCustomKeyStoreKey';
const HSM_STORE_ID = 'cks-1234567890abcdef0';
const XKS_STORE_ID = 'cks-0fedcba0987654321';

/** A custom key store known only by its id and type, as the key needs it. */
class FakeStore extends Resource implements ICustomKeyStore {
  constructor(scope: Construct, id: string, public readonly customKeyStoreId: string, public readonly customKeyStoreType: CustomKeyStoreType) {
    super(scope, id);
  }
}

function hsmStore(stack: Stack) {
  return new FakeStore(stack, 'HsmStore', HSM_STORE_ID, CustomKeyStoreType.AWS_CLOUDHSM);
}

function xksStore(stack: Stack) {
  return new FakeStore(stack, 'XksStore', XKS_STORE_ID, CustomKeyStoreType.EXTERNAL_KEY_STORE);
}

function keyTemplate(props: Partial<CustomKeyStoreKeyProps> = {}, store = hsmStore) {
  const stack = newStack();
  const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: store(stack), ...props });
  return { stack, key, template: synth(stack) };
}

function keyProperties(template: Template) {
  return Object.values(template.findResources(TYPE))[0].Properties;
}

function keyPolicyStatements(template: Template): any[] {
  return keyProperties(template).Policy.Statement;
}

describe('defaults (CloudHSM key store)', () => {
  const { template, key, stack } = keyTemplate();

  test('one custom resource holds the key, in the store, for the CloudHSM store type', () => {
    template.resourceCountIs(TYPE, 1);
    template.hasResourceProperties(TYPE, {
      CustomKeyStoreId: HSM_STORE_ID,
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      XksKeyId: Match.absent(),
      Description: `Key in custom key store ${HSM_STORE_ID} (TestStack/Key)`,
    });
  });
  test('the key is retained (RETAIN): CloudFormation keeps it, and the handler is told so', () => {
    template.hasResource(TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ RemovalPolicy: 'RETAIN' }) });
  });
  test('a scheduled deletion waits 30 days', () => {
    template.hasResourceProperties(TYPE, { PendingWindowInDays: '30' });
  });
  test('scheduled rotation every 365 days is on, and recorded for compliance checks', () => {
    template.hasResourceProperties(TYPE, { RotationPeriodInDays: '365' });
    expect(key.rotationPeriod?.toDays()).toBe(365);
  });
  test('a daily schedule checks the rotation, with the alias, the key family and the period', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Target: { Input: JSON.stringify({ AliasName: key.aliasName, KeyFamily: key.keyFamily, RotationPeriodInDays: 365 }) },
    });
    template.hasResource('AWS::Scheduler::Schedule', { DependsOn: Match.arrayWith([stack.getLogicalId(key.node.findChild('Resource').node.defaultChild as any)]) });
  });
  test('the rotation function runs one at a time', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('scheduled rotation'),
      ReservedConcurrentExecutions: 1,
    });
  });
  test('the key has an alias made from its path, since rotation finds the current key by alias', () => {
    expect(key.aliasName).toMatch(/^alias\/cdk-kmi\/TestStack-Key-[A-F0-9]{8}$/);
    template.hasResourceProperties(TYPE, { AliasName: key.aliasName });
    template.resourceCountIs('AWS::KMS::Alias', 0);
  });
  test('the key family is the stack name and the construct address', () => {
    expect(key.keyFamily).toBe(`TestStack/${key.node.addr}`);
    template.hasResourceProperties(TYPE, { KeyFamily: key.keyFamily });
  });
  test('the key policy delegates to IAM, names the handler and the rotation, and protects the bookkeeping tags', () => {
    expect(keyPolicyStatements(template).map((s) => s.Sid)).toEqual(['EnableIamPolicies', 'KmiKeyLifecycle', 'KmiScheduledRotation', 'ProtectKmiBookkeepingTags', 'DenyGrantsNotForAwsResources']);
  });
  test('keyArn and keyId are the first generation\'s, from the custom resource', () => {
    const logicalId = stack.getLogicalId(key.node.findChild('Resource').node.defaultChild as any);
    expect(stack.resolve(key.keyArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'KeyArn'] });
    expect(stack.resolve(key.keyId)).toEqual({ Ref: logicalId });
    expect(stack.resolve(key.keyRef)).toEqual({ keyArn: { 'Fn::GetAtt': [logicalId, 'KeyArn'] }, keyId: { Ref: logicalId } });
  });
  test('compliance packs report nothing', () => {
    const s = newStack();
    new CustomKeyStoreKey(s, 'Key', { customKeyStore: hsmStore(s) });
    expect(nagFindings(s)).toEqual([]);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('external key store', () => {
  const { template, key } = keyTemplate({ xksKeyId: 'ekm-key-0001' }, xksStore);

  test('the key is made from the external key, for the external store type', () => {
    template.hasResourceProperties(TYPE, { CustomKeyStoreId: XKS_STORE_ID, CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksKeyId: 'ekm-key-0001' });
  });
  test('does not rotate by default: no RotationPeriodInDays, no schedule', () => {
    template.hasResourceProperties(TYPE, { RotationPeriodInDays: Match.absent() });
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(key.rotationPeriod).toBeUndefined();
  });
  test('the handler may create only external-key-store keys', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:CreateKey', Condition: Match.objectLike({ StringEquals: Match.objectLike({ 'kms:KeyOrigin': 'EXTERNAL_KEY_STORE' }) }) })]) },
    });
  });
  test('compliance packs report nothing', () => {
    const s = newStack();
    new CustomKeyStoreKey(s, 'Key', { customKeyStore: xksStore(s), xksKeyId: 'ekm-key-0001' });
    expect(nagFindings(s)).toEqual([]);
  });
});

describe('props', () => {
  test('rotation none: no schedule, no RotationPeriodInDays, no rotation role in the key policy', () => {
    const { template } = keyTemplate({ rotation: CustomKeyStoreKeyRotation.none() });
    template.hasResourceProperties(TYPE, { RotationPeriodInDays: Match.absent() });
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(keyPolicyStatements(template).map((s) => s.Sid)).not.toContain('KmiScheduledRotation');
  });
  test('rotation scheduled sets the period', () => {
    const { template } = keyTemplate({ rotation: CustomKeyStoreKeyRotation.scheduled(Duration.days(90)) });
    template.hasResourceProperties(TYPE, { RotationPeriodInDays: '90' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: Match.stringLikeRegexp('"RotationPeriodInDays":90') } });
  });
  test('alias and description are used', () => {
    const { template, key } = keyTemplate({ alias: 'alias/app/data_2026-a', description: 'Payments data' });
    template.hasResourceProperties(TYPE, { AliasName: 'alias/app/data_2026-a', Description: 'Payments data' });
    expect(key.aliasArn).toBe(`arn:${Stack.of(key).partition}:kms:${REGION}:${ACCOUNT}:alias/app/data_2026-a`);
  });
  test('removalPolicy DESTROY deletes through the handler, after pendingWindow', () => {
    const { template } = keyTemplate({ removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) });
    template.hasResource(TYPE, { DeletionPolicy: 'Delete', Properties: Match.objectLike({ RemovalPolicy: 'DESTROY', PendingWindowInDays: '7' }) });
  });
  test('tags reach the custom resource (and so every generation)', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    Tags.of(stack).add('team', 'payments');
    synth(stack).hasResourceProperties(TYPE, { Tags: [{ Key: 'team', Value: 'payments' }] });
    expect(key.tags.hasTags()).toBe(true);
  });
  test('keys of one stack share one provider', () => {
    const stack = newStack();
    const store = hsmStore(stack);
    new CustomKeyStoreKey(stack, 'One', { customKeyStore: store, rotation: CustomKeyStoreKeyRotation.none() });
    new CustomKeyStoreKey(stack, 'Two', { customKeyStore: store, rotation: CustomKeyStoreKeyRotation.none() });
    const template = synth(stack);
    template.resourceCountIs(TYPE, 2);
    template.resourceCountIs('AWS::Lambda::Function', 2);
  });
  test('addAlias adds a CloudFormation alias of the first generation when the key does not rotate', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), rotation: CustomKeyStoreKeyRotation.none() });
    key.addAlias('alias/extra');
    key.addAlias('alias/another');
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Alias', 2);
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/extra', TargetKeyId: stack.resolve(key.keyArn) });
  });
  test('metricRotationErrors is the rotation function\'s Errors', () => {
    const { key, stack } = keyTemplate();
    const metric = key.metricRotationErrors();
    expect(metric.metricName).toBe('Errors');
    expect(stack.resolve(metric.dimensions)).toEqual({ FunctionName: { Ref: expect.stringMatching(/^KeyRotationFunction/) } });
  });
});

describe('a kms.IKey', () => {
  test('EncryptedBucket takes it unchanged: SSE-KMS with the first generation, compliance packs report nothing', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    new EncryptedBucket(stack, 'Bucket', { encryptionKey: key });
    const template = synth(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stack.resolve(key.keyArn) } })] },
    });
    expect(nagFindings(stack)).toEqual([]);
  });
  test('EncryptedBucket given byAlias encrypts with the alias ARN, so new objects follow the rotation', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), alias: 'alias/app-data' });
    const bucket = new EncryptedBucket(stack, 'Bucket', { encryptionKey: key.byAlias });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    bucket.grantRead(reader);
    const template = synth(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stack.resolve(key.aliasArn) } })] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Effect: 'Allow',
          Resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`,
          Condition: { StringEquals: { 'aws:ResourceTag/cdk-kmi:key-family': key.keyFamily } },
        }]),
      },
    });
    // The reader role's S3 permissions and inline policy are the role's own; the key's part is acknowledged.
    expect(nagFindings(stack).filter((f) => f.includes(':kms:') || f.includes('TestStack/Key') || f.includes('TestStack/Bucket'))).toEqual([]);
  });
  test('EncryptedVolume takes it unchanged; EC2 is allowed through the key policy, which every generation has', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    const volume = new EncryptedVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encryptionKey: key });
    const role = new iam.Role(stack, 'Attacher', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    volume.grantAttachVolume(role);
    const template = synth(stack);
    template.hasResourceProperties('AWS::EC2::Volume', { Encrypted: true, KmsKeyId: stack.resolve(key.keyArn) });
    const ec2Statement = keyPolicyStatements(template).find((s) => s.Condition?.StringEquals?.['kms:ViaService']);
    expect(ec2Statement).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlainText'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `ec2.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Attacher') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:CreateGrant', Resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`, Condition: Match.objectLike({ Bool: { 'kms:GrantIsForAWSResource': true } }) })]) },
    });
    // The attaching role's EC2 permissions and inline policy are the role's own; the key's part is acknowledged.
    expect(nagFindings(stack).filter((f) => f.includes(':kms:') || f.includes('TestStack/Key') || f.includes('TestStack/Volume'))).toEqual([]);
  });
  test('RedshiftEncryptedCluster takes it unchanged (option 2 for a data warehouse)', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), encryptionKey: key });
    synth(stack).hasResourceProperties('AWS::Redshift::Cluster', { Encrypted: true, KmsKeyId: stack.resolve(key.keyArn) });
  });
  test('EmrSecurityConfiguration takes it unchanged for S3 and local disks', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    new EmrSecurityConfiguration(stack, 'Emr', {
      inTransitEncryption: EmrInTransitEncryption.disabled(),
      s3Encryption: EmrS3Encryption.sseKms(key),
      localDiskEncryption: EmrLocalDiskEncryption.kms({ key }),
    });
    const [config] = Object.values(synth(stack).findResources('AWS::EMR::SecurityConfiguration'));
    const atRest = JSON.parse(JSON.stringify(config.Properties.SecurityConfiguration.EncryptionConfiguration.AtRestEncryptionConfiguration));
    const keyArn = JSON.parse(JSON.stringify(stack.resolve(key.keyArn)));
    expect(atRest.S3EncryptionConfiguration).toEqual({ EncryptionMode: 'SSE-KMS', AwsKmsKey: keyArn });
    expect(atRest.LocalDiskEncryptionConfiguration).toMatchObject({ EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: keyArn });
  });
  test('an ec2.Volume of aws-cdk-lib takes it too', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    new ec2.Volume(stack, 'Plain', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encrypted: true, encryptionKey: key });
    synth(stack).hasResourceProperties('AWS::EC2::Volume', { KmsKeyId: stack.resolve(key.keyArn) });
  });
});

describe('grants', () => {
  function grantTemplate(grant: (key: CustomKeyStoreKey, role: iam.Role) => void) {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    grant(key, role);
    const template = synth(stack);
    const roleStatements = (): any[] => Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('App'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    return { stack, key, template, roleStatements };
  }

  test('grantEncryptDecrypt covers every generation: the account\'s keys tagged with the key family', () => {
    const { key, roleStatements, template } = grantTemplate((k, r) => k.grantEncryptDecrypt(r));
    expect(roleStatements()).toEqual([{
      Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      Effect: 'Allow',
      Resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/cdk-kmi:key-family': key.keyFamily } },
    }]);
    expect(keyPolicyStatements(template)).toHaveLength(5);
  });
  test('grantEncrypt and grantDecrypt grant what aws-cdk-lib grants', () => {
    expect(grantTemplate((k, r) => k.grantEncrypt(r)).roleStatements()[0].Action).toEqual(['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']);
    expect(grantTemplate((k, r) => k.grantDecrypt(r)).roleStatements()[0].Action).toBe('kms:Decrypt');
  });
  test('a grant to a service (no IAM policy of its own) goes into the key policy, which every generation has', () => {
    const { template } = grantTemplate((k) => {
      k.grantDecrypt(new iam.ServicePrincipal('logs.amazonaws.com'));
    });
    expect(keyPolicyStatements(template)).toContainEqual(expect.objectContaining({
      Action: 'kms:Decrypt',
      Principal: { Service: 'logs.amazonaws.com' },
      Resource: '*',
    }));
  });
  test('byAlias grants are the key\'s grants', () => {
    const { key, roleStatements } = grantTemplate((k, r) => k.byAlias.grantDecrypt(r));
    expect(roleStatements()[0].Condition).toEqual({ StringEquals: { 'aws:ResourceTag/cdk-kmi:key-family': key.keyFamily } });
  });
  test('admins and users are kept apart in the key policy', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), admins: [admin], users: [user] });
    const template = synth(stack);
    const sids = keyPolicyStatements(template).map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['DenyCryptographicUseToKeyAdministrators', 'DenyKeyManagementToKeyUsers']));
    // The roles' own inline policies are theirs to answer for; the key-family wildcard of the grants is acknowledged.
    expect(nagFindings(stack).filter((f) => f.startsWith('AwsSolutions-IAM5') || f.includes('TestStack/Key'))).toEqual([]);
  });
  test('a grantee in a stack that depends on the key\'s stack gets an IAM statement only (no cycle)', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: REGION };
    const keyStack = new Stack(app, 'Keys', { env });
    const key = new CustomKeyStoreKey(keyStack, 'Key', { customKeyStore: hsmStore(keyStack) });
    const appStack = new Stack(app, 'Apps', { env });
    appStack.addDependency(keyStack);
    const role = new iam.Role(appStack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantDecrypt(role);
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(appStack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/*` })] },
    });
  });
});

describe('bad input', () => {
  const hsm = (stack: Stack) => hsmStore(stack);
  function build(props: Partial<CustomKeyStoreKeyProps>, store: (s: Stack) => ICustomKeyStore = hsm) {
    const stack = newStack();
    return () => new CustomKeyStoreKey(stack, 'Key', { customKeyStore: store(stack), ...props });
  }

  test('an external key store without xksKeyId', () => {
    expect(build({}, xksStore)).toThrow('TestStack/Key: invalid xksKeyId: got nothing, for a key in an external key store; allowed: the id of an enabled 256-bit AES key');
  });
  test('xksKeyId for a CloudHSM key store', () => {
    expect(build({ xksKeyId: 'ekm-1' })).toThrow("TestStack/Key: invalid xksKeyId: got 'ekm-1' for a key in a AWS_CLOUDHSM key store; allowed: no xksKeyId");
  });
  test.each([
    ['', 0],
    ['has space', 9],
    ['x'.repeat(129), 129],
  ])('an xksKeyId %p', (id, length) => {
    expect(build({ xksKeyId: id }, xksStore)).toThrow(`TestStack/Key: invalid xksKeyId: got '${id}' (${length} characters); allowed: 1-128 letters, digits, '-', '_' or '.'.`);
  });
  test.each([
    ['app-data', /Write it as 'alias\/app-data'/],
    ['alias/aws/s3', /reserved for AWS managed keys/],
    ['alias/bad name', /Remove the characters that are not allowed/],
    [`alias/${'a'.repeat(251)}`, /It has 257 characters/],
  ])('an alias %p', (alias, why) => {
    expect(build({ alias })).toThrow(new RegExp(`TestStack/Key: invalid alias: got '${alias.replace(/\//g, '\\/')}'; allowed: 'alias/' followed by .*${why.source}`));
  });
  test.each([6, 31, 7.5])('a pendingWindow of %p days', (days) => {
    expect(build({ pendingWindow: Duration.hours(days * 24) })).toThrow(`TestStack/Key: invalid pendingWindow: got ${days} days; allowed: a whole number of days from 7 to 30.`);
  });
  test.each([30, 3000])('a rotation period of %p days', (days) => {
    expect(build({ rotation: CustomKeyStoreKeyRotation.scheduled(Duration.days(days)) }))
      .toThrow(`TestStack/Key: invalid rotation: got ${days} days; allowed: a whole number of days from 90 to 2560.`);
  });
  test('scheduled rotation in an external key store', () => {
    expect(build({ xksKeyId: 'ekm-1', rotation: CustomKeyStoreKeyRotation.scheduled() }, xksStore))
      .toThrow(/TestStack\/Key: invalid rotation: got scheduled every 365 days for a key in an external key store; allowed: CustomKeyStoreKeyRotation.none\(\) .*Rotate by giving the key a new xksKeyId/);
  });
  test('removalPolicy SNAPSHOT', () => {
    expect(build({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow('TestStack/Key: invalid removalPolicy: got snapshot; allowed: RETAIN or DESTROY. A KMS key has no snapshot');
  });
  test('a description over 8192 characters', () => {
    expect(build({ description: 'd'.repeat(8193) })).toThrow('TestStack/Key: invalid description: got 8193 characters; allowed: at most 8192 characters.');
  });
  test('a principal that is both admin and user', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Both', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), admins: [role], users: [role] }))
      .toThrow(/TestStack\/Key: invalid users: got TestStack\/Both, which is also one of the key's admins/);
  });
  test.each([
    ['grantSign', (k: kms.IKey, g: iam.IGrantable) => k.grantSign(g)],
    ['grantVerify', (k: kms.IKey, g: iam.IGrantable) => k.grantVerify(g)],
    ['grantSignVerify', (k: kms.IKey, g: iam.IGrantable) => k.grantSignVerify(g)],
    ['grantGenerateMac', (k: kms.IKey, g: iam.IGrantable) => k.grantGenerateMac(g)],
    ['grantVerifyMac', (k: kms.IKey, g: iam.IGrantable) => k.grantVerifyMac(g)],
  ])('%s on an encryption key', (name, call) => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    const message = `TestStack/Key: invalid ${name}(): got a symmetric encryption key in a custom key store; allowed: grant, grantUse, grantAdmin`;
    expect(() => call(key, role)).toThrow(message);
    expect(() => call(key.byAlias, role)).toThrow(message);
  });
  test('addAlias on a key with scheduled rotation', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    expect(() => key.addAlias('alias/extra')).toThrow("TestStack/Key: invalid addAlias(): got 'alias/extra' on a key with scheduled rotation; allowed: addAlias() only on keys with CustomKeyStoreKeyRotation.none().");
  });
  test('metricRotationErrors on a key without rotation', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), rotation: CustomKeyStoreKeyRotation.none() });
    expect(() => key.metricRotationErrors()).toThrow('TestStack/Key: invalid metricRotationErrors(): got a key with CustomKeyStoreKeyRotation.none(); allowed: keys with scheduled rotation.');
  });
  test('a key policy over 32 KB fails synthesis', () => {
    const stack = newStack();
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) });
    for (let i = 0; i < 200; i++) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: ['*'],
        principals: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/role-number-${i}-with-a-long-name`)],
        conditions: { StringEquals: { 'kms:EncryptionContext:tenant': `tenant-${i}` } },
      }));
    }
    expect(() => synth(stack)).toThrow(/TestStack\/Key\W+the key policy is \d+ bytes \(\d+ statements\); the service accepts at most 32768 bytes/i);
  });
  test('unresolved tokens are not validated', () => {
    const stack = newStack();
    const alias = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleName;
    expect(() => new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), alias, description: alias })).not.toThrow();
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });
});
