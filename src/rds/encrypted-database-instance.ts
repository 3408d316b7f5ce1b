import { RemovalPolicy, SecretValue, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  checkPrivateSubnets, defaultPrivateSubnets, encryptLogExports, generatedIdentifier, manageMasterPassword,
  masterUsername, newDatabaseKey, refuseBoolean,
} from './database-parts';
import { checkIamAuthentication, checkTlsParameters, DB2_TLS_PORT, EngineFamily, exportableLogTypes, ORACLE_NETWORK_ENCRYPTION, requireKnownEngine, tlsParameters } from './engine-rules';
import { acknowledgeDatabaseChoices } from './nag-acknowledgements';
import { childPath, KmiValidationError } from '../private/errors';

/**
 * Properties of an `EncryptedDatabaseInstance`.
 *
 * All of `rds.DatabaseInstanceProps` apply, with these differences:
 * - `storageEncrypted`: always true; false is refused.
 * - `storageEncryptionKey`: default a new `KmsKeyWithRotation`. It also encrypts the master password
 *   secret, Performance Insights data (unless `performanceInsightEncryptionKey` is given) and, when the
 *   construct creates it, the exported logs. A key in a CloudHSM custom key store gives option 2.
 *   Warning: changing it replaces the instance.
 * - `credentials`: a user name only (`rds.Credentials.fromUsername('name')`), default the engine's
 *   default user name; the password is generated, kept and rotated every 7 days by RDS in Secrets
 *   Manager, encrypted with the storage key (`masterUserSecret`). Credentials with a password, a secret
 *   or secret options are refused.
 * - `parameters`: go in a parameter group the construct owns, with the engine's TLS parameter always
 *   set (`rds.force_ssl`, `require_secure_transport`, `DB2COMM`); a value that turns it off is refused.
 *   `parameterGroup` is refused.
 * - `optionGroup`: refused for Oracle, which gets an option group requiring native network encryption
 *   (`oracleOptionGroup`).
 * - `iamAuthentication`: default true where the engine supports it (MariaDB, MySQL, PostgreSQL), unset
 *   on SQL Server, Oracle and Db2 (which do not); the other value is refused.
 * - `publiclyAccessible`: always false; true is refused.
 * - `vpcSubnets`: default the VPC's private subnets (isolated ones if it has none); public subnets are
 *   refused.
 * - `multiAz`: default true (false on SQL Server Express and Web, which have no Multi-AZ).
 * - `deletionProtection`: default true. `removalPolicy`: default SNAPSHOT.
 * - `cloudwatchLogsExports`: default every log type the engine can export (an empty list exports
 *   nothing), into log groups the construct creates first, encrypted with a customer managed key.
 *   `cloudwatchLogsRetention`: default ten years, applied to those groups.
 * - `instanceIdentifier`: default, when logs are exported, a name made from the construct path (the log
 *   groups are named after it, so it must be known before the instance exists). Warning: a change that
 *   replaces the instance fails while the old one holds the name; change the identifier with it.
 * - `performanceInsightEncryptionKey`: default the storage key, when Performance Insights is on.
 */
export interface EncryptedDatabaseInstanceProps extends rds.DatabaseInstanceProps {
  /**
   * The KMS key that encrypts the exported log groups. Its key policy must let
   * `logs.<region>.amazonaws.com` use it for them.
   *
   * @default - the storage key when the construct creates it (it is allowed to CloudWatch Logs for
   * these log groups); otherwise a new `KmsKeyWithRotation`
   */
  readonly cloudwatchLogsEncryptionKey?: kms.IKey;
}

/**
 * An Amazon RDS DB instance encrypted at rest with a customer managed key, that requires TLS.
 *
 * - Storage, snapshots, automated backups and the master password secret (generated and rotated by
 *   RDS in Secrets Manager) are encrypted with `storageEncryptionKey`, a new `KmsKeyWithRotation` by
 *   default. Performance Insights, when on, uses it too unless given a key; exported logs go to log
 *   groups encrypted with a customer managed key.
 * - The engine refuses clear-text connections, by its own parameter in a parameter group the
 *   construct owns: PostgreSQL and SQL Server `rds.force_ssl`, MySQL and MariaDB
 *   `require_secure_transport`, Db2 `DB2COMM` = SSL (TLS on port 50443). Oracle requires native network
 *   encryption through an option group, because its SSL option leaves the clear-text port open.
 * - IAM database authentication on (where the engine has it); not publicly accessible, in private subnets; Multi-AZ; deletion
 *   protection and a final snapshot on removal (`RemovalPolicy.SNAPSHOT`).
 *
 * Option 2: a `storageEncryptionKey` in a CloudHSM custom key store. KMS keys in a CloudHSM key store
 * work with every AWS service that supports customer managed symmetric keys, and RDS uses only
 * symmetric keys, so every engine and every feature above accepts one
 * (https://docs.aws.amazon.com/kms/latest/developerguide/use-cmk-keystore.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html). Such keys do
 * not rotate automatically, and while the key store is disconnected the instance cannot read its
 * storage.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const app: iam.IRole;
 *
 * const db = new EncryptedDatabaseInstance(this, 'Orders', {
 *   engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
 *   vpc,
 * });
 * db.grantConnect(app, 'orders_app');
 */
export class EncryptedDatabaseInstance extends rds.DatabaseInstance {
  /** The key that encrypts the storage, snapshots, backups and the master password secret. */
  public readonly storageEncryptionKey: kms.IKeyRef;

  /** The key that encrypts the exported log groups, if logs are exported. */
  public readonly cloudwatchLogsEncryptionKey?: kms.IKey;

  /**
   * The Secrets Manager secret, managed and rotated by RDS, that holds the master user's credentials.
   */
  public readonly masterUserSecret: secretsmanager.ISecret;

  /** The port clients connect to with TLS: the instance port, except on Db2 (50443). */
  public readonly tlsPort: number;

  /** The option group the construct creates for Oracle (native network encryption required), if any. */
  public readonly oracleOptionGroup?: rds.OptionGroup;

  constructor(scope: Construct, id: string, props: EncryptedDatabaseInstanceProps) {
    const path = childPath(scope, id);
    const family = validateProps(path, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const ownKey = props.storageEncryptionKey === undefined
      ? newDatabaseKey(scope, `${id}Key`, `Encrypts the RDS instance ${path}: storage, snapshots, backups, master password, logs`, removalPolicy)
      : undefined;
    const storageKey: kms.IKeyRef = props.storageEncryptionKey ?? ownKey!;
    const logTypes = props.cloudwatchLogsExports ?? exportableLogTypes(family, props.engine.engineType);
    const performanceInsights = props.enablePerformanceInsights === true
      || props.performanceInsightRetention !== undefined || props.performanceInsightEncryptionKey !== undefined;

    super(scope, id, {
      ...props,
      storageEncrypted: true,
      storageEncryptionKey: storageKey,
      publiclyAccessible: false,
      // Left unset where the engine has no IAM authentication, so the template states nothing it cannot have.
      iamAuthentication: checkIamAuthentication(path, family, props.iamAuthentication) ? true : undefined,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
      // SQL Server Express and Web have no Multi-AZ (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_SQLServerMultiAZ.html).
      multiAz: props.multiAz ?? !['sqlserver-ex', 'sqlserver-web'].includes(props.engine.engineType),
      vpcSubnets: props.vpcSubnets ?? defaultPrivateSubnets(props.vpc),
      // aws-cdk-lib's shape for a user name without a generated secret; the password is replaced below by
      // the one RDS manages, so this placeholder never reaches the template.
      credentials: rds.Credentials.fromPassword(masterUsername(path, props.credentials, props.engine.defaultUsername ?? 'admin'),
        SecretValue.unsafePlainText('replaced-by-rds-managed-password')),
      parameters: { ...props.parameters, ...tlsParameters(family, DB2_TLS_PORT) },
      cloudwatchLogsExports: logTypes.length > 0 ? logTypes : undefined,
      cloudwatchLogsRetention: undefined,
      enablePerformanceInsights: performanceInsights ? true : undefined,
      performanceInsightEncryptionKey: performanceInsights ? props.performanceInsightEncryptionKey ?? storageKey : undefined,
    });

    const cfn = this.node.defaultChild as rds.CfnDBInstance;
    manageMasterPassword(cfn, storageKey);

    if (family === 'oracle') {
      this.oracleOptionGroup = new rds.OptionGroup(this, 'OptionGroup', {
        engine: props.engine,
        description: `Native network encryption required on ${path}`,
        configurations: [ORACLE_NETWORK_ENCRYPTION],
      });
      cfn.optionGroupName = this.oracleOptionGroup.optionGroupName;
    }

    if (logTypes.length > 0) {
      const identifier = props.instanceIdentifier ?? generatedIdentifier(this);
      cfn.dbInstanceIdentifier = identifier;
      this.cloudwatchLogsEncryptionKey = encryptLogExports(this, cfn, {
        kind: 'instance',
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
    this.tlsPort = family === 'db2' ? DB2_TLS_PORT : Token.asNumber(this.dbInstanceEndpointPort);
    this.masterUserSecret = secretsmanager.Secret.fromSecretCompleteArn(this, 'MasterUserSecret', cfn.attrMasterUserSecretSecretArn);
    acknowledgeDatabaseChoices(this);
  }
}

function validateProps(path: string, props: EncryptedDatabaseInstanceProps): EngineFamily {
  refuseBoolean(path, 'storageEncrypted', props.storageEncrypted, true, 'the storage is always encrypted', 'Use rds.DatabaseInstance for an unencrypted instance.');
  refuseBoolean(path, 'publiclyAccessible', props.publiclyAccessible, false, 'the instance is never public', 'Reach it from the VPC, through a VPN, Direct Connect or a bastion.');
  const family = requireKnownEngine(path, props.engine.engineType, props.engine.parameterGroupFamily);
  if (props.parameterGroup !== undefined) {
    throw new KmiValidationError({
      path,
      prop: 'parameterGroup',
      given: 'a parameter group',
      allowed: 'unset (the construct owns the parameter group, so that TLS stays required)',
      fix: 'Give the parameters as `parameters`.',
    });
  }
  if (family === 'oracle' && props.optionGroup !== undefined) {
    throw new KmiValidationError({
      path,
      prop: 'optionGroup',
      given: 'an option group',
      allowed: 'unset for Oracle (the construct creates one that requires native network encryption)',
      fix: 'Add your options to the construct\'s `oracleOptionGroup` with addConfiguration.',
    });
  }
  checkTlsParameters(path, family, props.parameters);
  checkPrivateSubnets(path, props.vpc, props.vpcSubnets);
  return family;
}
