import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Request header (and condition key) that states the server-side encryption algorithm. */
export const SSE_HEADER = 's3:x-amz-server-side-encryption';
/** Request header (and condition key) that names the KMS key for SSE-KMS and DSSE-KMS. */
export const SSE_KMS_KEY_HEADER = 's3:x-amz-server-side-encryption-aws-kms-key-id';
/** Request header (and condition key) present on SSE-C requests. */
export const SSE_C_HEADER = 's3:x-amz-server-side-encryption-customer-algorithm';

/**
 * What the upload rules of a bucket require of an `s3:PutObject` request (which also covers
 * CopyObject and multipart uploads).
 */
export interface UploadRules {
  /** The algorithm the bucket encrypts with: `AES256`, `aws:kms` or `aws:kms:dsse`. */
  readonly algorithm: string;
  /**
   * Whether a request must state the algorithm (strict), or may state none and rely on the bucket's
   * default encryption (lenient). Either way, a request that states another algorithm is denied.
   */
  readonly requireHeader: boolean;
  /** The bucket's customer managed key: a request naming another KMS key is denied. */
  readonly key?: kms.IKey;
  /**
   * The bucket encrypts with the AWS managed key `aws/s3`: a request naming any KMS key is denied,
   * since a named key would replace the bucket's.
   */
  readonly awsManagedKey?: boolean;
  /** Deny SSE-C (customer-provided key) uploads. */
  readonly denySseC: boolean;
}

/**
 * The Deny statements that enforce a bucket's upload rules.
 *
 * `StringNotEquals` is true when the key is absent, so the lenient and key rules pair it with
 * `Null: false` in the same statement: they deny only when the header is present and wrong.
 */
export function uploadRuleStatements(bucket: s3.IBucket, rules: UploadRules): iam.PolicyStatement[] {
  const deny = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('*')],
      conditions,
    });

  const statements = [
    rules.requireHeader
      ? deny('DenyUploadsNotStatingBucketEncryption', {
        StringNotEquals: { [SSE_HEADER]: rules.algorithm },
      })
      : deny('DenyUploadsStatingOtherEncryption', {
        Null: { [SSE_HEADER]: 'false' },
        StringNotEquals: { [SSE_HEADER]: rules.algorithm },
      }),
  ];
  if (rules.key) {
    statements.push(deny('DenyUploadsNamingOtherKmsKey', {
      Null: { [SSE_KMS_KEY_HEADER]: 'false' },
      StringNotEquals: { [SSE_KMS_KEY_HEADER]: [rules.key.keyArn, rules.key.keyId] },
    }));
  } else if (rules.awsManagedKey) {
    statements.push(deny('DenyUploadsNamingOtherKmsKey', { Null: { [SSE_KMS_KEY_HEADER]: 'false' } }));
  }
  if (rules.denySseC) {
    statements.push(deny('DenySseCUploads', { Null: { [SSE_C_HEADER]: 'false' } }));
  }
  return statements;
}
