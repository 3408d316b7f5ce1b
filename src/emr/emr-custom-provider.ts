import { EmrArtifact } from './emr-artifact';

/**
 * A Java class of yours, in a JAR in Amazon S3, that EMR loads on every node to get encryption keys
 * (an `EncryptionMaterialsProvider`) or TLS certificates (a `TLSArtifactsProvider`). With a custom
 * provider you, not AWS, manage the keys (key-management option 1).
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html
 */
export interface EmrCustomProviderOptions {
  /**
   * The JAR that holds the provider class.
   */
  readonly providerJar: EmrArtifact;

  /**
   * The full name of the provider class in the JAR, such as `com.example.MyKeyProvider`.
   */
  readonly className: string;
}
