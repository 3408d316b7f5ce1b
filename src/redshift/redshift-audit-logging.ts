import * as s3 from 'aws-cdk-lib/aws-s3';

/** Where a Redshift cluster writes its audit logs (connection, user and user activity logs). */
export enum RedshiftAuditLogDestination {
  /** An S3 bucket encrypted with SSE-S3. */
  S3 = 'S3',
  /** CloudWatch Logs log groups (`/aws/redshift/cluster/<cluster>/<log type>`), created by Redshift. */
  CLOUDWATCH_LOGS = 'CLOUDWATCH_LOGS',
}

/** Options of audit logging to S3. */
export interface RedshiftS3AuditLoggingOptions {
  /**
   * The bucket the logs go to: in the cluster's Region, encrypted with SSE-S3 (Redshift audit logging
   * to S3 supports only SSE-S3). A bucket of this app gets a bucket policy statement that lets
   * Redshift (`redshift.amazonaws.com`, for clusters of this account) write under the prefix; an
   * imported bucket needs that statement in its own policy.
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html#db-auditing-bucket-permissions
   *
   * @default - a new `EncryptedBucket` with SSE-S3, retained when it leaves the stack
   */
  readonly bucket?: s3.IBucket;

  /**
   * The prefix of the log objects' keys: at most 512 characters, without spaces, quotes, backslashes
   * or control characters.
   *
   * @default - 'redshift/<the cluster construct's address (`node.addr`)>/'
   */
  readonly prefix?: string;
}

/**
 * How a `RedshiftEncryptedCluster` logs audit events: to S3 (the default, and what AWS Control Tower
 * control CT.REDSHIFT.PR.3 asks for) or to CloudWatch Logs.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html
 */
export class RedshiftAuditLogging {
  /** Audit logs to an S3 bucket encrypted with SSE-S3. */
  public static toS3(options: RedshiftS3AuditLoggingOptions = {}): RedshiftAuditLogging {
    return new RedshiftAuditLogging(RedshiftAuditLogDestination.S3, options.bucket, options.prefix);
  }

  /**
   * Audit logs exported to CloudWatch Logs. The cluster then has no S3 audit logging, which AWS
   * Control Tower control CT.REDSHIFT.PR.3 asks for.
   */
  public static toCloudWatchLogs(): RedshiftAuditLogging {
    return new RedshiftAuditLogging(RedshiftAuditLogDestination.CLOUDWATCH_LOGS);
  }

  private constructor(
    /** Where the logs go. */
    public readonly destination: RedshiftAuditLogDestination,
    /** The bucket, for S3; a new one when undefined. */
    public readonly bucket?: s3.IBucket,
    /** The key prefix, for S3. */
    public readonly prefix?: string,
  ) {}
}
