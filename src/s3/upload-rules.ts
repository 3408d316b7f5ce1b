import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Request header (and condition key) that states the server-side encryption algorithm. */
export const SSE_HEADER = 's3:x-amz-server-side-encryption';
/** Request header (and condition key) that names the KMS key for SSE-KMS and DSSE-KMS. */
export const SSE_KMS_KEY_HEADER = 's3:x-amz-server-side-encryption-aws-kms-key-id';
/** Request header (and condition key) present on SSE-C requests. */
export const SSE_C_HEADER = 's3:x-amz-server-side-encryption-customer-algorithm';
/** The algorithms that encrypt under a KMS key. */
export const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

/**
 * What the upload rules of a bucket require of an `s3:PutObject` request (the action of PutObject,
 * CopyObject into the bucket and CreateMultipartUpload).
 */
export interface UploadRules {
  /** The algorithm the bucket encrypts with: `AES256`, `aws:kms` or `aws:kms:dsse`. */
  readonly algorithm: string;
  /**
   * Whether a request must state the algorithm (header-enforcing), or may state none and rely on the
   * bucket's default encryption. Either way, a request that states another algorithm is denied.
   */
  readonly requireHeader: boolean;
  /**
   * The bucket's customer managed key: a request naming another KMS key is denied, and so is a
   * request that states a KMS algorithm without naming a key (S3 would use `aws/s3`).
   */
  readonly key?: kms.IKey;
  /**
   * The bucket encrypts with the AWS managed key `aws/s3`: a request naming any KMS key is denied,
   * since a named key would replace the bucket's.
   */
  readonly awsManagedKey?: boolean;
  /** Deny SSE-C (customer-provided key) uploads. */
  readonly denySseC: boolean;
}

/** The upload rule statements of a bucket, with the one that writers may be exempted from. */
export interface UploadRuleStatements {
  /** Every Deny statement, in policy order. */
  readonly statements: iam.PolicyStatement[];
  /**
   * The header-enforcing Deny (requests that do not state the bucket's algorithm), when
   * `requireHeader` is set: declared AWS service writers that send no header are exempted from it
   * (the other-algorithm Deny, which every bucket has, still binds them).
   */
  readonly requireHeaderStatement?: iam.PolicyStatement;
}

/**
 * The actions that store an object, with the encryption headers as condition keys: `s3:PutObject`
 * (PutObject, CopyObject into the bucket, CreateMultipartUpload) and `s3:ReplicateObject` (replicas
 * written by S3 replication), per the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */
const STORE_ACTIONS = ['s3:PutObject', 's3:ReplicateObject'];

/** A Deny of `actions` on every object of `bucket` to every principal, under `conditions`. */
export function denyUploads(bucket: s3.IBucket, sid: string, conditions: Record<string, Record<string, unknown>>,
  actions: string[] = STORE_ACTIONS): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions,
    resources: [bucket.arnForObjects('*')],
    conditions,
  });
}

/**
 * The Deny statements that enforce a bucket's upload rules.
 *
 * `StringNotEquals` is true when the key is absent, so the rules that apply only to a request that
 * sends a header pair it with `Null: false` in the same statement.
 *
 * Key integrity: S3 encrypts a request that states `aws:kms` or `aws:kms:dsse` without
 * `x-amz-server-side-encryption-aws-kms-key-id` under the AWS managed key `aws/s3`, not under the
 * bucket's default key (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, header
 * x-amz-server-side-encryption-aws-kms-key-id). On a bucket with a customer managed key such a
 * request is denied in every mode.
 */
export function uploadRuleStatements(bucket: s3.IBucket, rules: UploadRules): UploadRuleStatements {
  const statements: iam.PolicyStatement[] = [];
  let requireHeaderStatement: iam.PolicyStatement | undefined;
  if (rules.requireHeader) {
    // Uploads only: replicas of objects stored before default encryption may carry no header.
    requireHeaderStatement = denyUploads(bucket, 'DenyUploadsNotStatingBucketEncryption', {
      StringNotEquals: { [SSE_HEADER]: rules.algorithm },
    }, ['s3:PutObject']);
    statements.push(requireHeaderStatement);
  }
  statements.push(denyUploads(bucket, 'DenyUploadsStatingOtherEncryption', {
    Null: { [SSE_HEADER]: 'false' },
    StringNotEquals: { [SSE_HEADER]: rules.algorithm },
  }));
  if (rules.key) {
    statements.push(denyUploads(bucket, 'DenyUploadsNamingOtherKmsKey', {
      Null: { [SSE_KMS_KEY_HEADER]: 'false' },
      StringNotEquals: { [SSE_KMS_KEY_HEADER]: [rules.key.keyArn, rules.key.keyId] },
    }));
    statements.push(denyUploads(bucket, 'DenyKmsUploadsNamingNoKey', {
      StringEquals: { [SSE_HEADER]: KMS_ALGORITHMS },
      Null: { [SSE_KMS_KEY_HEADER]: 'true' },
    }));
  } else if (rules.awsManagedKey) {
    statements.push(denyUploads(bucket, 'DenyUploadsNamingOtherKmsKey', { Null: { [SSE_KMS_KEY_HEADER]: 'false' } }));
  }
  if (rules.denySseC) {
    statements.push(denyUploads(bucket, 'DenySseCUploads', { Null: { [SSE_C_HEADER]: 'false' } }));
  }
  return { statements, requireHeaderStatement };
}
