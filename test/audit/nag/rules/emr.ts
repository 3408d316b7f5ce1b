import { Stack } from 'aws-cdk-lib';
import * as emr from 'aws-cdk-lib/aws-emr';
import { EmrArtifact } from '../../../../src/emr/emr-artifact';
import { EmrInTransitEncryption } from '../../../../src/emr/emr-in-transit-encryption';
import { EmrSecurityConfiguration, EmrSecurityConfigurationProps } from '../../../../src/emr/emr-security-configuration';
import { newStack } from '../../../util/app';

/** TLS with PEM certificates from S3. */
export const PEM = EmrInTransitEncryption.pemCertificates(EmrArtifact.fromS3Uri('s3://kmi-artifacts/emr/certs.zip'));

/** An EmrSecurityConfiguration in a new stack, with PEM certificates unless told otherwise. */
export function securityConfiguration(props: Partial<EmrSecurityConfigurationProps> = {}): EmrSecurityConfiguration {
  return new EmrSecurityConfiguration(newStack(), 'Config', { inTransitEncryption: PEM, ...props });
}

/** An `EncryptionConfiguration` with at-rest and in-transit encryption on or off, plus the given settings. */
export function encryption(atRest: unknown, inTransit: unknown, settings: Record<string, unknown> = {}): Record<string, unknown> {
  return { EnableAtRestEncryption: atRest, EnableInTransitEncryption: inTransit, ...settings };
}

/** A plain L1 security configuration with the given EncryptionConfiguration. */
export function plainConfiguration(encryptionConfiguration: Record<string, unknown>, stack: Stack = newStack()): emr.CfnSecurityConfiguration {
  return new emr.CfnSecurityConfiguration(stack, 'Config', { securityConfiguration: { EncryptionConfiguration: encryptionConfiguration } });
}

/** At-rest encryption of S3 objects only (SSE-S3), no local disk encryption. */
export const S3_ONLY = { S3EncryptionConfiguration: { EncryptionMode: 'SSE-S3' } };
/** Local disk encryption with a KMS key. */
export const LOCAL_DISK = {
  LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555' },
};
/** TLS with PEM certificates. */
export const TLS = { TLSCertificateConfiguration: { CertificateProviderType: 'PEM', S3Object: 's3://kmi-artifacts/emr/certs.zip' } };
