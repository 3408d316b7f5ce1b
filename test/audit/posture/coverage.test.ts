import { analyzeStacks, analyzeTemplate, ResourcePosture } from '../../../src/audit/posture';
import { COVERAGE } from '../../../src/audit/posture/coverage';
import { templateOf } from '../../../src/audit/posture/read/stack-template';

/** A customer managed key that rotates, in the same template. */
const KEY = { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } };
const KEY_ARN = { 'Fn::GetAtt': ['Key', 'Arn'] };

/** The row of `R` in a template of `R` (of `type`, with `properties`) and the key `Key`. */
function rowOf(type: string, properties: any, extra: Record<string, any> = {}): ResourcePosture {
  const rows = analyzeTemplate('S', { Resources: { Key: KEY, R: { Type: type, Properties: properties }, ...extra } });
  const found = rows.filter((r) => r.logicalId === 'R');
  expect(found).toHaveLength(1);
  return found[0];
}

const CUSTOMER = { encrypted: 'yes', key: 'Key', option: 3, keyManagement: 'AWS KMS, customer managed key' };
const owned = (name: string) => ({ encrypted: 'yes', key: `AWS owned (${name})`, keyManagement: 'AWS owned key' });
const managed = (name: string) => ({ encrypted: 'yes', key: `AWS managed (${name})`, keyManagement: 'AWS managed key' });
const NONE = { encrypted: 'no', key: '-', option: null };

/** [type, properties, expected row]: the absent setting, and a customer managed key, for each covered type. */
const CASES: Array<[string, any, Record<string, unknown>]> = [
  ['AWS::KMS::Key', { EnableKeyRotation: true }, { encrypted: 'n/a', rotation: 'automatic every 365 days' }],
  ['Custom::KmiCustomKeyStoreKey', { CustomKeyStoreType: 'AWS_CLOUDHSM', RotationPeriodInDays: 90 }, { option: 2, rotation: 'scheduled every 90 days' }],
  ['Custom::KmiImportedKeyMaterial', { KeyId: { Ref: 'Key' }, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }, { option: 1, encryption: 'imported key material (does not expire)' }],
  ['Custom::KmiCustomKeyStore', { CustomKeyStoreType: 'EXTERNAL_KEY_STORE' }, { option: 1 }],
  ['AWS::CloudHSM::Cluster', { HsmType: 'hsm2m.medium' }, { option: 2 }],
  ['AWS::S3::Bucket', {}, owned('SSE-S3')],
  ['AWS::S3::Bucket', { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] } }, CUSTOMER],
  ['AWS::EC2::Volume', { AvailabilityZone: 'us-east-1a', Size: 1 }, NONE],
  ['AWS::EC2::Volume', { AvailabilityZone: 'us-east-1a', Size: 1, Encrypted: true }, managed('aws/ebs')],
  ['AWS::EC2::Instance', { ImageId: 'ami-1', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }] }, NONE],
  ['AWS::EC2::Instance', { ImageId: 'ami-1', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, KmsKeyId: KEY_ARN } }] }, CUSTOMER],
  ['AWS::EC2::Instance', { ImageId: 'ami-1' }, { encrypted: 'unknown', encryption: 'its AMI\'s' }],
  ['AWS::EC2::LaunchTemplate', { LaunchTemplateData: { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: 'true' } }, { DeviceName: '/dev/sdb', Ebs: {} }] } }, NONE],
  ['AWS::EC2::LaunchTemplate', { LaunchTemplateData: { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, KmsKeyId: KEY_ARN } }] } }, CUSTOMER],
  ['AWS::AutoScaling::LaunchConfiguration', { ImageId: 'ami-1', InstanceType: 't3.micro', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }] }, managed('aws/ebs')],
  ['Custom::KmiEbsEncryptionByDefault', { KmsKeyId: KEY_ARN }, CUSTOMER],
  ['AWS::EFS::FileSystem', {}, NONE],
  ['AWS::EFS::FileSystem', { Encrypted: true, KmsKeyId: KEY_ARN }, CUSTOMER],
  ['AWS::FSx::FileSystem', { FileSystemType: 'LUSTRE' }, managed('aws/fsx')],
  ['AWS::FSx::FileSystem', { FileSystemType: 'LUSTRE', KmsKeyId: { Ref: 'Key' } }, CUSTOMER],
  ['AWS::Backup::BackupVault', { BackupVaultName: 'v' }, managed('aws/backup')],
  ['AWS::Backup::BackupVault', { BackupVaultName: 'v', EncryptionKeyArn: KEY_ARN }, CUSTOMER],
  ['AWS::RDS::DBInstance', { Engine: 'postgres' }, NONE],
  ['AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', StorageEncrypted: true, KmsKeyId: { Ref: 'Key' } }, CUSTOMER],
  ['AWS::DocDB::DBCluster', {}, NONE],
  ['AWS::DocDB::DBCluster', { StorageEncrypted: true }, managed('aws/rds')],
  ['AWS::Neptune::DBCluster', { StorageEncrypted: true, KmsKeyId: KEY_ARN }, CUSTOMER],
  ['AWS::DynamoDB::Table', {}, owned('DynamoDB')],
  ['AWS::DynamoDB::GlobalTable', { SSESpecification: { SSEEnabled: true }, Replicas: [{ Region: 'us-east-1', SSESpecification: { KMSMasterKeyId: KEY_ARN } }] }, CUSTOMER],
  ['AWS::DAX::Cluster', {}, NONE],
  ['AWS::DAX::Cluster', { SSESpecification: { SSEEnabled: true } }, owned('DAX')],
  ['AWS::Redshift::Cluster', { Encrypted: true, KmsKeyId: { Ref: 'Key' } }, CUSTOMER],
  ['AWS::ElastiCache::ReplicationGroup', { ReplicationGroupDescription: 'r' }, { ...NONE, tls: 'not enforced' }],
  ['AWS::ElastiCache::ReplicationGroup', { AtRestEncryptionEnabled: true, KmsKeyId: { Ref: 'Key' }, TransitEncryptionEnabled: true }, { ...CUSTOMER, tls: 'TLS required' }],
  ['AWS::ElastiCache::ServerlessCache', { Engine: 'valkey' }, owned('ElastiCache')],
  ['AWS::OpenSearchService::Domain', {}, NONE],
  ['AWS::OpenSearchService::Domain', { EncryptionAtRestOptions: { Enabled: true }, DomainEndpointOptions: { EnforceHTTPS: true } }, { ...managed('aws/es'), tls: 'TLS required' }],
  ['AWS::Elasticsearch::Domain', { EncryptionAtRestOptions: { Enabled: true, KmsKeyId: { Ref: 'Key' } } }, CUSTOMER],
  ['AWS::Cassandra::Table', {}, owned('Keyspaces')],
  ['AWS::Cassandra::Table', { EncryptionSpecification: { EncryptionType: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyIdentifier: KEY_ARN } }, CUSTOMER],
  ['AWS::Timestream::Database', {}, managed('aws/timestream')],
  ['AWS::EMR::SecurityConfiguration', { SecurityConfiguration: { EncryptionConfiguration: { EnableAtRestEncryption: false, EnableInTransitEncryption: false } } }, { encrypted: 'no' }],
  ['AWS::EMR::Cluster', {}, NONE],
  ['AWS::SQS::Queue', {}, owned('SSE-SQS')],
  ['AWS::SNS::Topic', {}, NONE],
  ['AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: KEY_ARN } }, CUSTOMER],
  ['AWS::KinesisFirehose::DeliveryStream', {}, NONE],
  ['AWS::Logs::LogGroup', {}, owned('CloudWatch Logs')],
  ['AWS::SecretsManager::Secret', {}, managed('aws/secretsmanager')],
  ['AWS::Lambda::Function', { Environment: { Variables: { TABLE: 't' } } }, managed('aws/lambda')],
  ['AWS::Lambda::Function', {}, owned('Lambda')],
  ['AWS::Lambda::Function', { Environment: { Variables: { TABLE: 't' } }, KmsKeyArn: KEY_ARN }, CUSTOMER],
  ['AWS::CloudTrail::Trail', { IsLogging: true, S3BucketName: 'b' }, owned('SSE-S3')],
  ['AWS::CloudTrail::Trail', { IsLogging: true, S3BucketName: 'b', KMSKeyId: { Ref: 'Key' } }, CUSTOMER],
  ['AWS::ECR::Repository', {}, owned('SSE-S3')],
  ['AWS::ECR::Repository', { EncryptionConfiguration: { EncryptionType: 'KMS' } }, managed('aws/ecr')],
  ['AWS::ECR::Repository', { EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: KEY_ARN } }, CUSTOMER],
  ['AWS::CodeBuild::Project', {}, managed('aws/s3')],
  ['AWS::CodeBuild::Project', { EncryptionKey: KEY_ARN }, CUSTOMER],
  ['AWS::CodePipeline::Pipeline', { ArtifactStore: { Type: 'S3', Location: 'b' } }, managed('aws/s3')],
  ['AWS::CodePipeline::Pipeline', { ArtifactStores: [{ Region: 'us-east-1', ArtifactStore: { Type: 'S3', Location: 'b', EncryptionKey: { Id: KEY_ARN, Type: 'KMS' } } }] }, CUSTOMER],
  ['AWS::CodeArtifact::Domain', { DomainName: 'd' }, managed('aws/codeartifact')],
  ['AWS::StepFunctions::StateMachine', {}, owned('Step Functions')],
  ['AWS::StepFunctions::StateMachine', { EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: KEY_ARN } }, CUSTOMER],
  ['AWS::StepFunctions::Activity', { Name: 'a' }, owned('Step Functions')],
  ['AWS::Events::EventBus', { Name: 'bus' }, owned('EventBridge')],
  ['AWS::Events::EventBus', { Name: 'bus', KmsKeyIdentifier: KEY_ARN }, CUSTOMER],
  ['AWS::Glue::DataCatalogEncryptionSettings', { CatalogId: '1', DataCatalogEncryptionSettings: {} }, NONE],
  ['AWS::Glue::DataCatalogEncryptionSettings', { CatalogId: '1', DataCatalogEncryptionSettings: { EncryptionAtRest: { CatalogEncryptionMode: 'SSE-KMS', SseAwsKmsKeyId: KEY_ARN } } }, CUSTOMER],
  ['AWS::Glue::SecurityConfiguration', { Name: 'g', EncryptionConfiguration: {} }, NONE],
  ['AWS::Glue::SecurityConfiguration', { Name: 'g', EncryptionConfiguration: { S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: KEY_ARN }] } }, CUSTOMER],
  ['AWS::SageMaker::NotebookInstance', { InstanceType: 'ml.t3.medium', RoleArn: 'r' }, managed('SageMaker default')],
  ['AWS::SageMaker::EndpointConfig', { ProductionVariants: [], KmsKeyId: { Ref: 'Key' } }, CUSTOMER],
  ['AWS::DMS::ReplicationInstance', { ReplicationInstanceClass: 'dms.t3.micro' }, managed('aws/dms')],
  ['AWS::MSK::Cluster', { ClusterName: 'c' }, { ...managed('aws/kafka'), tls: 'TLS required' }],
  ['AWS::MSK::Cluster', { ClusterName: 'c', EncryptionInfo: { EncryptionAtRest: { DataVolumeKMSKeyId: KEY_ARN }, EncryptionInTransit: { ClientBroker: 'TLS_PLAINTEXT' } } }, { ...CUSTOMER, tls: 'not enforced' }],
  ['AWS::MWAA::Environment', { Name: 'm' }, owned('MWAA')],
  ['AWS::AmazonMQ::Broker', { BrokerName: 'b' }, owned('Amazon MQ')],
  ['AWS::AmazonMQ::Broker', { BrokerName: 'b', EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: KEY_ARN } }, CUSTOMER],
  ['AWS::EKS::Cluster', { RoleArn: 'r', ResourcesVpcConfig: {} }, owned('EKS')],
  ['AWS::EKS::Cluster', { RoleArn: 'r', ResourcesVpcConfig: {}, Version: '1.27' }, NONE],
  ['AWS::EKS::Cluster', { RoleArn: 'r', ResourcesVpcConfig: {}, EncryptionConfig: [{ Provider: { KeyArn: KEY_ARN }, Resources: ['secrets'] }] }, CUSTOMER],
  ['AWS::KinesisVideo::Stream', {}, managed('aws/kinesisvideo')],
  ['AWS::CodeCommit::Repository', { RepositoryName: 'r', KmsKeyId: KEY_ARN }, CUSTOMER],
  ['AWS::CodeCommit::Repository', { RepositoryName: 'r' }, managed('aws/codecommit')],
  ['AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' }, owned('EventBridge Scheduler')],
  ['AWS::Athena::WorkGroup', { Name: 'w' }, { encrypted: 'unknown', encryption: 'the results bucket\'s default encryption' }],
  ['AWS::Athena::WorkGroup', { Name: 'w', WorkGroupConfiguration: { ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: KEY_ARN } } } }, CUSTOMER],
  ['AWS::WorkSpaces::Workspace', { BundleId: 'b', DirectoryId: 'd', UserName: 'u' }, NONE],
  ['AWS::WorkSpaces::Workspace', { BundleId: 'b', DirectoryId: 'd', UserName: 'u', UserVolumeEncryptionEnabled: true, VolumeEncryptionKey: KEY_ARN }, CUSTOMER],
];

describe('every covered type: the row its setting (or its absence) gives', () => {
  test.each(CASES)('%s %j', (type, properties, expected) => {
    expect(rowOf(type, properties)).toMatchObject(expected);
  });
});

describe('the coverage table', () => {
  test('lists each type once, with the AWS documentation of its setting', () => {
    const types = COVERAGE.map((row) => row.type);
    expect(new Set(types).size).toBe(types.length);
    for (const row of COVERAGE) {
      expect(row.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(row.paths.length).toBeGreaterThan(0);
      expect(row.absent).not.toBe('');
    }
  });
  test('every covered type is exercised by a case here', () => {
    expect(COVERAGE.map((row) => row.type).filter((type) => !CASES.some(([t]) => t === type))).toEqual([]);
  });
  test('an unencrypted block device is encrypted when the input turns on EBS encryption by default, with its key', () => {
    const row = rowOf('AWS::EC2::Instance', { ImageId: 'ami-1', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }] }, {
      Default: { Type: 'Custom::KmiEbsEncryptionByDefault', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:f', KmsKeyId: KEY_ARN } },
    });
    expect(row).toMatchObject({ ...CUSTOMER, encryption: 'EBS (KMS, by EBS encryption by default)' });
  });
  test('a type without an at-rest encryption setting is listed as not assessed', () => {
    const report = analyzeStacks([templateOf('S', 's.json', { Resources: { Permission: { Type: 'AWS::Lambda::Permission', Properties: {} } } }, {}, {})], ['s.json']);
    expect(report.resources).toEqual([]);
    expect(report.notAssessed).toEqual([{ stack: 'S', logicalId: 'Permission', type: 'AWS::Lambda::Permission', reason: 'no at-rest encryption setting read for this type' }]);
  });
});
