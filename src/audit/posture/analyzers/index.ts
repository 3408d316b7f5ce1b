/**
 * The resource types the posture report reads, each with its analyzer.
 */
import { analyzeEbsEncryptionByDefault, analyzeFileSystem, analyzeVolume } from './block-storage';
import { analyzeDbCluster, analyzeDbInstance, analyzeGlobalTable, analyzeRedshift, analyzeTable } from './databases';
import { analyzeEmrCluster, analyzeSecurityConfiguration } from './emr';
import {
  analyzeCloudHsmCluster, analyzeCustomKeyStore, analyzeCustomKeyStoreKey, analyzeImportedKeyMaterial, analyzeKmsKey,
} from './kmi';
import { analyzeBucket } from './s3';
import { analyzeDeliveryStream, analyzeLogGroup, analyzeQueue, analyzeSecret, analyzeStream, analyzeTopic } from './services';
import { Analyzer } from '../rows';

/** The resource types the report reads, and how. */
export const ANALYZERS: Record<string, Analyzer> = {
  'AWS::KMS::Key': analyzeKmsKey,
  'Custom::KmiCustomKeyStoreKey': analyzeCustomKeyStoreKey,
  'Custom::KmiImportedKeyMaterial': analyzeImportedKeyMaterial,
  'Custom::KmiCustomKeyStore': analyzeCustomKeyStore,
  'AWS::CloudHSM::Cluster': analyzeCloudHsmCluster,
  'AWS::S3::Bucket': analyzeBucket,
  'AWS::EC2::Volume': analyzeVolume,
  'Custom::KmiEbsEncryptionByDefault': analyzeEbsEncryptionByDefault,
  'AWS::EFS::FileSystem': analyzeFileSystem,
  'AWS::RDS::DBInstance': analyzeDbInstance,
  'AWS::RDS::DBCluster': analyzeDbCluster,
  'AWS::DynamoDB::Table': analyzeTable,
  'AWS::DynamoDB::GlobalTable': analyzeGlobalTable,
  'AWS::Redshift::Cluster': analyzeRedshift,
  'AWS::EMR::SecurityConfiguration': analyzeSecurityConfiguration,
  'AWS::EMR::Cluster': analyzeEmrCluster,
  'AWS::SQS::Queue': analyzeQueue,
  'AWS::SNS::Topic': analyzeTopic,
  'AWS::Kinesis::Stream': analyzeStream,
  'AWS::KinesisFirehose::DeliveryStream': analyzeDeliveryStream,
  'AWS::Logs::LogGroup': analyzeLogGroup,
  'AWS::SecretsManager::Secret': analyzeSecret,
};
