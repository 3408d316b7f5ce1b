import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ACCOUNT, REGION } from './app';
import {
  AccessLogsBucket, CloudHsmCluster, CustomKeyStore, CustomKeyStoreKey, CustomKeyStoreKeyRotation, EbsEncryptionByDefault,
  EmrArtifact, EmrInTransitEncryption, EmrSecurityConfiguration, EncryptedBucket, EncryptedVolume, KeyActivityAlarms, KeyStoreSource,
  KmsKeyWithImportedMaterial, KmsKeyWithRotation, RedshiftEncryptedCluster,
} from '../../src';

/** Every construct with default props (and what it needs from outside), one stack each. */
export const CONSTRUCTS: Record<string, (stack: Stack) => void> = {
  KmsKeyWithRotation: (s) => new KmsKeyWithRotation(s, 'Key'),
  KmsKeyWithImportedMaterial: (s) => new KmsKeyWithImportedMaterial(s, 'Byok', {
    keyMaterial: secretsmanager.Secret.fromSecretCompleteArn(s, 'Material', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:material-AbCdEf`),
  }),
  EncryptedBucket: (s) => new EncryptedBucket(s, 'Bucket'),
  AccessLogsBucket: (s) => new AccessLogsBucket(s, 'Logs'),
  EncryptedVolume: (s) => new EncryptedVolume(s, 'Volume', { availabilityZone: `${REGION}a`, size: Size.gibibytes(1) }),
  EbsEncryptionByDefault: (s) => new EbsEncryptionByDefault(s, 'EbsByDefault'),
  RedshiftEncryptedCluster: (s) => new RedshiftEncryptedCluster(s, 'Warehouse', { vpc: importedVpc(s) }),
  EmrSecurityConfiguration: (s) => new EmrSecurityConfiguration(s, 'Emr', {
    inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(s3.Bucket.fromBucketName(s, 'Artifacts', 'emr-artifacts'), 'emr/certs.zip')),
  }),
  CloudHsmCluster: (s) => new CloudHsmCluster(s, 'Hsms', { vpc: importedVpc(s) }),
  CustomKeyStore: (s) => new CustomKeyStore(s, 'Store', { source: KeyStoreSource.cloudHsm({ cluster: new CloudHsmCluster(s, 'Hsms', { vpc: importedVpc(s) }) }) }),
  CustomKeyStoreKey: (s) => new CustomKeyStoreKey(s, 'StoreKey', {
    customKeyStore: new CustomKeyStore(s, 'Store', { source: KeyStoreSource.cloudHsm({ cluster: new CloudHsmCluster(s, 'Hsms', { vpc: importedVpc(s) }) }) }),
    rotation: CustomKeyStoreKeyRotation.scheduled(Duration.days(365)),
  }),
  KeyActivityAlarms: (s) => new KeyActivityAlarms(s, 'Alarms'),
};

function importedVpc(scope: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: [`${REGION}a`, `${REGION}b`],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
  });
}

