import { Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { KmsKeyWithRotation } from '../../../../src';
import { findingsOf, postureOfApp, removeTemporaryDirectories, rowAt } from '../helpers';

afterAll(removeTemporaryDirectories);

/** The rotating customer managed key the encrypted variants use. */
const CMK = { option: 3, keyManagement: 'AWS KMS, customer managed key', key: 'TestStack/AppKey', rotation: 'automatic every 365 days' };

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

describe('RDS and Aurora', () => {
  const rows = postureOfApp((stack) => {
    const key = new KmsKeyWithRotation(stack, 'AppKey');
    const vpc = isolatedVpc(stack);
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
    const tls = new rds.ParameterGroup(stack, 'Tls', { engine, parameters: { 'rds.force_ssl': '1' } });
    const noTls = new rds.ParameterGroup(stack, 'NoTls', { engine, parameters: { 'rds.force_ssl': '0' } });
    new rds.DatabaseInstance(stack, 'PlainDb', { vpc, vpcSubnets, engine, parameterGroup: noTls });
    new rds.DatabaseInstance(stack, 'EncryptedDb', { vpc, vpcSubnets, engine, storageEncryptionKey: key, parameterGroup: tls });
    new rds.DatabaseInstance(stack, 'ManagedKeyDb', { vpc, vpcSubnets, engine, storageEncrypted: true });
    const auroraEngine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
    new rds.DatabaseCluster(stack, 'PlainAurora', { vpc, vpcSubnets, engine: auroraEngine, writer: rds.ClusterInstance.serverlessV2('Writer') });
    new rds.DatabaseCluster(stack, 'Aurora', { vpc, vpcSubnets, engine: auroraEngine, storageEncryptionKey: key, writer: rds.ClusterInstance.serverlessV2('Writer') });
  });

  test('an instance with a customer managed key and rds.force_ssl 1: encrypted with that key, TLS required, no findings', () => {
    expect(rowAt(rows, 'AWS::RDS::DBInstance', 'EncryptedDb')).toMatchObject({
      encrypted: 'yes', encryption: 'RDS storage (KMS)', ...CMK, tls: 'TLS required', findings: [],
    });
  });
  test('an instance without storage encryption is a high finding, and rds.force_ssl 0 a medium one', () => {
    expect(rowAt(rows, 'AWS::RDS::DBInstance', 'PlainDb')).toMatchObject({ encrypted: 'no', encryption: 'none', option: null, tls: 'not enforced' });
    expect(findingsOf(rowAt(rows, 'AWS::RDS::DBInstance', 'PlainDb'))).toEqual(['high not-encrypted', 'medium tls-not-enforced']);
  });
  test('an instance encrypted without a key uses aws/rds; PostgreSQL 16 on its default parameter group requires TLS (rds.force_ssl defaults to 1 from 15)', () => {
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/ssl-certificate-rotation-postgresql.html
    expect(rowAt(rows, 'AWS::RDS::DBInstance', 'ManagedKeyDb')).toMatchObject({ key: 'AWS managed (aws/rds)', keyManagement: 'AWS managed key', tls: 'TLS required (engine default)' });
    expect(findingsOf(rowAt(rows, 'AWS::RDS::DBInstance', 'ManagedKeyDb'))).toEqual(['low aws-managed-key']);
  });
  test('an Aurora cluster is reported once: its instances are left out', () => {
    expect(rowAt(rows, 'AWS::RDS::DBCluster', 'Aurora')).toMatchObject({ encrypted: 'yes', ...CMK });
    expect(rows.filter((r) => r.path.startsWith('TestStack/Aurora/Writer'))).toEqual([]);
  });
  test('an Aurora cluster without storageEncrypted is not encrypted (aws-cdk-lib encrypts only when asked or given a key)', () => {
    expect(findingsOf(rowAt(rows, 'AWS::RDS::DBCluster', 'PlainAurora'))).toEqual(['high not-encrypted', 'low tls-engine-default']);
  });
  test('the database secrets the constructs create are reported with their key', () => {
    expect(rowAt(rows, 'AWS::SecretsManager::Secret', 'EncryptedDb/Secret')).toMatchObject({ key: 'AWS managed (aws/secretsmanager)' });
  });
  test('a publicly accessible instance is a high finding', () => {
    const publicRows = postureOfApp((stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
      new rds.DatabaseInstance(stack, 'Db', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, engine, storageEncrypted: true, publiclyAccessible: true });
    });
    expect(findingsOf(rowAt(publicRows, 'AWS::RDS::DBInstance', 'Db'))).toContain('high public-access');
  });
});

describe('DynamoDB', () => {
  const rows = postureOfApp((stack) => {
    const key = new KmsKeyWithRotation(stack, 'AppKey');
    const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };
    new dynamodb.Table(stack, 'DefaultTable', { partitionKey });
    new dynamodb.Table(stack, 'AwsManagedTable', { partitionKey, encryption: dynamodb.TableEncryption.AWS_MANAGED });
    new dynamodb.Table(stack, 'CmkTable', { partitionKey, encryptionKey: key });
    new dynamodb.TableV2(stack, 'GlobalTable', { partitionKey, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });
    new dynamodb.TableV2(stack, 'DefaultGlobalTable', { partitionKey });
  });

  test('a table without SSESpecification is encrypted with DynamoDB\'s AWS owned key, a low finding', () => {
    expect(rowAt(rows, 'AWS::DynamoDB::Table', 'DefaultTable')).toMatchObject({
      encrypted: 'yes', option: 3, keyManagement: 'AWS owned key', key: 'AWS owned (DynamoDB)', rotation: 'managed by AWS',
    });
    expect(findingsOf(rowAt(rows, 'AWS::DynamoDB::Table', 'DefaultTable'))).toEqual(['low aws-owned-key']);
  });
  test('a table with SSE on and no key uses aws/dynamodb', () => {
    expect(rowAt(rows, 'AWS::DynamoDB::Table', 'AwsManagedTable')).toMatchObject({ key: 'AWS managed (aws/dynamodb)', keyManagement: 'AWS managed key' });
  });
  test('a table with a customer managed key: that key, no findings', () => {
    expect(rowAt(rows, 'AWS::DynamoDB::Table', 'CmkTable')).toMatchObject({ encryption: 'DynamoDB (KMS)', ...CMK, findings: [] });
  });
  test('a global table (TableV2) reports the key of its replica', () => {
    expect(rowAt(rows, 'AWS::DynamoDB::GlobalTable', 'GlobalTable')).toMatchObject({ ...CMK, findings: [] });
    expect(rowAt(rows, 'AWS::DynamoDB::GlobalTable', 'DefaultGlobalTable')).toMatchObject({ keyManagement: 'AWS owned key' });
  });
});

describe('SQS and SNS', () => {
  const rows = postureOfApp((stack) => {
    const key = new KmsKeyWithRotation(stack, 'AppKey');
    new sqs.Queue(stack, 'DefaultQueue');
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    new sqs.Queue(stack, 'CmkQueue', { encryptionMasterKey: key, enforceSSL: true });
    new sqs.Queue(stack, 'ManagedQueue', { encryption: sqs.QueueEncryption.KMS_MANAGED });
    new sns.Topic(stack, 'PlainTopic');
    new sns.Topic(stack, 'CmkTopic', { masterKey: key, enforceSSL: true });
    new sns.Topic(stack, 'ManagedTopic', { masterKey: kms.Alias.fromAliasName(stack, 'SnsAlias', 'alias/aws/sns') });
  });

  test('a default queue is SSE-SQS (the SQS default, an AWS owned key) and does not enforce TLS', () => {
    expect(rowAt(rows, 'AWS::SQS::Queue', 'DefaultQueue')).toMatchObject({ encryption: 'SSE-SQS (SQS default)', keyManagement: 'AWS owned key', tls: 'not enforced' });
    expect(findingsOf(rowAt(rows, 'AWS::SQS::Queue', 'DefaultQueue'))).toEqual(['low aws-owned-key', 'medium tls-not-enforced']);
  });
  test('a queue with SSE-SQS turned off and no key is not encrypted', () => {
    expect(rowAt(rows, 'AWS::SQS::Queue', 'PlainQueue')).toMatchObject({ encrypted: 'no', findings: expect.arrayContaining([expect.objectContaining({ id: 'not-encrypted', severity: 'high' })]) });
  });
  test('a queue with a customer managed key and enforceSSL: SSE-KMS, TLS required, no findings', () => {
    expect(rowAt(rows, 'AWS::SQS::Queue', 'CmkQueue')).toMatchObject({ encryption: 'SSE-KMS', ...CMK, tls: 'TLS required', findings: [] });
  });
  test('a queue on alias/aws/sqs is AWS managed', () => {
    expect(rowAt(rows, 'AWS::SQS::Queue', 'ManagedQueue')).toMatchObject({ key: 'AWS managed (aws/sqs)', keyManagement: 'AWS managed key' });
  });
  test('a topic without a key is not encrypted at rest', () => {
    expect(findingsOf(rowAt(rows, 'AWS::SNS::Topic', 'PlainTopic'))).toEqual(['high not-encrypted', 'medium tls-not-enforced']);
  });
  test('a topic with a customer managed key and enforceSSL: no findings', () => {
    expect(rowAt(rows, 'AWS::SNS::Topic', 'CmkTopic')).toMatchObject({ ...CMK, tls: 'TLS required', findings: [] });
  });
  test('a topic on the alias aws/sns is AWS managed', () => {
    expect(rowAt(rows, 'AWS::SNS::Topic', 'ManagedTopic')).toMatchObject({ key: 'AWS managed (aws/sns)', option: 3 });
  });
});

describe('CloudWatch Logs, Secrets Manager, EFS', () => {
  const rows = postureOfApp((stack) => {
    const key = new KmsKeyWithRotation(stack, 'AppKey');
    new logs.LogGroup(stack, 'DefaultLogs');
    new logs.LogGroup(stack, 'CmkLogs', { encryptionKey: key });
    new secretsmanager.Secret(stack, 'DefaultSecret');
    new secretsmanager.Secret(stack, 'CmkSecret', { encryptionKey: key });
    const vpc = isolatedVpc(stack);
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    new efs.FileSystem(stack, 'DefaultFs', { vpc, vpcSubnets });
    new efs.FileSystem(stack, 'PlainFs', { vpc, vpcSubnets, encrypted: false });
    const cmkFs = new efs.FileSystem(stack, 'CmkFs', { vpc, vpcSubnets, kmsKey: key });
    cmkFs.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY, actions: ['*'], principals: [new iam.AnyPrincipal()], conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  test('a log group without a key uses CloudWatch Logs\' own encryption: option 3, an AWS owned key (not aws/logs), a low finding', () => {
    expect(rowAt(rows, 'AWS::Logs::LogGroup', 'DefaultLogs')).toMatchObject({
      encrypted: 'yes', encryption: 'CloudWatch Logs (service encryption)', option: 3, keyManagement: 'AWS owned key', key: 'AWS owned (CloudWatch Logs)', findings: [{ id: 'aws-owned-key', severity: 'low' }],
    });
  });
  test('a log group with a customer managed key: that key', () => {
    expect(rowAt(rows, 'AWS::Logs::LogGroup', 'CmkLogs')).toMatchObject({ encryption: 'CloudWatch Logs (KMS)', ...CMK, findings: [] });
  });
  test('a secret without a key uses aws/secretsmanager; with one, that key', () => {
    expect(rowAt(rows, 'AWS::SecretsManager::Secret', 'DefaultSecret')).toMatchObject({ key: 'AWS managed (aws/secretsmanager)', findings: [{ id: 'aws-managed-key' }] });
    expect(rowAt(rows, 'AWS::SecretsManager::Secret', 'CmkSecret')).toMatchObject({ ...CMK, findings: [] });
  });
  test('a default EFS file system is encrypted with aws/elasticfilesystem and does not enforce TLS', () => {
    expect(rowAt(rows, 'AWS::EFS::FileSystem', 'DefaultFs')).toMatchObject({ encrypted: 'yes', key: 'AWS managed (aws/elasticfilesystem)', tls: 'not enforced' });
  });
  test('an unencrypted EFS file system is a high finding', () => {
    expect(findingsOf(rowAt(rows, 'AWS::EFS::FileSystem', 'PlainFs'))).toEqual(['high not-encrypted', 'medium tls-not-enforced']);
  });
  test('an EFS file system with a customer managed key and a policy that denies plain transport: no findings', () => {
    expect(rowAt(rows, 'AWS::EFS::FileSystem', 'CmkFs')).toMatchObject({ ...CMK, tls: 'TLS required', findings: [] });
  });
});

describe('Kinesis and Firehose', () => {
  const rows = postureOfApp((stack) => {
    const key = new KmsKeyWithRotation(stack, 'AppKey');
    new kinesis.Stream(stack, 'DefaultStream');
    new kinesis.Stream(stack, 'PlainStream', { encryption: kinesis.StreamEncryption.UNENCRYPTED });
    const source = new kinesis.Stream(stack, 'CmkStream', { encryptionKey: key, retentionPeriod: Duration.hours(48) });
    new firehose.CfnDeliveryStream(stack, 'PlainDelivery', { s3DestinationConfiguration: { bucketArn: 'arn:aws:s3:::b', roleArn: 'arn:aws:iam::111111111111:role/r' } });
    new firehose.CfnDeliveryStream(stack, 'CmkDelivery', {
      deliveryStreamEncryptionConfigurationInput: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.keyArn },
      s3DestinationConfiguration: { bucketArn: 'arn:aws:s3:::b', roleArn: 'arn:aws:iam::111111111111:role/r' },
    });
    new firehose.CfnDeliveryStream(stack, 'FromStream', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: source.streamArn, roleArn: 'arn:aws:iam::111111111111:role/r' },
      s3DestinationConfiguration: { bucketArn: 'arn:aws:s3:::b', roleArn: 'arn:aws:iam::111111111111:role/r' },
    });
  });

  test('a default stream in a known Region is encrypted with aws/kinesis', () => {
    expect(rowAt(rows, 'AWS::Kinesis::Stream', 'DefaultStream')).toMatchObject({ encrypted: 'yes', key: 'AWS managed (aws/kinesis)', option: 3 });
  });
  test('an unencrypted stream is a high finding', () => {
    expect(findingsOf(rowAt(rows, 'AWS::Kinesis::Stream', 'PlainStream'))).toEqual(['high not-encrypted']);
  });
  test('a stream with a customer managed key: that key, no findings', () => {
    expect(rowAt(rows, 'AWS::Kinesis::Stream', 'CmkStream')).toMatchObject({ encryption: 'Kinesis (KMS)', ...CMK, findings: [] });
  });
  test('a Firehose delivery stream: unencrypted without SSE, the key with SSE, its source\'s protection when it reads a stream', () => {
    expect(findingsOf(rowAt(rows, 'AWS::KinesisFirehose::DeliveryStream', 'PlainDelivery'))).toEqual(['high not-encrypted']);
    expect(rowAt(rows, 'AWS::KinesisFirehose::DeliveryStream', 'CmkDelivery')).toMatchObject({ ...CMK, findings: [] });
    expect(rowAt(rows, 'AWS::KinesisFirehose::DeliveryStream', 'FromStream')).toMatchObject({ encrypted: 'unknown', findings: [{ id: 'inherited', severity: 'info' }] });
  });
});
