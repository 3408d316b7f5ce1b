import { CfnParameter, CfnResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedBucket, KmsKeyWithRotation } from '../../../../src';
import { analyzeAssembly } from '../../../../src/audit/posture';
import { CloudHsmCluster } from '../../../../src/cloudhsm/cluster/cloudhsm-cluster';
import { CustomKeyStore, KeyStoreSource } from '../../../../src/key-store/custom-key-store';
import { CustomKeyStoreType } from '../../../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../../../../src/key-store/key/custom-key-store-key';
import { CustomKeyStoreKeyRotation } from '../../../../src/key-store/key/custom-key-store-key-rotation';
import { KmsKeyWithImportedMaterial } from '../../../../src/kms/imported-key-material/imported-key-material';
import { ACCOUNT, REGION } from '../../../util/app';
import { findingsOf, newApp, postureOfApp, removeTemporaryDirectories, rowAt } from '../helpers';

afterAll(removeTemporaryDirectories);

/** A `Custom::KmiCustomKeyStoreKey` as the library writes it: the store type, and `RotationPeriodInDays` only when rotation is scheduled. */
function storeKey(stack: Stack, id: string, type: string, rotationPeriodInDays?: string): CfnResource {
  return new CfnResource(stack, id, {
    type: 'Custom::KmiCustomKeyStoreKey',
    properties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider',
      CustomKeyStoreId: 'cks-1234567890abcdef0',
      CustomKeyStoreType: type,
      ...rotationPeriodInDays ? { RotationPeriodInDays: rotationPeriodInDays } : {},
    },
  });
}

function bucketOn(stack: Stack, id: string, keyArn: string): void {
  new s3.CfnBucket(stack, id, {
    bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyArn } }] },
  });
}

describe('keys in custom key stores', () => {
  const rows = postureOfApp((stack) => {
    const hsmKey = storeKey(stack, 'HsmKey', 'AWS_CLOUDHSM', '180');
    const staleKey = storeKey(stack, 'StaleHsmKey', 'AWS_CLOUDHSM');
    const xksKey = storeKey(stack, 'XksKey', 'EXTERNAL_KEY_STORE', '90');
    bucketOn(stack, 'HsmBucket', hsmKey.getAtt('Arn').toString());
    bucketOn(stack, 'StaleBucket', staleKey.getAtt('Arn').toString());
    bucketOn(stack, 'XksBucket', xksKey.getAtt('Arn').toString());
  });

  test('a key in a CloudHSM key store with RotationPeriodInDays is option 2 with scheduled rotation', () => {
    expect(rowAt(rows, 'Custom::KmiCustomKeyStoreKey', 'HsmKey')).toMatchObject({
      encrypted: 'n/a',
      encryption: 'KMS key in a custom key store (AWS CloudHSM)',
      option: 2,
      keyManagement: 'CloudHSM-backed key store',
      rotation: 'scheduled every 180 days',
      findings: [],
    });
  });
  test('a key in a custom key store without RotationPeriodInDays does not rotate: a medium finding', () => {
    expect(rowAt(rows, 'Custom::KmiCustomKeyStoreKey', 'StaleHsmKey')).toMatchObject({ rotation: 'none' });
    expect(findingsOf(rowAt(rows, 'Custom::KmiCustomKeyStoreKey', 'StaleHsmKey'))).toEqual(['medium key-not-rotated']);
  });
  test('a key in an external key store is option 1', () => {
    expect(rowAt(rows, 'Custom::KmiCustomKeyStoreKey', 'XksKey')).toMatchObject({ option: 1, keyManagement: 'customer KMI: external key store', rotation: 'scheduled every 90 days' });
  });
  test('a bucket on a CloudHSM-backed key is option 2 and carries the key\'s rotation', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'HsmBucket')).toMatchObject({ option: 2, key: 'TestStack/HsmKey', rotation: 'scheduled every 180 days' });
    expect(rowAt(rows, 'AWS::S3::Bucket', 'XksBucket')).toMatchObject({ option: 1, key: 'TestStack/XksKey' });
  });
  test('a bucket on a store key without scheduled rotation has the finding too', () => {
    expect(findingsOf(rowAt(rows, 'AWS::S3::Bucket', 'StaleBucket'))).toContain('medium key-not-rotated');
  });
});

describe('imported key material', () => {
  const rows = postureOfApp((stack) => {
    const forever = new kms.CfnKey(stack, 'ForeverKey', { origin: 'EXTERNAL', keyPolicy: { Statement: [] } });
    const expiring = new kms.CfnKey(stack, 'ExpiringKey', { origin: 'EXTERNAL', keyPolicy: { Statement: [] } });
    new kms.CfnKey(stack, 'OrphanKey', { origin: 'EXTERNAL', keyPolicy: { Statement: [] } });
    new CfnResource(stack, 'ForeverMaterial', {
      type: 'Custom::KmiImportedKeyMaterial',
      properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', KeyId: forever.attrArn, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    });
    new CfnResource(stack, 'ExpiringMaterial', {
      type: 'Custom::KmiImportedKeyMaterial',
      properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', KeyId: expiring.attrArn, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '365' },
    });
    bucketOn(stack, 'Bucket', forever.attrArn);
  });

  test('a key with origin EXTERNAL is option 1, rotated by re-import, its material\'s expiration named', () => {
    expect(rowAt(rows, 'AWS::KMS::Key', 'ForeverKey')).toMatchObject({
      encryption: 'KMS key, imported material (does not expire)', option: 1, keyManagement: 'customer KMI: imported key material', rotation: 'by re-import', findings: [],
    });
    expect(rowAt(rows, 'AWS::KMS::Key', 'OrphanKey').encryption).toBe('KMS key, imported material (not imported in this template)');
  });
  test('material that does not expire has no finding', () => {
    expect(rowAt(rows, 'Custom::KmiImportedKeyMaterial', 'ForeverMaterial')).toMatchObject({
      encryption: 'imported key material (does not expire)', key: 'TestStack/ForeverKey', option: 1, rotation: 'by re-import', findings: [],
    });
  });
  test('material that expires is a low finding that says when', () => {
    expect(rowAt(rows, 'Custom::KmiImportedKeyMaterial', 'ExpiringMaterial')).toMatchObject({
      encryption: 'imported key material (expires 365 days after import)',
      findings: [{ severity: 'low', id: 'key-material-expires', message: expect.stringMatching(/^key material expires 365 days after import: /) }],
    });
  });
  test('a bucket on imported material is option 1 without a rotation finding', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'Bucket')).toMatchObject({ option: 1, rotation: 'by re-import' });
    expect(findingsOf(rowAt(rows, 'AWS::S3::Bucket', 'Bucket'))).not.toContain('medium key-not-rotated');
  });
});

describe('custom key stores and CloudHSM clusters', () => {
  const rows = postureOfApp((stack) => {
    const cluster = new CfnResource(stack, 'Cluster', { type: 'AWS::CloudHSM::Cluster', properties: { HsmType: 'hsm2m.medium', SubnetIds: ['subnet-1', 'subnet-2'] } });
    new CfnResource(stack, 'Hsms', { type: 'Custom::KmiCloudHsmHsms', properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', ClusterId: cluster.ref, HsmCount: '2' } });
    const lonely = new CfnResource(stack, 'LonelyCluster', { type: 'AWS::CloudHSM::Cluster', properties: { HsmType: 'hsm2m.medium' } });
    new CfnResource(stack, 'LonelyHsm', { type: 'Custom::KmiCloudHsmHsms', properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', ClusterId: lonely.getAtt('ClusterId'), HsmCount: '1' } });
    new CfnResource(stack, 'BareCluster', { type: 'AWS::CloudHSM::Cluster', properties: { HsmType: 'hsm2m.medium' } });
    new CfnResource(stack, 'HsmStore', {
      type: 'Custom::KmiCustomKeyStore',
      properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', CustomKeyStoreType: 'AWS_CLOUDHSM', CloudHsmClusterId: cluster.ref },
    });
    new CfnResource(stack, 'XksStore', {
      type: 'Custom::KmiCustomKeyStore',
      properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:p', CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE' },
    });
  });

  test('a cluster with two HSMs is option 2 with no finding', () => {
    expect(rowAt(rows, 'AWS::CloudHSM::Cluster', 'Cluster')).toMatchObject({
      encrypted: 'n/a', encryption: 'CloudHSM cluster (hsm2m.medium, 2 HSMs)', option: 2, keyManagement: 'CloudHSM cluster', findings: [],
    });
  });
  test('a cluster with one HSM is a medium finding', () => {
    expect(rowAt(rows, 'AWS::CloudHSM::Cluster', 'LonelyCluster').encryption).toBe('CloudHSM cluster (hsm2m.medium, 1 HSM)');
    expect(findingsOf(rowAt(rows, 'AWS::CloudHSM::Cluster', 'LonelyCluster'))).toEqual(['medium hsm-availability']);
  });
  test('a cluster whose HSMs are not in the template says so', () => {
    expect(findingsOf(rowAt(rows, 'AWS::CloudHSM::Cluster', 'BareCluster'))).toEqual(['info hsms-unknown']);
  });
  test('a CloudHSM key store is option 2 and names its cluster; an external key store is option 1 and names its connectivity', () => {
    expect(rowAt(rows, 'Custom::KmiCustomKeyStore', 'HsmStore')).toMatchObject({ encryption: 'KMS custom key store (AWS CloudHSM)', option: 2, key: 'TestStack/Cluster' });
    expect(rowAt(rows, 'Custom::KmiCustomKeyStore', 'XksStore')).toMatchObject({
      encryption: 'KMS custom key store (external key store, vpc endpoint service)', option: 1, keyManagement: 'customer KMI: external key store',
    });
  });
});

describe('key references', () => {
  const rows = postureOfApp((stack) => {
    const key = new KmsKeyWithRotation(stack, 'AppKey');
    const alias = new kms.Alias(stack, 'AppAlias', { aliasName: 'alias/app', targetKey: key });
    new s3.Bucket(stack, 'ThroughAlias', { encryptionKey: alias });
    bucketOn(stack, 'AliasOtherRegion', `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/app`);
    bucketOn(stack, 'AwsManagedAliasArn', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/s3`);
    bucketOn(stack, 'LiteralKeyArn', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    bucketOn(stack, 'Imported', Fn.importValue('SharedKeyArn'));
    bucketOn(stack, 'Parameter', new CfnParameter(stack, 'KeyArnParameter').valueAsString);
    bucketOn(stack, 'Joined', Fn.join('', ['arn:', stack.partition, ':kms:', stack.region, ':', stack.account, ':key/', key.keyId]));
    new sqs.Queue(stack, 'StaleQueue', { encryptionMasterKey: new kms.Key(stack, 'StaleKey') });
  });

  test('an alias in the same template leads to its key', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'ThroughAlias')).toMatchObject({ key: 'TestStack/AppKey', rotation: 'automatic every 365 days', option: 3 });
  });
  test('an alias ARN of the same name in another Region is an external reference, not the alias of this template', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'AliasOtherRegion')).toMatchObject({ option: null, keyManagement: 'unknown (external reference)' });
  });
  test('an AWS managed alias ARN is option 3, AWS managed', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'AwsManagedAliasArn')).toMatchObject({ key: 'AWS managed (aws/s3)', keyManagement: 'AWS managed key', option: 3 });
  });
  test('a literal key ARN, an import of another app and a parameter are external references', () => {
    for (const [path, key] of [
      ['LiteralKeyArn', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
      ['Imported', 'import:SharedKeyArn'],
      ['Parameter', 'parameter KeyArnParameter'],
    ]) {
      expect(rowAt(rows, 'AWS::S3::Bucket', path)).toMatchObject({ key, option: null, keyManagement: 'unknown (external reference)', rotation: 'unknown' });
      expect(findingsOf(rowAt(rows, 'AWS::S3::Bucket', path))).toContain('info external-key');
    }
  });
  test('a key ARN joined from parts finds the key it names', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'Joined')).toMatchObject({ key: 'TestStack/AppKey', option: 3 });
  });
  test('a resource on a key that does not rotate has a medium finding that names the key', () => {
    expect(rowAt(rows, 'AWS::SQS::Queue', 'StaleQueue').findings).toContainEqual({ severity: 'medium', id: 'key-not-rotated', message: 'key TestStack/StaleKey does not rotate' });
  });
  test('a key of another stack of the same app is followed through the cross-stack export', () => {
    const app = newApp();
    const keys = new Stack(app, 'Keys', { env: { account: ACCOUNT, region: REGION } });
    const data = new Stack(app, 'Data', { env: { account: ACCOUNT, region: REGION } });
    new sqs.Queue(data, 'Queue', { encryptionMasterKey: new KmsKeyWithRotation(keys, 'SharedKey') });
    const queue = analyzeAssembly(app.synth().directory).find((r) => r.type === 'AWS::SQS::Queue')!;
    expect(JSON.stringify(app.synth().getStackByName('Data').template)).toContain('Fn::ImportValue');
    expect(queue).toMatchObject({ stack: 'Data', key: 'Keys/SharedKey', rotation: 'automatic every 365 days', option: 3 });
  });
});

describe('the library\'s key-management constructs', () => {
  const rows = postureOfApp((stack) => {
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
    });
    const store = new CustomKeyStore(stack, 'Store', { source: KeyStoreSource.cloudHsm({ cluster: new CloudHsmCluster(stack, 'Hsm', { vpc }) }) });
    new EncryptedBucket(stack, 'OnHsm', { encryptionKey: new CustomKeyStoreKey(stack, 'HsmKey', { customKeyStore: store }) });
    new CustomKeyStoreKey(stack, 'StaticKey', { customKeyStore: store, rotation: CustomKeyStoreKeyRotation.none() });
    const material = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Material', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:material-AbCdEf`);
    new EncryptedBucket(stack, 'Byok', { encryptionKey: new KmsKeyWithImportedMaterial(stack, 'Imported', { keyMaterial: material }) });
  });

  test('CloudHsmCluster: option 2, its HSMs counted', () => {
    expect(rowAt(rows, 'AWS::CloudHSM::Cluster', 'Hsm')).toMatchObject({ option: 2, encryption: expect.stringMatching(/^CloudHSM cluster \(hsm2m\.medium, \d+ HSMs\)$/), findings: [] });
  });
  test('CustomKeyStore on the cluster: option 2, naming the cluster', () => {
    expect(rowAt(rows, 'Custom::KmiCustomKeyStore', 'Store')).toMatchObject({ option: 2, key: 'TestStack/Hsm' });
  });
  test('CustomKeyStoreKey: scheduled rotation by default, none when asked (a medium finding), and a bucket on it is option 2', () => {
    expect(rowAt(rows, 'Custom::KmiCustomKeyStoreKey', 'HsmKey')).toMatchObject({ option: 2, rotation: expect.stringMatching(/^scheduled every \d+ days$/), findings: [] });
    expect(findingsOf(rowAt(rows, 'Custom::KmiCustomKeyStoreKey', 'StaticKey'))).toEqual(['medium key-not-rotated']);
    expect(rowAt(rows, 'AWS::S3::Bucket', 'OnHsm')).toMatchObject({ option: 2, key: 'TestStack/HsmKey', findings: [] });
  });
  test('KmsKeyWithImportedMaterial: option 1, rotated by re-import, its material row named after the construct', () => {
    expect(rowAt(rows, 'AWS::KMS::Key', 'Imported')).toMatchObject({ option: 1, rotation: 'by re-import' });
    expect(rowAt(rows, 'Custom::KmiImportedKeyMaterial', 'Imported/KeyMaterial')).toMatchObject({ option: 1, key: 'TestStack/Imported' });
    expect(rowAt(rows, 'AWS::S3::Bucket', 'Byok')).toMatchObject({ option: 1, key: 'TestStack/Imported', findings: [] });
  });
});

describe('keys named by the alias of a CustomKeyStoreKey', () => {
  const rows = postureOfApp((stack) => {
    const hsmStore = CustomKeyStore.fromCustomKeyStoreAttributes(stack, 'HsmStore', {
      customKeyStoreId: 'cks-1234567890abcdef0', customKeyStoreType: CustomKeyStoreType.AWS_CLOUDHSM,
    });
    const xksStore = CustomKeyStore.fromCustomKeyStoreAttributes(stack, 'XksStore', {
      customKeyStoreId: 'cks-0fedcba0987654321', customKeyStoreType: CustomKeyStoreType.EXTERNAL_KEY_STORE,
    });
    const hsmKey = new CustomKeyStoreKey(stack, 'HsmKey', {
      customKeyStore: hsmStore, alias: 'alias/hsm-records', rotation: CustomKeyStoreKeyRotation.scheduled(Duration.days(180)),
    });
    new EncryptedBucket(stack, 'HsmRecords', { encryptionKey: hsmKey.byAlias });
    const xksKey = new CustomKeyStoreKey(stack, 'XksKey', { customKeyStore: xksStore, xksKeyId: 'external-key-1', rotation: CustomKeyStoreKeyRotation.none() });
    new EncryptedBucket(stack, 'XksRecords', { encryptionKey: xksKey.byAlias });
    const parameterKey = new CustomKeyStoreKey(stack, 'ParameterKey', { customKeyStore: hsmStore, alias: new CfnParameter(stack, 'AliasParameter').valueAsString });
    new EncryptedBucket(stack, 'ParameterRecords', { encryptionKey: parameterKey.byAlias });
    bucketOn(stack, 'ByAliasName', 'alias/hsm-records');
    bucketOn(stack, 'ByAliasSub', Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/hsm-records'));
    bucketOn(stack, 'OtherRegion', `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/hsm-records`);
    bucketOn(stack, 'OtherAccount', `arn:aws:kms:${REGION}:222222222222:alias/hsm-records`);
  });

  test('a bucket on byAlias of a CloudHSM key store key is option 2 with the key\'s scheduled rotation and no external-reference finding', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'HsmRecords')).toMatchObject({
      key: 'TestStack/HsmKey', option: 2, keyManagement: 'CloudHSM-backed key store', rotation: 'scheduled every 180 days', findings: [],
    });
  });
  test('a bucket on byAlias of an external key store key without rotation is option 1 with the rotation finding only', () => {
    const row = rowAt(rows, 'AWS::S3::Bucket', 'XksRecords');
    expect(row).toMatchObject({ key: 'TestStack/XksKey', option: 1, keyManagement: 'customer KMI: external key store', rotation: 'none' });
    expect(findingsOf(row)).toEqual(['medium key-not-rotated']);
  });
  test('an alias given as a parameter is followed from the alias ARN to its key', () => {
    expect(rowAt(rows, 'AWS::S3::Bucket', 'ParameterRecords')).toMatchObject({ key: 'TestStack/ParameterKey', option: 2, findings: [] });
  });
  test('the alias name, or its ARN written with Fn::Sub, leads to the key', () => {
    for (const path of ['ByAliasName', 'ByAliasSub']) {
      expect(rowAt(rows, 'AWS::S3::Bucket', path)).toMatchObject({ key: 'TestStack/HsmKey', option: 2, rotation: 'scheduled every 180 days' });
    }
  });
  test('an alias of the same name in another Region or account is an external reference', () => {
    for (const path of ['OtherRegion', 'OtherAccount']) {
      expect(rowAt(rows, 'AWS::S3::Bucket', path)).toMatchObject({ option: null, keyManagement: 'unknown (external reference)' });
      expect(findingsOf(rowAt(rows, 'AWS::S3::Bucket', path))).toContain('info external-key');
    }
  });
});
