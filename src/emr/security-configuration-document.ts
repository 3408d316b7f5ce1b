import * as kms from 'aws-cdk-lib/aws-kms';
import { EmrCustomProviderOptions } from './emr-custom-provider';
import { EmrInTransitEncryption } from './emr-in-transit-encryption';
import { EmrLocalDiskEncryption } from './emr-local-disk-encryption';
import { EmrS3Encryption, EmrS3EncryptionOverride } from './emr-s3-encryption';

/** Validated settings of a security configuration. */
export interface SecurityConfigurationSettings {
  readonly s3: EmrS3Encryption;
  readonly s3Overrides: EmrS3EncryptionOverride[];
  readonly localDisk: EmrLocalDiskEncryption;
  readonly inTransit: EmrInTransitEncryption;
  /** The key of every KMS mode given none. */
  readonly defaultKey?: kms.IKey;
  readonly minimumImdsVersion: number;
  readonly imdsHopLimit: number;
}

/**
 * The `SecurityConfiguration` JSON of `AWS::EMR::SecurityConfiguration`, with the field names and
 * values of the EMR documentation. Keys are named by ARN, as EMR requires. Undefined fields are left
 * out of the template.
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html
 */
export function securityConfigurationDocument(settings: SecurityConfigurationSettings): Record<string, unknown> {
  const keyArn = (key?: kms.IKey) => (key ?? settings.defaultKey)?.keyArn;
  const { s3, localDisk, inTransit } = settings;
  return {
    EncryptionConfiguration: {
      EnableInTransitEncryption: inTransit.enabled,
      EnableAtRestEncryption: true,
      InTransitEncryptionConfiguration: inTransit.enabled ? {
        TLSCertificateConfiguration: {
          CertificateProviderType: inTransit.certificateProviderType,
          S3Object: (inTransit.certificates ?? inTransit.provider?.providerJar)?.s3Uri,
          CertificateProviderClass: inTransit.provider?.className,
        },
      } : undefined,
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: {
          EncryptionMode: s3.encryptionMode,
          AwsKmsKey: s3.usesKms ? keyArn(s3.key) : undefined,
          ...customProvider(s3.provider),
          Overrides: settings.s3Overrides.length ? settings.s3Overrides.map((override) => ({
            BucketName: override.bucket.bucketName,
            EncryptionMode: override.encryption.encryptionMode,
            AwsKmsKey: override.encryption.usesKms ? keyArn(override.encryption.key) : undefined,
          })) : undefined,
        },
        LocalDiskEncryptionConfiguration: {
          EncryptionKeyProviderType: localDisk.providerType,
          AwsKmsKey: localDisk.usesKms ? keyArn(localDisk.key) : undefined,
          EnableEbsEncryption: localDisk.usesKms ? localDisk.encryptEbs : undefined,
          ...customProvider(localDisk.provider),
        },
      },
    },
    InstanceMetadataServiceConfiguration: {
      MinimumInstanceMetadataServiceVersion: settings.minimumImdsVersion,
      HttpPutResponseHopLimit: settings.imdsHopLimit,
    },
  };
}

/** The fields that name a custom key provider, in S3 and local disk encryption alike. */
function customProvider(provider?: EmrCustomProviderOptions): Record<string, string> {
  return provider ? { S3Object: provider.providerJar.s3Uri, EncryptionKeyProviderClass: provider.className } : {};
}
