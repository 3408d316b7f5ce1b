import { Aws, Fn, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * A file in Amazon S3 that EMR downloads to every cluster node: a zip of PEM certificates, or the JAR
 * of a custom key or certificate provider.
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html
 *
 * @example
 * declare const artifacts: s3.IBucket;
 *
 * const certificates = EmrArtifact.fromBucket(artifacts, 'emr/certs.zip');
 * const providerJar = EmrArtifact.fromS3Uri('s3://my-artifacts/emr/key-provider.jar');
 */
export class EmrArtifact {
  /**
   * An object in a bucket of the app, or imported into it. Reading it also needs `kms:Decrypt` on the
   * bucket's key when the bucket has one; `grantRead` grants both.
   *
   * @param bucket the bucket that holds the object
   * @param objectKey the object's key in the bucket
   */
  public static fromBucket(bucket: s3.IBucket, objectKey: string): EmrArtifact {
    return new EmrArtifact(bucket.s3UrlForObject(objectKey), bucket, objectKey);
  }

  /**
   * An object named by its S3 URI, `s3://<bucket>/<key>`; a security configuration refuses any other
   * form. `grantRead` grants `s3:GetObject` only: if the bucket encrypts with a customer managed key,
   * grant `kms:Decrypt` on it as well.
   *
   * @param s3Uri the object's URI, such as `s3://my-artifacts/emr/certs.zip`
   */
  public static fromS3Uri(s3Uri: string): EmrArtifact {
    return new EmrArtifact(s3Uri);
  }

  /**
   * The object's location as the security configuration names it (`S3Object`), `s3://<bucket>/<key>`.
   */
  public readonly s3Uri: string;

  private constructor(s3Uri: string, private readonly bucket?: s3.IBucket, private readonly objectKey?: string) {
    this.s3Uri = s3Uri;
  }

  /**
   * Lets a principal download the object: `s3:GetObject` on it, and `kms:Decrypt` on the key of a
   * bucket given with `fromBucket`.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (this.bucket && this.objectKey !== undefined) {
      const grant = iam.Grant.addToPrincipalOrResource({
        grantee,
        actions: ['s3:GetObject'],
        resourceArns: [this.bucket.arnForObjects(this.objectKey)],
        resource: this.bucket,
      });
      return this.bucket.encryptionKey ? grant.combine(this.bucket.encryptionKey.grantDecrypt(grantee)) : grant;
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [`arn:${Aws.PARTITION}:s3:::${bucketAndKey(this.s3Uri)}`],
    });
  }
}

/** `<bucket>/<key>` from `s3://<bucket>/<key>`, also when the URI is only known at deployment. */
function bucketAndKey(s3Uri: string): string {
  return Token.isUnresolved(s3Uri) ? Fn.select(1, Fn.split('s3://', s3Uri)) : s3Uri.slice('s3://'.length);
}
