import * as kms from 'aws-cdk-lib/aws-kms';
import { EmrCustomProviderOptions } from './emr-custom-provider';

/**
 * Options of local disk encryption with an AWS KMS key.
 */
export interface EmrLocalDiskKmsOptions {
  /**
   * The key that encrypts the local disks (and the EBS volumes, with `encryptEbs`).
   *
   * @default - the security configuration's key
   */
  readonly key?: kms.IKey;

  /**
   * Whether EMR also encrypts the EBS root device and storage volumes with the key (EMR 5.24.0 and
   * later). The EMR service role must be allowed to use the key: see
   * `EmrSecurityConfiguration.grantServiceRole`.
   *
   * @default true
   */
  readonly encryptEbs?: boolean;
}

/**
 * Options of local disk encryption with a custom key provider.
 */
export interface EmrLocalDiskCustomOptions extends EmrCustomProviderOptions {
  /**
   * Whether EMR also encrypts the EBS volumes. EMR encrypts EBS volumes only with an AWS KMS key, so
   * `true` is refused; use `EmrLocalDiskEncryption.kms()` to encrypt them.
   *
   * @default false
   */
  readonly encryptEbs?: boolean;
}

/**
 * How EMR encrypts the local disks of the cluster nodes (`LocalDiskEncryptionConfiguration`): LUKS
 * on instance store and EBS storage volumes, and optionally EBS encryption of every volume.
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html
 *
 * @example
 * declare const key: kms.IKey;
 *
 * EmrLocalDiskEncryption.kms({ key, encryptEbs: true });
 */
export class EmrLocalDiskEncryption {
  /**
   * Encryption with an AWS KMS key (`AwsKms`).
   */
  public static kms(options: EmrLocalDiskKmsOptions = {}): EmrLocalDiskEncryption {
    return new EmrLocalDiskEncryption('AwsKms', options.encryptEbs ?? true, options.key);
  }

  /**
   * Encryption with keys from your own provider class (`Custom`, option 1). The class must differ
   * from the one of S3 CSE-Custom.
   */
  public static custom(options: EmrLocalDiskCustomOptions): EmrLocalDiskEncryption {
    const provider = { providerJar: options.providerJar, className: options.className };
    return new EmrLocalDiskEncryption('Custom', options.encryptEbs ?? false, undefined, provider);
  }

  /**
   * The `EncryptionKeyProviderType` value: `AwsKms` or `Custom`.
   */
  public readonly providerType: string;

  /**
   * Whether EBS volumes are encrypted too (`EnableEbsEncryption`).
   */
  public readonly encryptEbs: boolean;

  /**
   * The KMS key given to `kms()`.
   *
   * @default - none: `kms()` given no key uses the security configuration's key
   */
  public readonly key?: kms.IKey;

  /**
   * The provider class of `custom()`.
   *
   * @default - none, for `kms()`
   */
  public readonly provider?: EmrCustomProviderOptions;

  private constructor(providerType: string, encryptEbs: boolean, key?: kms.IKey, provider?: EmrCustomProviderOptions) {
    this.providerType = providerType;
    this.encryptEbs = encryptEbs;
    this.key = key;
    this.provider = provider;
  }

  /**
   * Whether the local disks are encrypted with an AWS KMS key.
   */
  public get usesKms(): boolean {
    return this.providerType === 'AwsKms';
  }
}
