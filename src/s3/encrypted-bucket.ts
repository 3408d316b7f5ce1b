import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AccessLogsBucket } from './access-logs-bucket';
import { BucketWriter } from './bucket-writer';
import { uploadRuleStatements } from './upload-rules';
import { WriterBinder } from './writer-binding';
import { addWriterChecks } from './writer-checks';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { acknowledgeRule } from '../private/acknowledge';
import { childPath, KmiValidationError } from '../private/errors';
import { BUCKET_POLICY_MAX_BYTES, sizeCheckedPolicy } from '../private/policy-size';

/** Minimum TLS versions a bucket may require. */
const ALLOWED_TLS_VERSIONS = [1.2, 1.3];

/**
 * Properties of an `EncryptedBucket`.
 *
 * All of `s3.BucketProps` apply. These inherited props have this bucket's defaults, not those
 * documented on `s3.BucketProps` (jsii does not let an interface declare an inherited prop again,
 * so they are listed here):
 *
 * - `encryption`: default `BucketEncryption.KMS` with a new `KmsKeyWithRotation` (a sibling construct
 *   with id `<bucket id>Key`, retained with the bucket), or `KMS` with the `encryptionKey` given;
 *   `UNENCRYPTED` is refused.
 * - `bucketKeyEnabled`: default `true` for SSE-KMS (unset for DSSE-KMS and SSE-S3).
 * - `blockedEncryptionTypes`: default `[BlockedEncryptionType.SSE_C]`.
 * - `enforceSSL`: default `true`; `false` is refused.
 * - `minimumTLSVersion`: default `1.2`; 1.2 or 1.3 allowed.
 * - `versioned`: default `true`.
 * - `blockPublicAccess`: default `BlockPublicAccess.BLOCK_ALL`.
 * - `objectOwnership`: default `ObjectOwnership.BUCKET_OWNER_ENFORCED` (ACLs disabled).
 * - `removalPolicy`: default `RemovalPolicy.RETAIN`, for the bucket and the key it creates.
 * - `serverAccessLogsBucket`: default the stack's `AccessLogsBucket` (`AccessLogsBucket.of(this)`);
 *   an SSE-KMS bucket is refused.
 * - `targetObjectKeyFormat`: default
 *   `TargetObjectKeyFormat.partitionedPrefix(PartitionDateSource.EVENT_TIME)`.
 */
export interface EncryptedBucketProps extends s3.BucketProps {
  /**
   * Whether every upload must state the bucket's server-side encryption (the classic "deny
   * unencrypted uploads" policy).
   *
   * - `false` (default): a request that states no encryption is allowed and gets the bucket's default
   *   encryption, under its key; a request that states another algorithm is denied. This is what SDK
   *   code that sends no encryption parameters, `BucketDeployment` and most AWS services need.
   * - `true`: `s3:PutObject` is denied unless the request states the bucket's algorithm
   *   (`x-amz-server-side-encryption`: `AES256`, `aws:kms` or `aws:kms:dsse`) and, with a customer
   *   managed key, names that key by ARN or key ID (`x-amz-server-side-encryption-aws-kms-key-id`).
   *   Code that sends no encryption parameters is denied; declared AWS service `writers` that send
   *   none are exempted (their uploads get the bucket's default encryption).
   *
   * In both modes, with a customer managed key, a request that names another KMS key is denied, and
   * so is one that states `aws:kms` or `aws:kms:dsse` without naming a key: S3 would encrypt it
   * under the AWS managed key `aws/s3`, not the bucket's key.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
   * @default false
   */
  readonly enforceEncryptionHeader?: boolean;

  /**
   * AWS services, and roles acting for them, that write objects into this bucket, each given write
   * (never read) scoped to its source and, with a customer managed key, key use through S3 only.
   * More can be added with `addWriter`.
   *
   * @default - none: only principals granted with `grantWrite`, `grantPut` or `grantReadWrite`
   */
  readonly writers?: BucketWriter[];
}

/** How the bucket encrypts, derived from its props. */
interface EncryptionChoice {
  readonly encryption: s3.BucketEncryption;
  readonly algorithm: string;
  /** The bucket needs a customer managed key and none was given. */
  readonly createKey: boolean;
}

/**
 * An S3 bucket that encrypts every object at rest under its own encryption and refuses uploads that
 * ask for another algorithm or another key.
 *
 * - Default encryption SSE-KMS with a new `KmsKeyWithRotation` and S3 Bucket Keys (option 3, your
 *   customer managed key); pass `encryptionKey` to use another key, including one in a custom key
 *   store (option 2 or 1). `encryption: S3_MANAGED` gives SSE-S3; `DSSE`/`DSSE_MANAGED` dual-layer
 *   SSE-KMS. `UNENCRYPTED` is refused.
 * - Upload rules in the bucket policy (see `enforceEncryptionHeader`): by default an upload that
 *   states no encryption gets the bucket's; one that states another algorithm, another key, or a KMS
 *   algorithm without a key (S3 would use `aws/s3`) is denied. SSE-C uploads are blocked both by the
 *   bucket's `blockedEncryptionTypes` and by the policy.
 * - AWS services that deliver into S3 (CloudTrail, VPC Flow Logs, Config, Firehose, …) are declared
 *   with `writers` / `addWriter` and get write and key use through S3, scoped to their source.
 * - TLS always required (minimum TLS 1.2), versioning on, public access blocked, ACLs disabled,
 *   server access logs on, retained when the stack is deleted.
 *
 * Grants are `s3.Bucket`'s: `grantRead` also grants `kms:Decrypt` on the bucket's key.
 *
 * @example
 * declare const reader: iam.IRole;
 *
 * const bucket = new EncryptedBucket(this, 'Records', {
 *   writers: [BucketWriter.cloudTrail()],
 * });
 * bucket.grantRead(reader); // s3:GetObject* and kms:Decrypt on the bucket's key
 */
export class EncryptedBucket extends s3.Bucket {
  /**
   * The server-side encryption algorithm every object gets: `AES256`, `aws:kms` or `aws:kms:dsse`.
   */
  public readonly serverSideEncryption: string;

  /**
   * Whether uploads must state the algorithm (`enforceEncryptionHeader`).
   */
  public readonly enforceEncryptionHeader: boolean;

  /**
   * The bucket that receives this bucket's server access logs.
   */
  public readonly serverAccessLogsBucket: s3.IBucket;

  private readonly writerBinder: WriterBinder;

  constructor(scope: Construct, id: string, props: EncryptedBucketProps = {}) {
    const path = childPath(scope, id);
    validateProps(path, props);
    const choice = chooseEncryption(path, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const encryptionKey = choice.createKey
      // A sibling, because a construct cannot have children before super(); its lifecycle follows the bucket's.
      ? new KmsKeyWithRotation(scope, `${id}Key`, {
        description: `Encrypts the objects of the S3 bucket ${path}`,
        removalPolicy,
      })
      : props.encryptionKey;
    const isKms = choice.algorithm !== 'AES256';
    const blockedEncryptionTypes = props.blockedEncryptionTypes ?? [s3.BlockedEncryptionType.SSE_C];

    super(scope, id, {
      ...props,
      encryption: choice.encryption,
      encryptionKey,
      // S3 Bucket Keys cut KMS requests (and cost) for SSE-KMS; DSSE-KMS does not support them.
      bucketKeyEnabled: props.bucketKeyEnabled ?? (choice.algorithm === 'aws:kms' ? true : undefined),
      blockedEncryptionTypes,
      enforceSSL: true,
      minimumTLSVersion: props.minimumTLSVersion ?? 1.2,
      versioned: props.versioned ?? true,
      blockPublicAccess: props.blockPublicAccess ?? s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      // Logging is configured below, with a bucket policy on the destination rather than ACLs.
      serverAccessLogsBucket: undefined,
      serverAccessLogsPrefix: undefined,
      targetObjectKeyFormat: undefined,
    });

    this.serverSideEncryption = choice.algorithm;
    this.enforceEncryptionHeader = props.enforceEncryptionHeader ?? false;

    const denySseC = blockedEncryptionTypes.some((type) => type.name === s3.BlockedEncryptionType.SSE_C.name);
    if (!denySseC) {
      Annotations.of(this).addWarningV2('cdk-kmi:sseCAllowed',
        'SSE-C uploads are not blocked (blockedEncryptionTypes leaves out SSE_C): objects may be encrypted with keys that you, not AWS, must keep (option 1).');
    }
    const rules = uploadRuleStatements(this, {
      algorithm: choice.algorithm,
      requireHeader: this.enforceEncryptionHeader,
      key: isKms ? encryptionKey : undefined,
      awsManagedKey: isKms && !encryptionKey,
      denySseC,
    });
    for (const statement of rules.statements) {
      this.addToResourcePolicy(statement);
    }
    this.writerBinder = new WriterBinder({
      bucket: this,
      algorithm: choice.algorithm,
      key: isKms ? encryptionKey : undefined,
      awsManagedKey: isKms && !encryptionKey,
      requireHeaderStatement: rules.requireHeaderStatement,
    });
    (this.policy!.node.defaultChild as s3.CfnBucketPolicy).policyDocument = sizeCheckedPolicy(this, 'bucket policy', BUCKET_POLICY_MAX_BYTES, this.policy!.document);

    this.serverAccessLogsBucket = this.configureAccessLogs(path, props);
    for (const writer of props.writers ?? []) {
      this.addWriter(writer);
    }
    addWriterChecks(this);

    if (choice.algorithm === 'aws:kms:dsse') {
      acknowledgeRule(this, 'S3DefaultEncryptionKMS',
        'DSSE-KMS: two layers of encryption with AWS KMS keys, beyond SSE-KMS; the rule knows only aws:kms.');
    }
    if (!props.replicationRules?.length) {
      acknowledgeRule(this, 'S3BucketReplicationEnabled',
        'Replication needs a destination bucket in another Region; set replicationRules once one exists.');
    }
  }

  /**
   * The names of the writers declared on this bucket (`CloudTrail`, `VPC Flow Logs`, …).
   */
  public get writerNames(): string[] {
    return this.writerBinder.writerNames;
  }

  /**
   * Lets an AWS service, or a role acting for one, write objects into this bucket: write only,
   * scoped to its source, and with a customer managed key, key use through S3 only.
   *
   * Throws for a writer that AWS cannot serve with this bucket's encryption (ALB access logs,
   * Redshift audit logs and S3 server access logs on a KMS bucket), with the fix.
   */
  public addWriter(writer: BucketWriter): void {
    this.writerBinder.bind(writer);
  }

  private configureAccessLogs(path: string, props: EncryptedBucketProps): s3.IBucket {
    const destination = props.serverAccessLogsBucket ?? AccessLogsBucket.of(this);
    if (destination.encryptionKey || (destination instanceof EncryptedBucket && destination.serverSideEncryption !== 'AES256')) {
      throw new KmiValidationError({
        path,
        prop: 'serverAccessLogsBucket',
        given: `${destination.node.path}, encrypted with a KMS key`,
        allowed: 'a bucket encrypted with SSE-S3, such as an AccessLogsBucket',
        fix: 'S3 server access log delivery cannot write to SSE-KMS buckets. Leave serverAccessLogsBucket unset to use the stack\'s AccessLogsBucket.',
      });
    }
    const cfnBucket = this.node.defaultChild as s3.CfnBucket;
    cfnBucket.loggingConfiguration = {
      destinationBucketName: destination.bucketName,
      logFilePrefix: props.serverAccessLogsPrefix,
      // Partitioned keys keep the logs of each source bucket apart in a shared destination.
      targetObjectKeyFormat: (props.targetObjectKeyFormat ?? s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME))._render(),
    };

    if (destination instanceof AccessLogsBucket) {
      destination.allowLogDeliveryFrom(this);
    } else {
      const added = destination.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.ALLOW,
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [destination.arnForObjects(`${props.serverAccessLogsPrefix ?? ''}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucketArn },
          StringEquals: { 'aws:SourceAccount': this.env.account },
        },
      }));
      if (!added.statementAdded) {
        Annotations.of(this).addWarningV2('cdk-kmi:accessLogsPolicyNotAdded',
          `The policy of the imported bucket ${destination.bucketName} cannot be changed here: allow s3:PutObject to the logging.s3.amazonaws.com service principal for this bucket there.`);
      }
    }
    return destination;
  }
}

function validateProps(path: string, props: EncryptedBucketProps): void {
  if (props.enforceSSL === false) {
    throw new KmiValidationError({
      path,
      prop: 'enforceSSL',
      given: 'false',
      allowed: 'true or unset (TLS is always required)',
    });
  }
  if (props.minimumTLSVersion !== undefined && !ALLOWED_TLS_VERSIONS.includes(props.minimumTLSVersion)) {
    throw new KmiValidationError({
      path,
      prop: 'minimumTLSVersion',
      given: `${props.minimumTLSVersion}`,
      allowed: ALLOWED_TLS_VERSIONS.join(' or '),
      fix: 'TLS 1.0 and 1.1 are deprecated and do not meet PCI DSS or NIST 800-52.',
    });
  }
}

function chooseEncryption(path: string, props: EncryptedBucketProps): EncryptionChoice {
  const E = s3.BucketEncryption;
  const hasKey = props.encryptionKey !== undefined;
  // A key given implies SSE-KMS.
  const encryption = props.encryption ?? E.KMS;
  if (encryption === E.UNENCRYPTED) {
    throw new KmiValidationError({
      path,
      prop: 'encryption',
      given: 'UNENCRYPTED',
      allowed: 'KMS (default), KMS_MANAGED, DSSE, DSSE_MANAGED or S3_MANAGED',
      fix: 'S3 encrypts every new object; leave encryption unset for SSE-KMS with a customer managed key that rotates.',
    });
  }
  if (hasKey && encryption !== E.KMS && encryption !== E.DSSE) {
    throw new KmiValidationError({
      path,
      prop: 'encryption',
      given: `${encryption} together with an encryptionKey`,
      allowed: 'KMS or DSSE (or unset) when encryptionKey is given',
      fix: 'Remove encryptionKey to use this mode, or set encryption to KMS or DSSE to use the key.',
    });
  }
  if (props.bucketKeyEnabled && encryption !== E.KMS && encryption !== E.KMS_MANAGED) {
    throw new KmiValidationError({
      path,
      prop: 'bucketKeyEnabled',
      given: `true with encryption ${encryption}`,
      allowed: 'true only with KMS or KMS_MANAGED',
      fix: 'S3 Bucket Keys apply to SSE-KMS only; remove bucketKeyEnabled.',
    });
  }
  const algorithm = encryption === E.S3_MANAGED ? 'AES256'
    : encryption === E.DSSE || encryption === E.DSSE_MANAGED ? 'aws:kms:dsse'
      : 'aws:kms';
  return {
    encryption,
    algorithm,
    createKey: !hasKey && (encryption === E.KMS || encryption === E.DSSE),
  };
}
