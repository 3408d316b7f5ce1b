import * as iam from 'aws-cdk-lib/aws-iam';

/** How a writer writes, for the bucket that binds it. Not exported from the package: `BucketWriter` builds it, the bucket binds it. */
export interface WriterSpec {
  /** The writer's name in messages (`CloudTrail`, `VPC Flow Logs`, …). */
  readonly name: string;
  /** The AWS documentation page its request shape comes from. */
  readonly source: string;
  /** The service principal that writes, for service writers. */
  readonly servicePrincipal?: string;
  /** The account that writes, for writers that write as another AWS account (legacy ELB). */
  readonly writerAccount?: string;
  /** The IAM principal that writes, for writers that write as one of your roles. */
  readonly grantee?: iam.IGrantable;
  /** Objects it writes, relative to the bucket (`AWSLogs/111111111111/*`). */
  readonly objectKeys: string;
  /** Actions on objects. */
  readonly objectActions: string[];
  /** Actions on the bucket itself (ACL checks, listing uploads). */
  readonly bucketActions: string[];
  /** Conditions on the object statement beyond the source (such as the canned ACL it sends). */
  readonly objectConditions: Record<string, Record<string, unknown>>;
  /** Conditions that scope every statement to the writer's source (`aws:SourceArn`, `aws:SourceAccount`). */
  readonly sourceConditions: Record<string, Record<string, unknown>>;
  /** KMS actions on the bucket's key, through S3, with the bucket's encryption context. */
  readonly keyActions: string[];
  /**
   * Whether S3 calls KMS on the writer's behalf (`kms:ViaService` applies); false when S3 is the
   * writer and calls KMS as itself.
   */
  readonly viaS3: boolean;
  /** Set when the writer can deliver only to SSE-S3 buckets: why, for the message. */
  readonly sseS3Only?: string;
  /** Key policy statements beyond the S3 path (CloudTrail's own KMS calls). */
  readonly extraKeyStatements?: iam.PolicyStatement[];
  /** Whether the writer sends the encryption headers itself (role writers, configured to). */
  readonly sendsHeaders: boolean;
}

