import { EmrArtifact } from './emr-artifact';
import { EmrCustomProviderOptions } from './emr-custom-provider';

/**
 * Where the cluster nodes get the TLS certificates that encrypt data in transit
 * (`InTransitEncryptionConfiguration`), or that in-transit encryption is off.
 *
 * There is no default: a certificate source is yours to provide.
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html#emr-encryption-certificates
 *
 * @example
 * declare const artifacts: s3.IBucket;
 *
 * EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(artifacts, 'emr/certs.zip'));
 */
export class EmrInTransitEncryption {
  /**
   * TLS with PEM files in a zip in S3 (`PEM`): `privateKey.pem` and `certificateChain.pem`, and
   * `trustedCertificates.pem` when the chain does not lead to a root CA that Java trusts.
   */
  public static pemCertificates(certificates: EmrArtifact): EmrInTransitEncryption {
    return new EmrInTransitEncryption(true, 'PEM', certificates);
  }

  /**
   * TLS with certificates from your own `TLSArtifactsProvider` class (`Custom`).
   */
  public static customProvider(provider: EmrCustomProviderOptions): EmrInTransitEncryption {
    return new EmrInTransitEncryption(true, 'Custom', undefined, provider);
  }

  /**
   * No in-transit encryption. The security configuration warns (`cdk-kmi:emrInTransitDisabled`).
   */
  public static disabled(): EmrInTransitEncryption {
    return new EmrInTransitEncryption(false);
  }

  /**
   * Whether in-transit encryption is on (`EnableInTransitEncryption`).
   */
  public readonly enabled: boolean;

  /**
   * The `CertificateProviderType` value: `PEM` or `Custom`.
   *
   * @default - none, when in-transit encryption is off
   */
  public readonly certificateProviderType?: string;

  /**
   * The zip of PEM files, for `pemCertificates()`.
   *
   * @default - none, for the other choices
   */
  public readonly certificates?: EmrArtifact;

  /**
   * The provider class, for `customProvider()`.
   *
   * @default - none, for the other choices
   */
  public readonly provider?: EmrCustomProviderOptions;

  private constructor(enabled: boolean, certificateProviderType?: string, certificates?: EmrArtifact, provider?: EmrCustomProviderOptions) {
    this.enabled = enabled;
    this.certificateProviderType = certificateProviderType;
    this.certificates = certificates;
    this.provider = provider;
  }
}
