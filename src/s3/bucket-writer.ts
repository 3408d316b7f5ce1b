import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { WriterSpec } from './writer-spec';

/** Common options of the writers that deliver under a key prefix. */
export interface BucketWriterOptions {
  /**
   * The key prefix the writer delivers under, as configured on the writer (without a trailing `/`).
   *
   * @default - no prefix
   */
  readonly prefix?: string;
}

/** Options of `BucketWriter.cloudTrail`. */
export interface CloudTrailWriterOptions extends BucketWriterOptions {
  /**
   * The name of the trail that delivers here (its `trailName`), for the `aws:SourceArn` condition.
   * A literal name, not a reference to the trail: the trail depends on this bucket's policy.
   *
   * @default - any trail of this account and Region (`trail/*`)
   */
  readonly trailName?: string;

  /**
   * Whether the trail encrypts its log files with this bucket's key (the trail's `encryptionKey`
   * is the bucket's `encryptionKey`). CloudTrail then calls KMS itself, with the encryption context
   * `aws:cloudtrail:arn`, and sends the key in its uploads; the key policy lets it.
   *
   * A trail encrypting with another key is denied by the bucket's key rule; leave the trail's
   * `encryptionKey` unset (the bucket's default encryption applies) or give it the bucket's key.
   *
   * @default false
   */
  readonly trailUsesBucketKey?: boolean;
}

/** Options of `BucketWriter.cloudFrontLogs`. */
export interface CloudFrontLogsWriterOptions extends BucketWriterOptions {
  /**
   * The Region of the CloudWatch Logs delivery sources (CloudFront's are in `us-east-1`).
   *
   * @default 'us-east-1'
   */
  readonly deliverySourceRegion?: string;
}

/** Where an AWS service's request shape and permissions are documented. */
const DOCS = {
  cloudTrail: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  vendedLogs: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html',
  flowLogs: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html',
  nlb: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html',
  alb: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
  cloudFront: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html',
  redshift: 'https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html',
  serverAccessLogs: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
  inventory: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html',
  analytics: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/analytics-storage-class.html',
  config: 'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html',
  firehose: 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html',
  athena: 'https://docs.aws.amazon.com/athena/latest/ug/encryption.html',
  replication: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html',
  assets: 'https://github.com/aws/aws-cdk-cli/blob/main/packages/@aws-cdk/cdk-assets-lib/lib/private/handlers/files.ts',
};

const BUCKET_OWNER_FULL_CONTROL = { 's3:x-amz-acl': 'bucket-owner-full-control' };

/**
 * An AWS service, or a role acting for one, that writes objects into an `EncryptedBucket` or an
 * `AccessLogsBucket`: pass it in the bucket's `writers`, or to `addWriter`.
 *
 * Declaring a writer gives it exactly what its documented request needs and no more: write
 * (`s3:PutObject`, and the bucket-level ACL check some services make first), scoped to its source
 * with `aws:SourceArn` / `aws:SourceAccount`; and, on a bucket with a customer managed key, use of
 * that key only through S3 (`kms:ViaService`) with this bucket's encryption context
 * (`kms:EncryptionContext:aws:s3:arn`). No writer can read objects. Service writers that send no
 * encryption header are exempted from the header rule of a header-enforcing bucket (their uploads
 * get the bucket's default encryption, under its key); every writer stays bound by the key rules.
 *
 * Writers that AWS can serve only with SSE-S3 (ALB access logs, Redshift audit logs, S3 server access
 * logs) are refused at synth on a KMS bucket, with the fix.
 *
 * @example
 * declare const firehoseRole: iam.IRole;
 *
 * new EncryptedBucket(this, 'Logs', {
 *   writers: [
 *     BucketWriter.cloudTrail({ trailName: 'org-trail' }),
 *     BucketWriter.vpcFlowLogs(),
 *     BucketWriter.firehose(firehoseRole, { prefix: 'events' }),
 *   ],
 * });
 */
export class BucketWriter {
  /**
   * AWS CloudTrail trail delivery (`cloudtrail.amazonaws.com`): `s3:GetBucketAcl`, then
   * `s3:PutObject` under `[prefix/]AWSLogs/<account>/` with the `bucket-owner-full-control` ACL,
   * for the trail (`aws:SourceArn`). Without a trail key CloudTrail is documented to store log files
   * with the bucket's default encryption (SSE-S3 on a bucket without one), so its uploads are taken to
   * state no encryption header; with `trailUsesBucketKey` (the trail's `encryptionKey` is this bucket's
   * key) it states `aws:kms` and the key, which every rule of the bucket accepts.
   *
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
   */
  public static cloudTrail(options: CloudTrailWriterOptions = {}): BucketWriter {
    return new BucketWriter('CloudTrail', (bucket) => {
      const { account, region, partition } = Stack.of(bucket);
      const trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${options.trailName ?? '*'}`;
      const principal = 'cloudtrail.amazonaws.com';
      const source = { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': trailArn } };
      return {
        name: 'CloudTrail',
        source: DOCS.cloudTrail,
        servicePrincipal: principal,
        objectKeys: `${prefixed(options.prefix)}AWSLogs/${account}/*`,
        objectActions: ['s3:PutObject'],
        bucketActions: ['s3:GetBucketAcl'],
        objectConditions: { StringEquals: BUCKET_OWNER_FULL_CONTROL },
        sourceConditions: source,
        keyActions: ['kms:GenerateDataKey*'],
        viaS3: true,
        sendsHeaders: false,
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
        extraKeyStatements: options.trailUsesBucketKey ? [
          new iam.PolicyStatement({
            sid: 'AllowCloudTrailToEncryptLogFiles',
            principals: [new iam.ServicePrincipal(principal)],
            actions: ['kms:GenerateDataKey*'],
            resources: ['*'],
            conditions: {
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${account}:trail/*` },
              ...source,
            },
          }),
          new iam.PolicyStatement({
            sid: 'AllowCloudTrailToDescribeKey',
            principals: [new iam.ServicePrincipal(principal)],
            actions: ['kms:DescribeKey'],
            resources: ['*'],
            conditions: source,
          }),
        ] : undefined,
      };
    });
  }

  /**
   * VPC Flow Logs published to S3, as CloudWatch Logs vended-log delivery
   * (`delivery.logs.amazonaws.com`): `s3:GetBucketAcl` and `s3:ListBucket`, then `s3:PutObject`
   * under `[prefix/]AWSLogs/<account>/` with the `bucket-owner-full-control` ACL, for log sources of
   * this account and Region.
   *
   * @see https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
   */
  public static vpcFlowLogs(options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.vendedLogs('VPC Flow Logs', DOCS.flowLogs, options, `${prefixed(options.prefix)}AWSLogs/{account}/*`);
  }

  /**
   * Network Load Balancer access logs (`delivery.logs.amazonaws.com`, as VPC Flow Logs). NLB access
   * logs support SSE-KMS with a customer managed key.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html
   */
  public static nlbAccessLogs(options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.vendedLogs('NLB access logs', DOCS.nlb, options, `${prefixed(options.prefix)}AWSLogs/{account}/*`);
  }

  /**
   * Amazon CloudFront standard logging (v2): CloudWatch Logs vended-log delivery
   * (`delivery.logs.amazonaws.com`) from delivery sources in `us-east-1`.
   *
   * Standard logging (legacy), a distribution's `logBucket`, writes with ACLs that this bucket
   * disables: it is refused at synth, in favour of this writer.
   *
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
   */
  public static cloudFrontLogs(options: CloudFrontLogsWriterOptions = {}): BucketWriter {
    return BucketWriter.vendedLogs('CloudFront standard logs (v2)', DOCS.cloudFront, options, `${prefixed(options.prefix)}*`,
      options.deliverySourceRegion ?? 'us-east-1');
  }

  /**
   * Application Load Balancer access logs. ALB access logs support only SSE-S3: this writer is
   * refused on a KMS bucket (use an SSE-S3 `EncryptedBucket` or an `AccessLogsBucket`). ALB writes
   * as the Elastic Load Balancing account of the Region, or as
   * `logdelivery.elasticloadbalancing.amazonaws.com` in Regions opened since August 2022, under
   * `[prefix/]AWSLogs/<account>/`.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
   */
  public static albAccessLogs(options: BucketWriterOptions = {}): BucketWriter {
    return new BucketWriter('ALB access logs', (bucket) => {
      const { account, region } = Stack.of(bucket);
      const elbAccount = Stack.of(bucket).resolve(region) === region ? RegionInfo.get(region).elbv2Account : undefined;
      return {
        name: 'ALB access logs',
        source: DOCS.alb,
        servicePrincipal: elbAccount ? undefined : 'logdelivery.elasticloadbalancing.amazonaws.com',
        writerAccount: elbAccount,
        objectKeys: `${prefixed(options.prefix)}AWSLogs/${account}/*`,
        objectActions: ['s3:PutObject'],
        bucketActions: [],
        objectConditions: {},
        sourceConditions: {},
        keyActions: [],
        viaS3: true,
        sendsHeaders: false,
        sseS3Only: 'Application Load Balancer access logs support only SSE-S3 (Amazon S3 managed keys)',
      };
    });
  }

  /**
   * Amazon Redshift audit logging to S3 (`redshift.amazonaws.com`): `s3:GetBucketAcl`, then
   * `s3:PutObject`. Redshift audit logs support only SSE-S3: this writer is refused on a KMS bucket.
   *
   * @see https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html
   */
  public static redshiftAuditLogs(options: BucketWriterOptions = {}): BucketWriter {
    return new BucketWriter('Redshift audit logs', (bucket) => {
      const { account, region, partition } = Stack.of(bucket);
      return {
        name: 'Redshift audit logs',
        source: DOCS.redshift,
        servicePrincipal: 'redshift.amazonaws.com',
        objectKeys: `${prefixed(options.prefix)}*`,
        objectActions: ['s3:PutObject'],
        bucketActions: ['s3:GetBucketAcl'],
        objectConditions: {},
        sourceConditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:redshift:${region}:${account}:cluster:*` },
        },
        keyActions: [],
        viaS3: true,
        sendsHeaders: false,
        sseS3Only: 'Amazon Redshift audit logging supports only SSE-S3 (AES-256) buckets',
      };
    });
  }

  /**
   * S3 server access logs of `sourceBucket` (`logging.s3.amazonaws.com`). S3 log delivery supports
   * only SSE-S3 destinations: refused on a KMS bucket. An `EncryptedBucket` declares this itself for
   * its `serverAccessLogsBucket`; use it for buckets configured elsewhere.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
   */
  public static serverAccessLogs(sourceBucket: s3.IBucket, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.fromS3('S3 server access logs', 'logging.s3.amazonaws.com', DOCS.serverAccessLogs, sourceBucket, options, {
      acl: false,
      sseS3Only: 'S3 server access log delivery supports only SSE-S3 destination buckets',
    });
  }

  /**
   * S3 Inventory reports of `sourceBucket` (`s3.amazonaws.com`): `s3:PutObject` with the
   * `bucket-owner-full-control` ACL, for the source bucket. On SSE-KMS, S3 calls KMS as itself.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
   */
  public static inventory(sourceBucket: s3.IBucket, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.fromS3('S3 Inventory', 's3.amazonaws.com', DOCS.inventory, sourceBucket, options, { acl: true });
  }

  /**
   * S3 Storage Class Analysis exports of `sourceBucket` (`s3.amazonaws.com`, as inventory).
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/analytics-storage-class.html
   */
  public static analyticsExport(sourceBucket: s3.IBucket, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.fromS3('S3 analytics export', 's3.amazonaws.com', DOCS.analytics, sourceBucket, options, { acl: true });
  }

  /**
   * AWS Config delivery channel (`config.amazonaws.com`, which Config uses when it runs with its
   * service-linked role): `s3:GetBucketAcl` and `s3:ListBucket`, then `s3:PutObject` under
   * `[prefix/]AWSLogs/<account>/Config/` with the `bucket-owner-full-control` ACL, for this account.
   *
   * @see https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
   */
  public static config(options: BucketWriterOptions = {}): BucketWriter {
    return new BucketWriter('AWS Config', (bucket) => {
      const { account } = Stack.of(bucket);
      return {
        name: 'AWS Config',
        source: DOCS.config,
        servicePrincipal: 'config.amazonaws.com',
        objectKeys: `${prefixed(options.prefix)}AWSLogs/${account}/Config/*`,
        objectActions: ['s3:PutObject'],
        bucketActions: ['s3:GetBucketAcl', 's3:ListBucket'],
        objectConditions: { StringEquals: BUCKET_OWNER_FULL_CONTROL },
        sourceConditions: { StringEquals: { 'aws:SourceAccount': account } },
        // https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
        keyActions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        viaS3: true,
        sendsHeaders: false,
      };
    });
  }

  /**
   * An Amazon Data Firehose delivery stream's S3 destination, written as the stream's IAM `role`:
   * `s3:PutObject`, `s3:AbortMultipartUpload`, `s3:GetBucketLocation` and
   * `s3:ListBucketMultipartUploads` (not the `s3:GetObject` and `s3:ListBucket` of the documented
   * example), and `kms:GenerateDataKey` and `kms:Decrypt` through S3 with this bucket's encryption
   * context. On a header-enforcing bucket, set the destination's encryption to the bucket's key.
   *
   * @see https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html
   */
  public static firehose(role: iam.IGrantable, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.asRole('Firehose', DOCS.firehose, role, options,
      ['s3:PutObject', 's3:AbortMultipartUpload'], ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  /**
   * Amazon Athena query results, written with the credentials of the `principal` that runs the
   * queries: `s3:PutObject`, `s3:AbortMultipartUpload`, `s3:GetBucketLocation`,
   * `s3:ListBucketMultipartUploads` and `s3:ListMultipartUploadParts`, and key use through S3. Reading
   * the results back (GetQueryResults) needs read: `bucket.grantRead(principal, 'prefix/*')`. On a
   * header-enforcing bucket, set the workgroup's result encryption to `SSE_KMS` with the bucket's key.
   *
   * @see https://docs.aws.amazon.com/athena/latest/ug/encryption.html
   */
  public static athena(principal: iam.IGrantable, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.asRole('Athena query results', DOCS.athena, principal, options,
      ['s3:PutObject', 's3:AbortMultipartUpload'],
      ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads', 's3:ListMultipartUploadParts'], ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  /**
   * CDK file asset publishing into this bucket (a custom synthesizer whose file assets bucket is this
   * bucket), as the publishing `role`: `s3:PutObject`, `s3:AbortMultipartUpload`, and the
   * `s3:GetBucketLocation`, `s3:GetEncryptionConfiguration` and `s3:ListBucket` calls cdk-assets makes
   * first, and key use through S3. cdk-assets reads the bucket's default encryption and sends it:
   * `aws:kms` with the bucket's `KMSMasterKeyID` (the key ARN), or `AES256`; for DSSE-KMS it sends
   * none, which a header-enforcing bucket denies.
   *
   * @see https://github.com/aws/aws-cdk-cli/blob/main/packages/@aws-cdk/cdk-assets-lib/lib/private/handlers/files.ts
   */
  public static assetPublishing(role: iam.IGrantable, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.asRole('CDK asset publishing', DOCS.assets, role, options,
      ['s3:PutObject', 's3:AbortMultipartUpload'], ['s3:GetBucketLocation', 's3:GetEncryptionConfiguration', 's3:ListBucket'],
      ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  /**
   * S3 replication into this bucket, as the replication `role` of the source bucket:
   * `s3:ReplicateObject`, `s3:ReplicateDelete`, `s3:ReplicateTags` and
   * `s3:ObjectOwnerOverrideToBucketOwner`, and `kms:Encrypt` and `kms:GenerateDataKey` through S3 with
   * this bucket's encryption context. Replicate SSE-KMS objects with this bucket's key as the replica
   * key (`kmsKey` of the source's replication rule).
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
   */
  public static replication(role: iam.IGrantable, options: BucketWriterOptions = {}): BucketWriter {
    return BucketWriter.asRole('S3 replication', DOCS.replication, role, options,
      ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'], [], ['kms:Encrypt', 'kms:GenerateDataKey']);
  }

  private static vendedLogs(name: string, source: string, _options: BucketWriterOptions, keys: string, sourceRegion?: string): BucketWriter {
    return new BucketWriter(name, (bucket) => {
      const { account, region, partition } = Stack.of(bucket);
      return {
        name,
        source,
        servicePrincipal: 'delivery.logs.amazonaws.com',
        objectKeys: keys.replace('{account}', account),
        objectActions: ['s3:PutObject'],
        bucketActions: ['s3:GetBucketAcl', 's3:ListBucket'],
        objectConditions: { StringEquals: BUCKET_OWNER_FULL_CONTROL },
        sourceConditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${sourceRegion ?? region}:${account}:*` },
        },
        // The vended-logs page lists kms:GenerateDataKey* (DOCS.vendedLogs).
        keyActions: ['kms:GenerateDataKey*'],
        viaS3: true,
        sendsHeaders: false,
      };
    });
  }

  private static fromS3(name: string, principal: string, source: string, sourceBucket: s3.IBucket, options: BucketWriterOptions,
    shape: { acl: boolean; sseS3Only?: string }): BucketWriter {
    return new BucketWriter(name, (bucket) => ({
      name,
      source,
      servicePrincipal: principal,
      objectKeys: `${prefixed(options.prefix)}*`,
      objectActions: ['s3:PutObject'],
      bucketActions: [],
      objectConditions: shape.acl ? { StringEquals: BUCKET_OWNER_FULL_CONTROL } as Record<string, Record<string, unknown>> : {},
      sourceConditions: {
        StringEquals: { 'aws:SourceAccount': sourceBucket.env.account ?? Stack.of(bucket).account },
        ArnLike: { 'aws:SourceArn': sourceBucket.bucketArn },
      },
      keyActions: ['kms:GenerateDataKey'],
      // S3 writes these as itself and calls KMS as s3.amazonaws.com, not on another principal's behalf.
      viaS3: false,
      sendsHeaders: false,
      sseS3Only: shape.sseS3Only,
    }));
  }

  private static asRole(name: string, source: string, grantee: iam.IGrantable, options: BucketWriterOptions,
    objectActions: string[], bucketActions: string[], keyActions: string[]): BucketWriter {
    return new BucketWriter(name, () => ({
      name,
      source,
      grantee,
      objectKeys: `${prefixed(options.prefix)}*`,
      objectActions,
      bucketActions,
      objectConditions: {},
      sourceConditions: {},
      keyActions,
      viaS3: true,
      sendsHeaders: true,
    }));
  }

  /**
   * The writer's name, as messages name it (`CloudTrail`, `VPC Flow Logs`, …).
   */
  public readonly writerName: string;

  private constructor(name: string, private readonly build: (bucket: s3.IBucket) => WriterSpec) {
    this.writerName = name;
  }

  /**
   * How the writer writes into `bucket`.
   *
   * @internal
   */
  public _spec(bucket: s3.IBucket): WriterSpec {
    return this.build(bucket);
  }
}

function prefixed(prefix: string | undefined): string {
  return prefix ? `${prefix.replace(/\/+$/, '')}/` : '';
}
