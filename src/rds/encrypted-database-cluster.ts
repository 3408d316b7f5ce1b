import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  checkPrivateSubnets, defaultPrivateSubnets, encryptLogExports, generatedIdentifier, manageMasterPassword,
  masterUsername, newDatabaseKey, refuseBoolean,
} from './database-parts';
import { checkIamAuthentication, checkTlsParameters, DB2_TLS_PORT, exportableLogTypes, requireKnownEngine, tlsParameters } from './engine-rules';
import { acknowledgeDatabaseChoices } from './nag-acknowledgements';
import { childPath, KmiValidationError } from '../private/errors';

/**
 * Properties of an `EncryptedDatabaseCluster`.
 *
 * All of `rds.DatabaseClusterProps` apply; the props re-declared here have another default, or are
 * refused with some values.
 */
export interface EncryptedDatabaseClusterProps extends rds.DatabaseClusterProps {
  /**
   * Must be true or unset: the cluster volume, its snapshots and backups are always encrypted.
   *
   * @default true
   */
  readonly storageEncrypted?: boolean;

  /**
   * The KMS key that encrypts the cluster volume, snapshots, backups and the master password secret
   * (and Performance Insights data, and the exported logs, unless you give keys for them). A key in a
   * CloudHSM custom key store gives option 2. For a cross-Region replica
   * (`replicationSourceIdentifier`), a key of this cluster's Region.
   *
   * Warning: changing it replaces the cluster.
   *
   * @default - a new `KmsKeyWithRotation`
   */
  readonly storageEncryptionKey?: kms.IKeyRef;

  /**
   * Must be true or unset: IAM database authentication is always on.
   *
   * @default true
   */
  readonly iamAuthentication?: boolean;

  /**
   * Whether the cluster may be deleted before deletion protection is turned off.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it leaves the stack. SNAPSHOT keeps a final snapshot, encrypted
   * with the storage key; the key the construct creates is then retained.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The master user: a user name only (`rds.Credentials.fromUsername('name')`). The password is
   * generated, kept and rotated (every 7 days) by RDS in Secrets Manager, encrypted with the storage
   * key; it is `masterUserSecret`. Credentials with a password or a secret are refused.
   *
   * @default - the engine's default user name, or 'admin'
   */
  readonly credentials?: rds.Credentials;

  /**
   * Parameters of the cluster parameter group the construct owns. The engine's TLS parameter is always
   * set (`rds.force_ssl` for Aurora PostgreSQL, `require_secure_transport` for Aurora MySQL); a value
   * that turns it off is refused.
   *
   * @default - only the TLS parameter
   */
  readonly parameters?: Record<string, string>;

  /**
   * Must be unset: the construct owns the cluster parameter group, so that TLS stays required.
   * Give `parameters` instead.
   *
   * @default - a parameter group the construct creates
   */
  readonly parameterGroup?: rds.IParameterGroup;

  /**
   * Log types exported to CloudWatch Logs, into log groups the construct creates first, encrypted with
   * `cloudwatchLogsEncryptionKey`. An empty list exports nothing.
   *
   * @default - every log type the engine can export
   */
  readonly cloudwatchLogsExports?: string[];

  /**
   * How long the exported logs are kept.
   *
   * @default logs.RetentionDays.TEN_YEARS
   */
  readonly cloudwatchLogsRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the exported log groups. Its key policy must let
   * `logs.<region>.amazonaws.com` use it for them.
   *
   * @default - the storage key when the construct creates it; otherwise a new `KmsKeyWithRotation`
   */
  readonly cloudwatchLogsEncryptionKey?: kms.IKey;

  /**
   * The KMS key that encrypts Performance Insights data, when Performance Insights is on.
   *
   * @default - the storage key, when the construct creates it
   */
  readonly performanceInsightEncryptionKey?: kms.IKey;

  /**
   * Where the cluster's instances go: private or isolated subnets only.
   *
   * @default - the VPC's private subnets, or its isolated subnets if it has no private ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The cluster identifier. The exported log groups are named after it, so it must be known before
   * the cluster exists. Warning: a change that replaces the cluster fails while the old one holds the
   * name; change the identifier with it.
   *
   * @default - a name made from the construct path (when logs are exported)
   */
  readonly clusterIdentifier?: string;
}

/**
 * An Amazon Aurora DB cluster (MySQL or PostgreSQL) encrypted at rest with a customer managed key,
 * that requires TLS.
 *
 * - The cluster volume, snapshots, backups and the master password secret (generated and rotated by
 *   RDS in Secrets Manager) are encrypted with `storageEncryptionKey`, a new `KmsKeyWithRotation` by
 *   default; Performance Insights, when on, and the exported logs use customer managed keys too.
 * - The engine refuses clear-text connections: `rds.force_ssl` (Aurora PostgreSQL) or
 *   `require_secure_transport` (Aurora MySQL) in a cluster parameter group the construct owns.
 * - IAM database authentication on; no instance publicly accessible, all in private subnets;
 *   deletion protection and a final snapshot on removal (`RemovalPolicy.SNAPSHOT`).
 * - A cross-Region replica (`replicationSourceIdentifier`) is encrypted with a key of its own Region.
 *
 * Option 2: a `storageEncryptionKey` in a CloudHSM custom key store; Aurora accepts any symmetric
 * customer managed key (https://docs.aws.amazon.com/kms/latest/developerguide/use-cmk-keystore.html).
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 *
 * new EncryptedDatabaseCluster(this, 'Ledger', {
 *   engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
 *   writer: rds.ClusterInstance.serverlessV2('Writer'),
 *   readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
 *   vpc,
 * });
 */
export class EncryptedDatabaseCluster extends rds.DatabaseCluster {
  /** The key that encrypts the cluster volume, snapshots, backups and the master password secret. */
  public readonly storageEncryptionKey: kms.IKeyRef;

  /** The key that encrypts the exported log groups, if logs are exported. */
  public readonly cloudwatchLogsEncryptionKey?: kms.IKey;

  /** The Secrets Manager secret, managed and rotated by RDS, that holds the master user's credentials. */
  public readonly masterUserSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: EncryptedDatabaseClusterProps) {
    const path = childPath(scope, id);
    refuseBoolean(path, 'storageEncrypted', props.storageEncrypted, true, 'the cluster is always encrypted', 'Use rds.DatabaseCluster for an unencrypted cluster.');
    const family = requireKnownEngine(path, props.engine.engineType, props.engine.parameterGroupFamily);
    if (family !== 'aurora-mysql' && family !== 'aurora-postgresql') {
      throw new KmiValidationError({ path, prop: 'engine', given: `'${props.engine.engineType}'`, allowed: 'Aurora MySQL or Aurora PostgreSQL' });
    }
    if (props.parameterGroup !== undefined) {
      throw new KmiValidationError({
        path,
        prop: 'parameterGroup',
        given: 'a parameter group',
        allowed: 'unset (the construct owns the cluster parameter group, so that TLS stays required)',
        fix: 'Give the parameters as `parameters`.',
      });
    }
    checkTlsParameters(path, family, props.parameters);
    if (props.vpc !== undefined) {
      checkPrivateSubnets(path, props.vpc, props.vpcSubnets);
    }

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const ownKey = props.storageEncryptionKey === undefined
      ? newDatabaseKey(scope, `${id}Key`, `Encrypts the Aurora cluster ${path}: volume, snapshots, backups, master password, logs`, removalPolicy)
      : undefined;
    const storageKey: kms.IKeyRef = props.storageEncryptionKey ?? ownKey!;
    const logTypes = props.cloudwatchLogsExports ?? exportableLogTypes(family, props.engine.engineType);
    const performanceInsights = props.enablePerformanceInsights === true
      || props.performanceInsightRetention !== undefined || props.performanceInsightEncryptionKey !== undefined;
    const insightsKey = props.performanceInsightEncryptionKey ?? ownKey;

    super(scope, id, {
      ...props,
      storageEncrypted: true,
      storageEncryptionKey: storageKey,
      // Left unset where the engine has no IAM authentication, so the template states nothing it cannot have.
      iamAuthentication: checkIamAuthentication(path, family, props.iamAuthentication) ? true : undefined,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
      vpcSubnets: props.vpc !== undefined ? props.vpcSubnets ?? defaultPrivateSubnets(props.vpc) : props.vpcSubnets,
      // aws-cdk-lib's shape for a user name without a generated secret; the password is replaced below by
      // the one RDS manages, so this placeholder never reaches the template.
      credentials: rds.Credentials.fromPassword(masterUsername(path, props.credentials, props.engine.defaultUsername ?? 'admin'),
        SecretValue.unsafePlainText('replaced-by-rds-managed-password')),
      parameters: { ...props.parameters, ...tlsParameters(family, DB2_TLS_PORT) },
      cloudwatchLogsExports: logTypes.length > 0 ? logTypes : undefined,
      cloudwatchLogsRetention: undefined,
      enablePerformanceInsights: performanceInsights ? true : undefined,
      performanceInsightEncryptionKey: performanceInsights ? insightsKey : undefined,
    });

    const cfn = this.node.defaultChild as rds.CfnDBCluster;
    manageMasterPassword(cfn, storageKey);
    this.refusePublicInstances(path);

    if (logTypes.length > 0) {
      const identifier = props.clusterIdentifier ?? generatedIdentifier(this);
      cfn.dbClusterIdentifier = identifier;
      this.cloudwatchLogsEncryptionKey = encryptLogExports(this, cfn, {
        kind: 'cluster',
        identifier,
        types: logTypes,
        givenKey: props.cloudwatchLogsEncryptionKey,
        ownKey,
        retention: props.cloudwatchLogsRetention,
        removalPolicy,
        path,
      });
    }

    this.storageEncryptionKey = storageKey;
    this.masterUserSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'MasterUserSecret', cfn.attrMasterUserSecretSecretArn);
    acknowledgeDatabaseChoices(this, family === 'aurora-mysql');
  }

  /** Refuses a writer or reader that `rds.ClusterInstance` would make publicly accessible. */
  private refusePublicInstances(path: string): void {
    for (const child of this.node.findAll()) {
      if (child instanceof rds.CfnDBInstance && child.publiclyAccessible === true) {
        throw new KmiValidationError({
          path,
          prop: 'writer/readers publiclyAccessible',
          given: `true on ${child.node.path}`,
          allowed: 'false or unset (no instance of the cluster is public)',
          fix: 'Reach the cluster from the VPC, through a VPN, Direct Connect or a bastion.',
        });
      }
    }
  }
}
