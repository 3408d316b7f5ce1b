import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BucketWriter } from './bucket-writer';
import { uploadRuleStatements } from './upload-rules';
import { WriterBinder } from './writer-binding';
import { acceptFindings } from '../private/accepted-findings';
import { acknowledgeRule } from '../private/acknowledge';
import { BUCKET_POLICY_MAX_BYTES, sizeCheckedPolicy } from '../private/policy-size';

/** Construct id of the access log bucket shared by the EncryptedBuckets of a stack. */
const SHARED_ID = 'KmiAccessLogsBucket';

/**
 * Properties of an `AccessLogsBucket`.
 */
export interface AccessLogsBucketProps {
  /**
   * What happens to the bucket when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Lifecycle rules for the log objects (for example, expire them after your retention period).
   *
   * @default - logs are kept
   */
  readonly lifecycleRules?: s3.LifecycleRule[];

  /**
   * Empty the bucket when it is deleted (a custom resource, as `s3.Bucket` does it). Requires
   * `removalPolicy: RemovalPolicy.DESTROY`.
   *
   * @default false
   */
  readonly autoDeleteObjects?: boolean;

  /**
   * AWS services that write into this SSE-S3 bucket beside S3 server access logs, such as
   * `BucketWriter.albAccessLogs()` or `BucketWriter.redshiftAuditLogs()`. More can be added with
   * `addWriter`.
   *
   * @default - none beyond the server access logs of the buckets that log here
   */
  readonly writers?: BucketWriter[];
}

/**
 * An S3 bucket that receives S3 server access logs.
 *
 * S3 log delivery writes only to buckets encrypted with SSE-S3, so this bucket uses SSE-S3 (AWS
 * managed method and KMI, option 3) with the default upload rule: requests that state another
 * algorithm, or use SSE-C, are denied; log delivery, which states none, is allowed. Log delivery is
 * authorized by a bucket policy (`logging.s3.amazonaws.com`, restricted to the source buckets and the
 * account), not by ACLs. TLS 1.2 or later is required, versioning is on, public access is blocked,
 * ACLs are disabled and the bucket is retained by default.
 *
 * Every `EncryptedBucket` without `serverAccessLogsBucket` logs to the one `AccessLogsBucket` of its
 * stack, which `AccessLogsBucket.of()` creates on first use.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
export class AccessLogsBucket extends s3.Bucket {
  /**
   * The access log bucket shared by the constructs of the stack that contains `scope`, created on
   * first use (construct id `KmiAccessLogsBucket` at the stack's root).
   */
  public static of(scope: Construct): AccessLogsBucket {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SHARED_ID);
    if (existing instanceof AccessLogsBucket) {
      return existing;
    }
    return new AccessLogsBucket(stack, SHARED_ID);
  }

  private readonly sourceArns: string[] = [];
  private readonly writerBinder: WriterBinder;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps = {}) {
    super(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: props.lifecycleRules,
      autoDeleteObjects: props.autoDeleteObjects,
    });

    for (const statement of uploadRuleStatements(this, { algorithm: 'AES256', requireHeader: false, denySseC: true }).statements) {
      this.addToResourcePolicy(statement);
    }
    this.writerBinder = new WriterBinder({ bucket: this, algorithm: 'AES256', awsManagedKey: false });
    for (const writer of props.writers ?? []) {
      this.addWriter(writer);
    }
    (this.policy!.node.defaultChild as s3.CfnBucketPolicy).policyDocument = sizeCheckedPolicy(this, 'bucket policy', BUCKET_POLICY_MAX_BYTES, this.policy!.document);

    acknowledgeRule(this, 'S3BucketReplicationEnabled',
      'Replication needs a destination bucket in another Region, which a log bucket cannot create.');
    acceptFindings(this, 'access-logs-no-self-logging', 'access-logs-sse-s3');
  }

  /**
   * Lets an AWS service write into this bucket (see `BucketWriter`); this bucket is SSE-S3, so the
   * writers that need SSE-S3 (ALB access logs, Redshift audit logs) fit here.
   */
  public addWriter(writer: BucketWriter): void {
    this.writerBinder.bind(writer);
  }

  /**
   * Allows S3 server access log delivery from `source` into this bucket.
   *
   * All sources share one policy statement, so the policy grows by one ARN per source bucket.
   */
  public allowLogDeliveryFrom(source: s3.IBucket): void {
    if (this.sourceArns.length === 0) {
      this.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowServerAccessLogDelivery',
        effect: iam.Effect.ALLOW,
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.arnForObjects('*')],
        conditions: {
          ArnLike: { 'aws:SourceArn': Lazy.list({ produce: () => this.sourceArns }) },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }));
    }
    this.sourceArns.push(source.bucketArn);
  }
}
