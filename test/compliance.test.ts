import { Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AccessLogsBucket, BucketWriter, EncryptedBucket, EncryptedDatabaseCluster, EncryptedDatabaseInstance, EncryptedTable, FieldLevelEncryptionKeys,
  KmsKeyWithRotation, SearchableFieldKeys,
} from '../src';
import { newStack } from './util/app';
import { nagFindings } from './util/nag';

/**
 * AwsSolutions, NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 on each construct with default props:
 * no finding is left unacknowledged, and every acknowledgement the library makes carries a reason.
 */
describe('compliance packs with default props', () => {
  test('KmsKeyWithRotation has no findings', () => {
    const stack = newStack();
    new KmsKeyWithRotation(stack, 'Key');
    expect(nagFindings(stack)).toEqual([]);
  });
  test('EncryptedBucket (and the AccessLogsBucket it creates) has no findings', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket');
    expect(nagFindings(stack)).toEqual([]);
  });
  test.each([
    ['S3_MANAGED', s3.BucketEncryption.S3_MANAGED, ['NIST.800.53.R5-S3DefaultEncryptionKMS', 'HIPAA.Security-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS']],
    ['DSSE', s3.BucketEncryption.DSSE, []],
    ['DSSE_MANAGED', s3.BucketEncryption.DSSE_MANAGED, []],
    ['KMS_MANAGED', s3.BucketEncryption.KMS_MANAGED, []],
  ])('EncryptedBucket with %s has only the findings that mode implies', (_, encryption, expected) => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption });
    expect(nagFindings(stack).map((f) => f.split(' at ')[0]).sort()).toEqual([...expected].sort());
  });
  test('an EncryptedBucket with declared writers has no findings of its own', () => {
    const stack = newStack();
    const source = new s3.Bucket(stack, 'Source');
    const role = iam.Role.fromRoleName(stack, 'Stream', 'FirehoseDelivery');
    new EncryptedBucket(stack, 'Bucket', {
      writers: [
        BucketWriter.cloudTrail(), BucketWriter.vpcFlowLogs(), BucketWriter.config(), BucketWriter.inventory(source), BucketWriter.firehose(role),
      ],
    });
    // The role's grants land in the role's own policy, which belongs to the role's owner.
    expect(nagFindings(stack).filter((f) => / at TestStack\/(Bucket|KmiAccessLogsBucket)/.test(f))).toEqual([]);
  });
  test('a KmsKeyWithRotation with admins and users has no findings of its own', () => {
    const stack = newStack();
    const admin = iam.Role.fromRoleName(stack, 'Admin', 'KeyAdmin');
    const user = iam.Role.fromRoleName(stack, 'User', 'App');
    new KmsKeyWithRotation(stack, 'Key', { admins: [admin], users: [user] });
    // The grants land in the roles' own policies, which belong to the roles' owner.
    expect(nagFindings(stack).filter((f) => f.includes(' at TestStack/Key'))).toEqual([]);
  });
  test('EncryptedDatabaseInstance, EncryptedDatabaseCluster, EncryptedTable and FieldLevelEncryptionKeys have no findings', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
    });
    new EncryptedDatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }), vpc });
    new EncryptedDatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc,
    });
    new EncryptedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: { purpose: 'records' } });
    new FieldLevelEncryptionKeys(stack, 'StoreFields', { encryptionContext: { purpose: 'records' }, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE });
    expect(nagFindings(stack)).toEqual([]);
  });
  test('the packs do report a finding the library does not acknowledge (the check is live)', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Plain');
    expect(nagFindings(stack)).toEqual(expect.arrayContaining(['AwsSolutions-S1 at TestStack/Plain/Resource', 'AwsSolutions-S10 at TestStack/Plain/Resource']));
  });
});

describe('acknowledgements made by the library', () => {
  test('each carries a reason of at least 80 characters', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket');
    AccessLogsBucket.of(stack);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711'] });
    new EncryptedDatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc,
    });
    new EncryptedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: { purpose: 'records' } });
    const acknowledgements = stack.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>)));
    expect(acknowledgements.length).toBeGreaterThan(0);
    const short = acknowledgements.filter(([, reason]) => reason.length < 80);
    expect(short).toEqual([]);
    const ruleIds = acknowledgements.map(([id]) => id.replace(/^annotation::/i, ''));
    expect(ruleIds).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketReplicationEnabled',
      'AwsSolutions-RDS11', 'AwsSolutions-RDS14', 'NIST.800.53.R5-RDSInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan', 'NIST.800.53.R5-KMSBackingKeyRotationEnabled']));
  });
});
