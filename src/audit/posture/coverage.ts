/**
 * The one table of what the posture report covers: for each CloudFormation resource type with an
 * at-rest encryption setting, the property paths it reads, what an absent value means (not
 * encrypted, an AWS owned key, an AWS managed key), the AWS documentation that says so, and the
 * analyzer that reads it. Every other resource type is listed by the report as not assessed.
 *
 * Where AWS documents disagree, the row says so and takes the weaker reading.
 */
import { analyzeEbsEncryptionByDefault, analyzeFileSystem, analyzeInstance, analyzeLaunchConfiguration, analyzeLaunchTemplate, analyzeVolume } from './analyzers/block-storage';
import { analyzeDbCluster, analyzeDbInstance, analyzeGlobalTable, analyzeRedshift, analyzeTable } from './analyzers/databases';
import { analyzeEmrCluster, analyzeSecurityConfiguration } from './analyzers/emr';
import { analyzeCloudHsmCluster, analyzeCustomKeyStore, analyzeCustomKeyStoreKey, analyzeImportedKeyMaterial, analyzeKmsKey } from './analyzers/kmi';
import { analyzeBucket } from './analyzers/s3';
import { analyzeDeliveryStream, analyzeLogGroup, analyzeQueue, analyzeSecret, analyzeStream, analyzeTopic } from './analyzers/services';
import { keyed, managed, moded, NOT_ENCRYPTED, owned, switched, tlsSetting, valueAt } from './analyzers/settings';
import { finding } from './findings';
import { awsManagedKey, awsOwnedKey, describeKey } from './keys';
import { Analyzer, encryptedWith, inherited, unencrypted } from './rows';
import { isObject, listOf, truth } from '../cfn/values';

/** One row of the coverage table. */
export interface Coverage {
  readonly type: string;
  /** The property paths read. */
  readonly paths: readonly string[];
  /** What an absent setting means. */
  readonly absent: string;
  /** The AWS documentation of the setting and its default. */
  readonly source: string;
  readonly analyze: Analyzer;
  /** Why a resource for which the analyzer gives no row is not assessed on its own. */
  readonly skipped?: string;
}

const cfn = (slug: string) => `https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-${slug}.html`;

/** `AWS::Lambda::Function`: environment variables (and the package) under `KmsKeyArn`, or Lambda's default key. */
const analyzeFunction: Analyzer = (ctx, _logicalId, props) => {
  const hasVariables = isObject(props.Environment?.Variables) && Object.keys(props.Environment.Variables).length > 0;
  if (props.KmsKeyArn !== undefined) {
    return encryptedWith('Lambda (KMS)', describeKey(ctx, props.KmsKeyArn, awsManagedKey('aws/lambda')));
  }
  // The environment variables page names the AWS managed key aws/lambda; the API reference says
  // "an AWS owned key or an AWS managed key". The managed key is the one in the account's hands the least
  // (its policy is AWS's): the report names it.
  return hasVariables
    ? encryptedWith('Lambda environment variables (AWS managed key)', awsManagedKey('aws/lambda'))
    : encryptedWith('Lambda package (AWS owned key)', awsOwnedKey('Lambda'));
};

/** `AWS::CodePipeline::Pipeline`: the key of each artifact store, or the AWS managed key for S3. */
const analyzePipeline: Analyzer = (ctx, _logicalId, props) => {
  const stores = [props.ArtifactStore, ...listOf(props.ArtifactStores).map((s: any) => s?.ArtifactStore)].filter(isObject);
  const keys = stores.map((store) => describeKey(ctx, store.EncryptionKey?.Id, awsManagedKey('aws/s3')));
  const key = keys.find((k) => k.option === null || k.keyManagement.startsWith('AWS')) ?? keys[0] ?? awsManagedKey('aws/s3');
  return encryptedWith('CodePipeline artifacts (KMS)', key);
};

/** `AWS::EKS::Cluster`: envelope encryption of Kubernetes secrets with `EncryptionConfig`, or EKS's default envelope encryption (Kubernetes 1.28 and later). */
const analyzeEksCluster: Analyzer = (ctx, _logicalId, props) => {
  const config = listOf(props.EncryptionConfig).find((c: any) => listOf(c?.Resources).includes('secrets')) as any;
  if (config?.Provider?.KeyArn !== undefined) {
    return encryptedWith('EKS secrets envelope encryption (KMS)', describeKey(ctx, config.Provider.KeyArn, awsOwnedKey('EKS')));
  }
  const version = typeof props.Version === 'string' ? props.Version.split('.').map(Number) : undefined;
  if (version !== undefined && (version[0] < 1 || (version[0] === 1 && version[1] < 28))) {
    return unencrypted(`Kubernetes ${props.Version}: no envelope encryption of Kubernetes API data (EKS adds it by default from 1.28); etcd volumes are encrypted by EKS`);
  }
  return encryptedWith('EKS default envelope encryption (AWS owned key)', awsOwnedKey('EKS'));
};

/** `AWS::MSK::Cluster`: data volumes under `DataVolumeKMSKeyId` or `aws/kafka`; TLS between clients and brokers. */
const analyzeMskCluster: Analyzer = (ctx, _logicalId, props) => {
  const clientBroker = valueAt(props, 'EncryptionInfo.EncryptionInTransit.ClientBroker') ?? 'TLS';
  const tls = clientBroker === 'TLS'
    ? { tls: 'TLS required' }
    : { tls: 'not enforced', findings: [finding('tls-not-enforced', `MSK accepts plaintext client connections (ClientBroker ${ctx.render(clientBroker)})`)] };
  return encryptedWith('MSK data volumes (KMS)', describeKey(ctx, valueAt(props, 'EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId'), awsManagedKey('aws/kafka')), tls);
};

/** `AWS::AmazonMQ::Broker`: an AWS owned key unless `UseAwsOwnedKey` is false (then `KmsKeyId` or `aws/mq`). */
const analyzeBroker: Analyzer = (ctx, _logicalId, props) => {
  const useOwned = props.EncryptionOptions?.UseAwsOwnedKey;
  if (useOwned === undefined || truth(useOwned) === true) {
    return encryptedWith('Amazon MQ (AWS owned key)', awsOwnedKey('Amazon MQ'));
  }
  return encryptedWith('Amazon MQ (KMS)', describeKey(ctx, props.EncryptionOptions?.KmsKeyId, awsManagedKey('aws/mq')));
};

/** `AWS::Athena::WorkGroup`: query results under the work group's encryption, or as the results bucket's default encryption. */
const analyzeWorkGroup: Analyzer = (ctx, _logicalId, props) => {
  const config = valueAt(props, 'WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration');
  const option = config?.EncryptionOption;
  if (option === undefined) {
    return inherited('the results bucket\'s default encryption', 'no EncryptionConfiguration: query results are encrypted as the results bucket\'s default encryption is');
  }
  if (option === 'SSE_S3') {
    return encryptedWith('Athena query results (SSE-S3)', awsOwnedKey('SSE-S3'));
  }
  return encryptedWith(`Athena query results (${ctx.render(option)})`, describeKey(ctx, config.KmsKey, awsManagedKey('aws/s3')));
};

const openSearchTls = tlsSetting('DomainEndpointOptions.EnforceHTTPS', 'the domain endpoint');
const analyzeSearchDomain = switched('OpenSearch domain', 'EncryptionAtRestOptions.Enabled', 'EncryptionAtRestOptions.KmsKeyId', managed('aws/es'), { extras: openSearchTls });

/** Every resource type the report reads. */
export const COVERAGE: readonly Coverage[] = [
  // Key management infrastructure.
  { type: 'AWS::KMS::Key', paths: ['KeySpec', 'KeyUsage', 'Origin', 'EnableKeyRotation', 'RotationPeriodInDays', 'KeyPolicy'], absent: 'EnableKeyRotation absent: no rotation', source: cfn('kms-key'), analyze: analyzeKmsKey },
  { type: 'Custom::KmiCustomKeyStoreKey', paths: ['CustomKeyStoreType', 'RotationPeriodInDays'], absent: 'no rotation schedule', source: 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html', analyze: analyzeCustomKeyStoreKey },
  { type: 'Custom::KmiImportedKeyMaterial', paths: ['KeyId', 'ExpirationModel', 'ValidTo'], absent: 'material that expires', source: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html', analyze: analyzeImportedKeyMaterial },
  { type: 'Custom::KmiCustomKeyStore', paths: ['CustomKeyStoreType', 'CloudHsmClusterId', 'XksProxyConnectivity'], absent: '-', source: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-store-overview.html', analyze: analyzeCustomKeyStore },
  { type: 'AWS::CloudHSM::Cluster', paths: ['HsmType'], absent: '-', source: 'https://docs.aws.amazon.com/cloudhsm/latest/userguide/clusters.html', analyze: analyzeCloudHsmCluster },
  // Storage.
  { type: 'AWS::S3::Bucket', paths: ['BucketEncryption.ServerSideEncryptionConfiguration', 'PublicAccessBlockConfiguration', 'BucketName'], absent: 'AWS owned key (SSE-S3)', source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html', analyze: analyzeBucket },
  { type: 'AWS::EC2::Volume', paths: ['Encrypted', 'KmsKeyId'], absent: 'not encrypted (unless EBS encryption by default); key absent: AWS managed key aws/ebs', source: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html', analyze: analyzeVolume },
  { type: 'AWS::EC2::Instance', paths: ['BlockDeviceMappings.Ebs.Encrypted', 'BlockDeviceMappings.Ebs.KmsKeyId', 'LaunchTemplate'], absent: 'not encrypted (unless EBS encryption by default); no mapping: the AMI\'s', source: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html', analyze: analyzeInstance },
  { type: 'AWS::EC2::LaunchTemplate', paths: ['LaunchTemplateData.BlockDeviceMappings.Ebs.Encrypted', 'LaunchTemplateData.BlockDeviceMappings.Ebs.KmsKeyId'], absent: 'not encrypted (unless EBS encryption by default)', source: cfn('ec2-launchtemplate'), analyze: analyzeLaunchTemplate },
  { type: 'AWS::AutoScaling::LaunchConfiguration', paths: ['BlockDeviceMappings.Ebs.Encrypted'], absent: 'not encrypted (unless EBS encryption by default)', source: cfn('autoscaling-launchconfiguration'), analyze: analyzeLaunchConfiguration },
  { type: 'Custom::KmiEbsEncryptionByDefault', paths: ['KmsKeyId'], absent: 'AWS managed key aws/ebs', source: 'https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html', analyze: analyzeEbsEncryptionByDefault },
  { type: 'AWS::EFS::FileSystem', paths: ['Encrypted', 'KmsKeyId', 'FileSystemPolicy'], absent: 'not encrypted; key absent: AWS managed key aws/elasticfilesystem', source: 'https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html', analyze: analyzeFileSystem },
  { type: 'AWS::FSx::FileSystem', paths: ['KmsKeyId'], absent: 'AWS managed key aws/fsx', source: 'https://docs.aws.amazon.com/fsx/latest/WindowsGuide/encryption-at-rest.html', analyze: keyed('FSx file system', 'KmsKeyId', managed('aws/fsx')) },
  { type: 'AWS::Backup::BackupVault', paths: ['EncryptionKeyArn'], absent: 'AWS managed key aws/backup', source: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html', analyze: keyed('Backup vault', 'EncryptionKeyArn', managed('aws/backup')) },
  // Databases.
  { type: 'AWS::RDS::DBInstance', paths: ['StorageEncrypted', 'KmsKeyId', 'Engine', 'EngineVersion', 'DBParameterGroupName', 'OptionGroupName', 'SourceDBInstanceIdentifier', 'PubliclyAccessible'], absent: 'not encrypted; key absent: AWS managed key aws/rds; TLS: the engine version\'s default (src/audit/cfn/rds-tls.ts cites each engine\'s page)', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html', analyze: analyzeDbInstance, skipped: 'an instance of an Aurora DB cluster: its storage is on the cluster\'s row' },
  { type: 'AWS::RDS::DBCluster', paths: ['StorageEncrypted', 'KmsKeyId', 'Engine', 'EngineVersion', 'DBClusterParameterGroupName', 'EngineMode'], absent: 'not encrypted; key absent: AWS managed key aws/rds; TLS: the engine version\'s default', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html', analyze: analyzeDbCluster },
  { type: 'AWS::DocDB::DBCluster', paths: ['StorageEncrypted', 'KmsKeyId'], absent: 'not encrypted; key absent: AWS managed key aws/rds', source: 'https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html', analyze: switched('DocumentDB cluster', 'StorageEncrypted', 'KmsKeyId', managed('aws/rds')) },
  { type: 'AWS::Neptune::DBCluster', paths: ['StorageEncrypted', 'KmsKeyId'], absent: 'not encrypted; key absent: AWS managed key aws/rds', source: 'https://docs.aws.amazon.com/neptune/latest/userguide/encrypt.html', analyze: switched('Neptune cluster', 'StorageEncrypted', 'KmsKeyId', managed('aws/rds')) },
  { type: 'AWS::DynamoDB::Table', paths: ['SSESpecification.SSEEnabled', 'SSESpecification.KMSMasterKeyId'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html', analyze: analyzeTable },
  { type: 'AWS::DynamoDB::GlobalTable', paths: ['SSESpecification.SSEEnabled', 'Replicas.SSESpecification.KMSMasterKeyId'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html', analyze: analyzeGlobalTable },
  { type: 'AWS::DAX::Cluster', paths: ['SSESpecification.SSEEnabled', 'ClusterEndpointEncryptionType'], absent: 'not encrypted', source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionAtRest.html', analyze: switched('DAX cluster', 'SSESpecification.SSEEnabled', 'SSESpecification.KMSMasterKeyId', owned('DAX')) },
  { type: 'AWS::Redshift::Cluster', paths: ['Encrypted', 'KmsKeyId', 'ClusterParameterGroupName', 'PubliclyAccessible'], absent: 'not encrypted; key absent: AWS managed key aws/redshift', source: 'https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html', analyze: analyzeRedshift },
  // ElastiCache calls its default "default (service managed)" encryption: no key of the account is named, so AWS owned.
  { type: 'AWS::ElastiCache::ReplicationGroup', paths: ['AtRestEncryptionEnabled', 'KmsKeyId', 'TransitEncryptionEnabled'], absent: 'not encrypted; key absent: AWS owned key', source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html', analyze: switched('ElastiCache replication group', 'AtRestEncryptionEnabled', 'KmsKeyId', owned('ElastiCache'), { extras: tlsSetting('TransitEncryptionEnabled', 'the replication group') }) },
  { type: 'AWS::ElastiCache::ServerlessCache', paths: ['KmsKeyId'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html', analyze: keyed('ElastiCache serverless cache', 'KmsKeyId', owned('ElastiCache')) },
  { type: 'AWS::OpenSearchService::Domain', paths: ['EncryptionAtRestOptions.Enabled', 'EncryptionAtRestOptions.KmsKeyId', 'DomainEndpointOptions.EnforceHTTPS'], absent: 'not encrypted; key absent: AWS managed key aws/es', source: 'https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html', analyze: analyzeSearchDomain },
  { type: 'AWS::Elasticsearch::Domain', paths: ['EncryptionAtRestOptions.Enabled', 'EncryptionAtRestOptions.KmsKeyId', 'DomainEndpointOptions.EnforceHTTPS'], absent: 'not encrypted; key absent: AWS managed key aws/es', source: 'https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html', analyze: analyzeSearchDomain },
  { type: 'AWS::Cassandra::Table', paths: ['EncryptionSpecification.EncryptionType', 'EncryptionSpecification.KmsKeyIdentifier'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/keyspaces/latest/devguide/EncryptionAtRest.html', analyze: moded('Keyspaces table', 'EncryptionSpecification.EncryptionType', 'EncryptionSpecification.KmsKeyIdentifier', { AWS_OWNED_KMS_KEY: owned('Keyspaces'), CUSTOMER_MANAGED_KMS_KEY: 'kms' }, 'AWS_OWNED_KMS_KEY', owned('Keyspaces')) },
  { type: 'AWS::Timestream::Database', paths: ['KmsKeyId'], absent: 'AWS managed key aws/timestream', source: 'https://docs.aws.amazon.com/timestream/latest/developerguide/EncryptionAtRest.html', analyze: keyed('Timestream database', 'KmsKeyId', managed('aws/timestream')) },
  { type: 'AWS::EMR::SecurityConfiguration', paths: ['SecurityConfiguration.EncryptionConfiguration'], absent: 'not encrypted', source: 'https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html', analyze: analyzeSecurityConfiguration },
  { type: 'AWS::EMR::Cluster', paths: ['SecurityConfiguration'], absent: 'not encrypted', source: 'https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption.html', analyze: analyzeEmrCluster },
  // Application services.
  { type: 'AWS::SQS::Queue', paths: ['KmsMasterKeyId', 'SqsManagedSseEnabled'], absent: 'AWS owned key (SSE-SQS)', source: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html', analyze: analyzeQueue },
  { type: 'AWS::SNS::Topic', paths: ['KmsMasterKeyId'], absent: 'not encrypted', source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html', analyze: analyzeTopic },
  { type: 'AWS::Kinesis::Stream', paths: ['StreamEncryption.EncryptionType', 'StreamEncryption.KeyId'], absent: 'not encrypted', source: 'https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html', analyze: analyzeStream },
  { type: 'AWS::KinesisFirehose::DeliveryStream', paths: ['DeliveryStreamEncryptionConfigurationInput'], absent: 'not encrypted (direct put)', source: 'https://docs.aws.amazon.com/firehose/latest/dev/encryption.html', analyze: analyzeDeliveryStream },
  { type: 'AWS::Logs::LogGroup', paths: ['KmsKeyId'], absent: 'AWS owned key (CloudWatch Logs)', source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html', analyze: analyzeLogGroup },
  { type: 'AWS::SecretsManager::Secret', paths: ['KmsKeyId'], absent: 'AWS managed key aws/secretsmanager', source: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html', analyze: analyzeSecret },
  { type: 'AWS::Lambda::Function', paths: ['KmsKeyArn', 'Environment.Variables'], absent: 'AWS managed key aws/lambda (environment variables); AWS owned key (package)', source: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html', analyze: analyzeFunction },
  { type: 'AWS::CloudTrail::Trail', paths: ['KMSKeyId'], absent: 'AWS owned key (SSE-S3 on the trail\'s bucket)', source: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html', analyze: keyed('CloudTrail log files', 'KMSKeyId', owned('SSE-S3')) },
  { type: 'AWS::ECR::Repository', paths: ['EncryptionConfiguration.EncryptionType', 'EncryptionConfiguration.KmsKey'], absent: 'AWS owned key (AES256, SSE-S3)', source: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html', analyze: moded('ECR repository', 'EncryptionConfiguration.EncryptionType', 'EncryptionConfiguration.KmsKey', { AES256: owned('SSE-S3'), KMS: 'kms', KMS_DSSE: 'kms' }, 'AES256', managed('aws/ecr')) },
  { type: 'AWS::CodeBuild::Project', paths: ['EncryptionKey'], absent: 'AWS managed key aws/s3', source: 'https://docs.aws.amazon.com/codebuild/latest/userguide/security-encryption.html', analyze: keyed('CodeBuild artifacts', 'EncryptionKey', managed('aws/s3')) },
  { type: 'AWS::CodePipeline::Pipeline', paths: ['ArtifactStore.EncryptionKey.Id', 'ArtifactStores.ArtifactStore.EncryptionKey.Id'], absent: 'AWS managed key aws/s3', source: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html', analyze: analyzePipeline },
  { type: 'AWS::CodeArtifact::Domain', paths: ['EncryptionKey'], absent: 'AWS managed key aws/codeartifact', source: 'https://docs.aws.amazon.com/codeartifact/latest/ug/domain-create.html', analyze: keyed('CodeArtifact domain', 'EncryptionKey', managed('aws/codeartifact')) },
  { type: 'AWS::StepFunctions::StateMachine', paths: ['EncryptionConfiguration.Type', 'EncryptionConfiguration.KmsKeyId'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html', analyze: moded('Step Functions state machine', 'EncryptionConfiguration.Type', 'EncryptionConfiguration.KmsKeyId', { AWS_OWNED_KEY: owned('Step Functions'), CUSTOMER_MANAGED_KMS_KEY: 'kms' }, 'AWS_OWNED_KEY', owned('Step Functions')) },
  { type: 'AWS::StepFunctions::Activity', paths: ['EncryptionConfiguration.Type', 'EncryptionConfiguration.KmsKeyId'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html', analyze: moded('Step Functions activity', 'EncryptionConfiguration.Type', 'EncryptionConfiguration.KmsKeyId', { AWS_OWNED_KEY: owned('Step Functions'), CUSTOMER_MANAGED_KMS_KEY: 'kms' }, 'AWS_OWNED_KEY', owned('Step Functions')) },
  { type: 'AWS::Events::EventBus', paths: ['KmsKeyIdentifier'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-at-rest.html', analyze: keyed('EventBridge event bus', 'KmsKeyIdentifier', owned('EventBridge')) },
  { type: 'AWS::Glue::DataCatalogEncryptionSettings', paths: ['DataCatalogEncryptionSettings.EncryptionAtRest.CatalogEncryptionMode', 'DataCatalogEncryptionSettings.EncryptionAtRest.SseAwsKmsKeyId'], absent: 'not encrypted (DISABLED)', source: 'https://docs.aws.amazon.com/glue/latest/dg/encrypt-glue-data-catalog.html', analyze: moded('Glue Data Catalog', 'DataCatalogEncryptionSettings.EncryptionAtRest.CatalogEncryptionMode', 'DataCatalogEncryptionSettings.EncryptionAtRest.SseAwsKmsKeyId', { 'DISABLED': NOT_ENCRYPTED, 'SSE-KMS': 'kms', 'SSE-KMS-WITH-SERVICE-ROLE': 'kms' }, 'DISABLED', managed('aws/glue')) },
  { type: 'AWS::Glue::SecurityConfiguration', paths: ['EncryptionConfiguration.S3Encryptions.S3EncryptionMode', 'EncryptionConfiguration.S3Encryptions.KmsKeyArn'], absent: 'not encrypted by Glue (DISABLED)', source: 'https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html', analyze: (ctx, id, props) => moded('Glue job output (S3)', 'S3EncryptionMode', 'KmsKeyArn', { 'DISABLED': NOT_ENCRYPTED, 'SSE-S3': owned('SSE-S3'), 'SSE-KMS': 'kms' }, 'DISABLED', managed('aws/s3'))(ctx, id, listOf(props.EncryptionConfiguration?.S3Encryptions)[0] ?? {}) },
  { type: 'AWS::SageMaker::NotebookInstance', paths: ['KmsKeyId'], absent: 'AWS managed key (the ML storage volume)', source: 'https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html', analyze: keyed('SageMaker notebook storage', 'KmsKeyId', managed('SageMaker default')) },
  { type: 'AWS::SageMaker::EndpointConfig', paths: ['KmsKeyId'], absent: 'AWS managed key (the ML storage volume)', source: 'https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html', analyze: keyed('SageMaker endpoint storage', 'KmsKeyId', managed('SageMaker default')) },
  { type: 'AWS::DMS::ReplicationInstance', paths: ['KmsKeyId'], absent: 'AWS managed key aws/dms', source: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Security.html#CHAP_Security.EncryptionKey', analyze: keyed('DMS replication instance storage', 'KmsKeyId', managed('aws/dms')) },
  { type: 'AWS::MSK::Cluster', paths: ['EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId', 'EncryptionInfo.EncryptionInTransit.ClientBroker'], absent: 'AWS managed key aws/kafka', source: 'https://docs.aws.amazon.com/msk/latest/developerguide/msk-encryption.html', analyze: analyzeMskCluster },
  { type: 'AWS::MWAA::Environment', paths: ['KmsKey'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/mwaa/latest/userguide/encryption-at-rest.html', analyze: keyed('MWAA environment', 'KmsKey', owned('MWAA')) },
  { type: 'AWS::AmazonMQ::Broker', paths: ['EncryptionOptions.UseAwsOwnedKey', 'EncryptionOptions.KmsKeyId'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html', analyze: analyzeBroker },
  { type: 'AWS::EKS::Cluster', paths: ['EncryptionConfig.Provider.KeyArn', 'EncryptionConfig.Resources', 'Version'], absent: 'AWS owned key (default envelope encryption, Kubernetes 1.28+)', source: 'https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html', analyze: analyzeEksCluster },
  { type: 'AWS::KinesisVideo::Stream', paths: ['KmsKeyId'], absent: 'AWS managed key aws/kinesisvideo', source: 'https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/how-kms.html', analyze: keyed('Kinesis Video stream', 'KmsKeyId', managed('aws/kinesisvideo')) },
  { type: 'AWS::CodeCommit::Repository', paths: ['KmsKeyId'], absent: 'AWS managed key aws/codecommit', source: 'https://docs.aws.amazon.com/codecommit/latest/userguide/encryption.html', analyze: keyed('CodeCommit repository', 'KmsKeyId', managed('aws/codecommit')) },
  { type: 'AWS::Scheduler::Schedule', paths: ['KmsKeyArn'], absent: 'AWS owned key', source: 'https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html', analyze: keyed('EventBridge Scheduler schedule', 'KmsKeyArn', owned('EventBridge Scheduler')) },
  { type: 'AWS::Athena::WorkGroup', paths: ['WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration.EncryptionOption', 'WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration.KmsKey'], absent: 'the results bucket\'s default encryption (inherited)', source: 'https://docs.aws.amazon.com/athena/latest/ug/encrypting-query-results-stored-in-s3.html', analyze: analyzeWorkGroup },
  { type: 'AWS::WorkSpaces::Workspace', paths: ['RootVolumeEncryptionEnabled', 'UserVolumeEncryptionEnabled', 'VolumeEncryptionKey'], absent: 'not encrypted', source: 'https://docs.aws.amazon.com/workspaces/latest/adminguide/encrypt-workspaces.html', analyze: switched('WorkSpaces user volume', 'UserVolumeEncryptionEnabled', 'VolumeEncryptionKey', managed('aws/workspaces')) },
];

/** The coverage table by type. */
export const COVERAGE_BY_TYPE: ReadonlyMap<string, Coverage> = new Map(COVERAGE.map((row) => [row.type, row]));
