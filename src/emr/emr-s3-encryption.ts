import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EmrCustomProviderOptions } from './emr-custom-provider';

/**
 * How EMRFS encrypts the objects a cluster writes to Amazon S3 (`S3EncryptionConfiguration`).
 *
 * A KMS mode given no key uses the key the `EmrSecurityConfiguration` creates.
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html
 *
 * @example
 * declare const key: kms.IKey;
 *
 * EmrS3Encryption.sseKms(key);
 */
export class EmrS3Encryption {
  /**
   * Server-side encryption with keys that Amazon S3 manages (`SSE-S3`, option 3 with AWS managed keys).
   */
  public static sseS3(): EmrS3Encryption {
    return new EmrS3Encryption('SSE-S3');
  }

  /**
   * Server-side encryption with an AWS KMS key (`SSE-KMS`): S3 encrypts and decrypts.
   *
   * @param key the key; the security configuration's own key when omitted
   */
  public static sseKms(key?: kms.IKey): EmrS3Encryption {
    return new EmrS3Encryption('SSE-KMS', key);
  }

  /**
   * Client-side encryption with an AWS KMS key (`CSE-KMS`): EMRFS encrypts before upload, so S3
   * stores only ciphertext.
   *
   * @param key the key; the security configuration's own key when omitted
   */
  public static cseKms(key?: kms.IKey): EmrS3Encryption {
    return new EmrS3Encryption('CSE-KMS', key);
  }

  /**
   * Client-side encryption with keys from your own provider class (`CSE-Custom`, option 1).
   */
  public static cseCustom(provider: EmrCustomProviderOptions): EmrS3Encryption {
    return new EmrS3Encryption('CSE-Custom', undefined, provider);
  }

  /**
   * The `EncryptionMode` value: `SSE-S3`, `SSE-KMS`, `CSE-KMS` or `CSE-Custom`.
   */
  public readonly encryptionMode: string;

  /**
   * The KMS key given to a KMS mode.
   *
   * @default - none: SSE-S3 and CSE-Custom use no KMS key; a KMS mode given no key uses the security configuration's key
   */
  public readonly key?: kms.IKey;

  /**
   * The provider class of CSE-Custom.
   *
   * @default - none, for the other modes
   */
  public readonly provider?: EmrCustomProviderOptions;

  private constructor(encryptionMode: string, key?: kms.IKey, provider?: EmrCustomProviderOptions) {
    this.encryptionMode = encryptionMode;
    this.key = key;
    this.provider = provider;
  }

  /**
   * Whether the mode encrypts with an AWS KMS key (SSE-KMS or CSE-KMS).
   */
  public get usesKms(): boolean {
    return this.encryptionMode === 'SSE-KMS' || this.encryptionMode === 'CSE-KMS';
  }
}

/**
 * An S3 encryption mode for one bucket, other than the security configuration's (`Overrides`).
 */
export interface EmrS3EncryptionOverride {
  /**
   * The bucket.
   */
  readonly bucket: s3.IBucket;

  /**
   * How EMRFS encrypts the objects it writes to the bucket: SSE-S3, SSE-KMS or CSE-KMS.
   */
  readonly encryption: EmrS3Encryption;
}
