import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
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
 * All of `rds.DatabaseClusterProps` apply, with these differences:
 * - `engine`: Aurora MySQL or Aurora PostgreSQL, with a version.
 * - `storageEncrypted`: always true; false is refused.
 * - `storageEncryptionKey`: default a new `KmsKeyWithRotation`, which also encrypts the master password
 *   secret, Performance Insights data (unless `performanceInsightEncryptionKey` is given) and the
 *   exported logs. A key in a CloudHSM custom key store gives option 2. For a cross-Region replica
 *   (`replicationSourceIdentifier`), a key of this cluster's Region. Warning: changing it replaces the
 *   cluster.
 * - `credentials`: a user name only; the password is generated, kept and rotated by RDS in Secrets
 *   Manager, encrypted with the storage key (`masterUserSecret`).
 * - `parameters`: go in a cluster parameter group the construct owns with `rds.force_ssl` (Aurora
 *   PostgreSQL) or `require_secure_transport` (Aurora MySQL) always set; a value that turns it off is
 *   refused. `parameterGroup` is refused.
 * - `iamAuthentication`: always true; false is refused.
 * - `writer` and `readers`: an instance that would be publicly accessible is refused.
 * - `vpcSubnets`: default the VPC's private subnets (isolated ones if it has none); public subnets are
 *   refused.
 * - `deletionProtection`: default true. `removalPolicy`: default SNAPSHOT.
 * - `cloudwatchLogsExports`: default every log type the engine can export, into log groups created
 *   first and encrypted with a customer managed key; `cloudwatchLogsRetention`: default ten years.
 * - `clusterIdentifier`: default, when logs are exported, a name made from the construct path.
 *   Warning: a change that replaces the cluster fails while the old one holds the name.
 * - `performanceInsightEncryptionKey`: default the storage key the construct creates.
 */
export interface EncryptedDatabaseClusterProps extends rds.DatabaseClusterProps {
  /**
   * The KMS key that encrypts the exported log groups. Its key policy must let
   * `logs.<region>.amazonaws.com` use it for them.
   *
   * @default - the storage key when the construct creates it; otherwise a new `KmsKeyWithRotation`
   */
  readonly cloudwatchLogsEncryptionKey?: kms.IKey;
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
