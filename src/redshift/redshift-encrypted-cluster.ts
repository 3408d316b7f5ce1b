import { Duration, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RedshiftAuditLogDestination, RedshiftAuditLogging } from './redshift-audit-logging';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { acceptFindings } from '../private/accepted-findings';
import { childPath, KmiValidationError } from '../private/errors';
import { EncryptedBucket } from '../s3/encrypted-bucket';

/** Redshift's default port and admin user name, which the compliance packs ask to avoid. */
const DEFAULT_REDSHIFT_PORT = 5439;
const DEFAULT_REDSHIFT_USER = 'awsuser';
/** Ports Redshift accepts (RA3 node types). */
const PORT_RANGES = [[5431, 5455], [8191, 8215]];
/** Parameters the cluster always sets, and may not be set otherwise. */
const ENFORCED_PARAMETERS: Record<string, string> = { require_ssl: 'true', enable_user_activity_logging: 'true' };
/** The database created with the cluster, not Redshift's default `dev` (CT.REDSHIFT.PR.7). */
const DEFAULT_DATABASE_NAME = 'kmi';
/** Audit logs exported to CloudWatch Logs. */
const LOG_EXPORTS = ['connectionlog', 'userlog', 'useractivitylog'];

/** Redshift provisioned node types. */
export enum RedshiftNodeType {
  /** ra3.large */
  RA3_LARGE = 'ra3.large',
  /** ra3.xlplus */
  RA3_XLPLUS = 'ra3.xlplus',
  /** ra3.4xlarge */
  RA3_4XLARGE = 'ra3.4xlarge',
  /** ra3.16xlarge */
  RA3_16XLARGE = 'ra3.16xlarge',
}

/**
 * Properties of a `RedshiftEncryptedCluster`.
 */
export interface RedshiftEncryptedClusterProps {
  /** The VPC of the cluster. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the cluster's nodes go: private or isolated subnets only.
   *
   * @default - the VPC's private subnets, or its isolated subnets if it has no private ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The KMS key that encrypts the cluster, its snapshots and its admin password secret. A key in a
   * CloudHSM custom key store gives option 2.
   *
   * @default - a new `KmsKeyWithRotation`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Must be true or unset: the cluster is always encrypted.
   *
   * @default true
   */
  readonly encrypted?: boolean;

  /**
   * Must be false or unset: the cluster is never publicly accessible.
   *
   * @default false
   */
  readonly publiclyAccessible?: boolean;

  /** @default RedshiftNodeType.RA3_LARGE */
  readonly nodeType?: RedshiftNodeType;

  /**
   * Number of compute nodes; 1 makes a single-node cluster.
   *
   * @default 2
   */
  readonly numberOfNodes?: number;

  /**
   * The name of the first database. Warning: changing it replaces the cluster.
   *
   * @default 'kmi' (not Redshift's default `dev`, as AWS Control Tower control CT.REDSHIFT.PR.7 asks)
   */
  readonly databaseName?: string;

  /**
   * Where the connection, user and user activity logs go.
   *
   * @default RedshiftAuditLogging.toS3() - a new SSE-S3 `EncryptedBucket`
   */
  readonly auditLogging?: RedshiftAuditLogging;

  /**
   * The admin user name; its password is generated and kept by Redshift in Secrets Manager,
   * encrypted with `encryptionKey`. Warning: changing it replaces the cluster.
   *
   * @default 'kmiadmin'
   */
  readonly masterUsername?: string;

  /**
   * The port, not Redshift's default 5439: 5431–5455 or 8191–8215.
   *
   * @default 5450
   */
  readonly port?: number;

  /**
   * How long automated snapshots are kept: 7 to 35 days.
   *
   * @default Duration.days(14)
   */
  readonly automatedSnapshotRetention?: Duration;

  /**
   * Weekly maintenance window (UTC), `ddd:hh24:mi-ddd:hh24:mi`. Minor version upgrades are applied in it.
   *
   * @default 'sun:03:00-sun:03:30'
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * More parameters for the cluster parameter group. `require_ssl` and
   * `enable_user_activity_logging` are always `true`; giving them another value is refused.
   *
   * @default - none
   */
  readonly parameters?: Record<string, string>;

  /**
   * What happens to the cluster when it leaves the stack.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An Amazon Redshift provisioned cluster, encrypted with a customer managed KMS key, TLS-only,
 * audited and private.
 *
 * - Encrypted with `encryptionKey` (a new `KmsKeyWithRotation` by default); the admin password is
 *   generated and kept by Redshift in Secrets Manager (`ManageMasterPassword`), encrypted with the same key.
 * - A parameter group with `require_ssl` and `enable_user_activity_logging`; connection, user and
 *   user activity logs written to an S3 bucket encrypted with SSE-S3 (a new `EncryptedBucket` by
 *   default), or exported to CloudWatch Logs (`auditLogging`).
 * - Not publicly accessible, enhanced VPC routing, in private or isolated subnets with a security
 *   group of its own that opens nothing: use `connections` to allow clients.
 * - Non-default admin user name and port, automated snapshots kept 14 days, minor version upgrades
 *   in a set maintenance window, a final snapshot when it leaves the stack.
 *
 * Option 2 reaches Redshift through a KMS key in a CloudHSM custom key store. Redshift's own HSM
 * encryption option supports only the retired CloudHSM Classic and is not offered.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const app: ec2.IConnectable;
 *
 * const warehouse = new RedshiftEncryptedCluster(this, 'Warehouse', { vpc });
 * warehouse.connections.allowDefaultPortFrom(app);
 */
export class RedshiftEncryptedCluster extends Resource implements ec2.IConnectable {
  /**
   * The cluster identifier.
   * @attribute
   */
  public readonly clusterName: string;

  /**
   * The endpoint address of the cluster.
   * @attribute
   */
  public readonly clusterEndpointAddress: string;

  /**
   * The port of the cluster.
   */
  public readonly clusterEndpointPort: number;

  /**
   * ARN of the Secrets Manager secret that holds the admin password.
   * @attribute
   */
  public readonly masterPasswordSecretArn: string;

  /** The key that encrypts the cluster, its snapshots and the admin password secret. */
  public readonly encryptionKey: kms.IKey;

  /** Network access to the cluster. */
  public readonly connections: ec2.Connections;

  /** The bucket the audit logs go to, when they go to S3. */
  public readonly auditLogsBucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: RedshiftEncryptedClusterProps) {
    const path = childPath(scope, id);
    validateProps(path, props);
    super(scope, id);

    const port = props.port ?? 5450;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    this.encryptionKey = props.encryptionKey ?? new KmsKeyWithRotation(this, 'Key', {
      description: `Encrypts the Redshift cluster ${path}, its snapshots and its admin password`,
      // Snapshots stay readable only while the key exists.
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    const subnetIds = selectPrivateSubnets(path, props.vpc, props.vpcSubnets);
    const subnetGroup = new redshift.CfnClusterSubnetGroup(this, 'Subnets', {
      description: `Private subnets of ${path}`,
      subnetIds,
    });
    subnetGroup.applyRemovalPolicy(removalPolicy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN : removalPolicy);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Redshift cluster ${path}`,
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(port) });

    const parameterGroup = new redshift.CfnClusterParameterGroup(this, 'Parameters', {
      description: `TLS-only, audited parameters of ${path}`,
      parameterGroupFamily: 'redshift-1.0',
      parameters: Object.entries({ ...props.parameters, ...ENFORCED_PARAMETERS })
        .map(([parameterName, parameterValue]) => ({ parameterName, parameterValue })),
    });

    const auditLogging = props.auditLogging ?? RedshiftAuditLogging.toS3();
    let loggingProperties: redshift.CfnCluster.LoggingPropertiesProperty;
    if (auditLogging.destination === RedshiftAuditLogDestination.S3) {
      const bucket = auditLogging.bucket ?? this.newAuditLogsBucket();
      const prefix = auditLogging.prefix ?? `redshift/${this.node.addr}/`;
      allowAuditLogDelivery(bucket, prefix);
      this.auditLogsBucket = bucket;
      loggingProperties = { logDestinationType: 's3', bucketName: bucket.bucketName, s3KeyPrefix: prefix };
    } else {
      loggingProperties = { logDestinationType: 'cloudwatch', logExports: LOG_EXPORTS };
    }

    const numberOfNodes = props.numberOfNodes ?? 2;
    const cluster = new redshift.CfnCluster(this, 'Resource', {
      clusterType: numberOfNodes === 1 ? 'single-node' : 'multi-node',
      numberOfNodes: numberOfNodes === 1 ? undefined : numberOfNodes,
      nodeType: props.nodeType ?? RedshiftNodeType.RA3_LARGE,
      dbName: props.databaseName ?? DEFAULT_DATABASE_NAME,
      masterUsername: props.masterUsername ?? 'kmiadmin',
      manageMasterPassword: true,
      masterPasswordSecretKmsKeyId: this.encryptionKey.keyArn,
      encrypted: true,
      kmsKeyId: this.encryptionKey.keyArn,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      clusterSubnetGroupName: subnetGroup.ref,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      clusterParameterGroupName: parameterGroup.ref,
      port,
      automatedSnapshotRetentionPeriod: (props.automatedSnapshotRetention ?? Duration.days(14)).toDays(),
      preferredMaintenanceWindow: props.preferredMaintenanceWindow ?? 'sun:03:00-sun:03:30',
      allowVersionUpgrade: true,
      loggingProperties,
    });
    cluster.applyRemovalPolicy(removalPolicy);
    if (this.auditLogsBucket) {
      // Redshift checks that it can write to the bucket when logging is enabled.
      const policy = this.auditLogsBucket.policy;
      if (policy) {
        cluster.node.addDependency(policy);
      }
    }

    this.clusterName = cluster.ref;
    this.clusterEndpointAddress = cluster.attrEndpointAddress;
    this.clusterEndpointPort = port;
    this.masterPasswordSecretArn = cluster.attrMasterPasswordSecretArn;
  }

  /** The default audit log bucket: SSE-S3, which is all Redshift audit logging to S3 supports. */
  private newAuditLogsBucket(): s3.IBucket {
    // Lenient upload rule: Redshift's log delivery is not documented to state an encryption header.
    const bucket = new EncryptedBucket(this, 'AuditLogs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceEncryptionHeader: false });
    acceptFindings(bucket, 'redshift-audit-logs-sse-s3');
    return bucket;
  }
}

/**
 * Lets Redshift write audit logs under `prefix`: `s3:PutObject` there and `s3:GetBucketAcl`, to the
 * service principal, for clusters of this account (`aws:SourceAccount`; the cluster's own ARN would
 * make a cycle, since Redshift checks the bucket policy when the cluster is created). A bucket of
 * another app (imported) keeps its own policy, which must allow this.
 *
 * @see https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html#db-auditing-bucket-permissions
 */
function allowAuditLogDelivery(bucket: s3.IBucket, prefix: string): void {
  const redshiftService = new iam.ServicePrincipal('redshift.amazonaws.com');
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(bucket).account } };
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowRedshiftAuditLogDelivery',
    principals: [redshiftService],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${prefix}*`)],
    conditions: fromThisAccount,
  }));
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowRedshiftAuditLogBucketCheck',
    principals: [redshiftService],
    actions: ['s3:GetBucketAcl'],
    resources: [bucket.bucketArn],
    conditions: fromThisAccount,
  }));
}

function validateProps(path: string, props: RedshiftEncryptedClusterProps): void {
  const refuse = (prop: string, given: unknown, allowed: string, fix?: string) => {
    throw new KmiValidationError({ path, prop, given: `${given}`, allowed, fix });
  };
  const logBucket = props.auditLogging?.bucket;
  if (logBucket?.encryptionKey) {
    refuse('auditLogging', `a bucket encrypted with a KMS key (${logBucket.node.path})`, 'a bucket encrypted with SSE-S3',
      'Redshift writes audit logs to S3 only in buckets encrypted with SSE-S3: pass an EncryptedBucket with encryption S3_MANAGED, '
      + 'or leave the bucket out to get one.');
  }
  const prefix = props.auditLogging?.prefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix) && (prefix.length > 512 || /[\x00-\x20"'\\\x7f-\uffff]/.test(prefix))) {
    refuse('auditLogging.prefix', `'${prefix}'`, 'at most 512 characters, without spaces, quotes, backslashes or control characters');
  }
  if (props.encrypted === false) {
    refuse('encrypted', false, 'true or unset (the cluster is always encrypted)');
  }
  if (props.publiclyAccessible === true) {
    refuse('publiclyAccessible', true, 'false or unset (the cluster is never public)', 'Reach it from the VPC, through a VPN, Direct Connect or a bastion.');
  }
  for (const [name, value] of Object.entries(ENFORCED_PARAMETERS)) {
    const given = props.parameters?.[name];
    if (given !== undefined && given !== value) {
      refuse(`parameters.${name}`, `'${given}'`, `'${value}' or unset`);
    }
  }
  const port = props.port;
  if (port !== undefined && !Token.isUnresolved(port)
    && (port === DEFAULT_REDSHIFT_PORT || !PORT_RANGES.some(([lo, hi]) => port >= lo && port <= hi))) {
    refuse('port', port, '5431–5455 or 8191–8215, except the default 5439');
  }
  if (props.masterUsername !== undefined && !Token.isUnresolved(props.masterUsername)
    && (props.masterUsername.toLowerCase() === DEFAULT_REDSHIFT_USER || !/^[a-z][a-z0-9_]{0,127}$/.test(props.masterUsername))) {
    refuse('masterUsername', `'${props.masterUsername}'`, `a lower-case letter then lower-case letters, digits or '_', at most 128 characters, not '${DEFAULT_REDSHIFT_USER}'`);
  }
  const retention = props.automatedSnapshotRetention;
  if (retention !== undefined && !retention.isUnresolved()) {
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 7 || days > 35) {
      refuse('automatedSnapshotRetention', `${days} days`, 'a whole number of days from 7 to 35');
    }
  }
  const nodes = props.numberOfNodes;
  if (nodes !== undefined && !Token.isUnresolved(nodes) && (!Number.isInteger(nodes) || nodes < 1 || nodes > 128)) {
    refuse('numberOfNodes', nodes, 'a whole number from 1 to 128');
  }
}

/** The ids of the selected subnets, refusing public ones. */
function selectPrivateSubnets(path: string, vpc: ec2.IVpc, selection?: ec2.SubnetSelection): string[] {
  const defaultSelection = { subnetType: vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
  let chosen: ec2.SelectedSubnets;
  try {
    chosen = vpc.selectSubnets(selection ?? defaultSelection);
  } catch (error) {
    // aws-cdk-lib names neither the construct nor the prop (a VPC with public subnets only, say).
    throw new KmiValidationError({
      path,
      prop: 'vpcSubnets',
      given: `${selection ? 'a selection' : 'no selection (private, else isolated subnets)'} the VPC cannot satisfy: ${(error as Error).message}`,
      allowed: 'private or isolated subnets of the VPC',
      fix: 'A Redshift cluster never sits in a public subnet: give the VPC private or isolated subnets, or select some it has.',
    });
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const publicChosen = chosen.subnets.filter((s) => publicIds.has(s.subnetId));
  if (publicChosen.length > 0 || chosen.subnetIds.length === 0) {
    throw new KmiValidationError({
      path,
      prop: 'vpcSubnets',
      given: publicChosen.length > 0 ? `${publicChosen.length} public subnet(s)` : 'a selection with no subnets',
      allowed: 'private or isolated subnets of the VPC',
      fix: 'A Redshift cluster never sits in a public subnet.',
    });
  }
  return chosen.subnetIds;
}
