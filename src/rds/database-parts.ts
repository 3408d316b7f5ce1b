/**
 * Parts the encrypted database constructs share: the generated identifier, the encrypted log groups
 * and their key, the RDS-managed master password, and the checks every database makes.
 */
import { Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { KmiValidationError } from '../private/errors';

/** What the CloudWatch Logs service does with a log group's key (explicit actions, no wildcards). */
const LOGS_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * An identifier RDS accepts (1–63 letters, digits and hyphens, a letter first, no two hyphens in a row,
 * no hyphen last), unique in the account and Region for this construct path. The exported log groups are
 * named after it, so they can exist, encrypted, before the database does.
 */
export function generatedIdentifier(scope: IConstruct): string {
  const name = Names.uniqueResourceName(scope, { maxLength: 60, separator: '-' })
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-$/, '');
  return `kmi${name}`.slice(0, 63).replace(/-$/, '');
}

/**
 * Log groups that RDS exports to, created before the database and encrypted with `key`.
 *
 * RDS writes exported logs to `/aws/rds/instance/<id>/<type>` (instances) or
 * `/aws/rds/cluster/<id>/<type>` (clusters), creating the group only if it does not exist
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html);
 * a group can be encrypted with a KMS key only if the key policy lets `logs.<region>.amazonaws.com`
 * use it for that group's ARN (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function exportedLogGroups(scope: Construct, kind: 'instance' | 'cluster', identifier: string, types: string[],
  key: kms.IKey, retention: logs.RetentionDays, removalPolicy: RemovalPolicy): logs.LogGroup[] {
  return types.map((type) => {
    const group = new logs.LogGroup(scope, `Logs${type.replace(/[^A-Za-z0-9]/g, '')}`, {
      logGroupName: `/aws/rds/${kind}/${identifier}/${type}`,
      encryptionKey: key,
      retention,
      removalPolicy,
    });
    return group;
  });
}

/** What a database needs to export its logs encrypted. */
export interface LogExportOptions {
  readonly kind: 'instance' | 'cluster';
  /** The database identifier as given (RDS keeps identifiers in lower case). */
  readonly identifier: string;
  readonly types: string[];
  /** The key given for the logs, if any. */
  readonly givenKey?: kms.IKey;
  /** The storage key the construct created, if it created one. */
  readonly ownKey?: kms.IKey;
  readonly retention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly path: string;
}

/**
 * Creates the encrypted log groups of a database before it (the database depends on them) and returns
 * the key that encrypts them: the one given, else the storage key the construct created, else a new
 * `KmsKeyWithRotation`; a key the construct chose is allowed to CloudWatch Logs for these groups.
 */
export function encryptLogExports(database: Construct, cfn: rds.CfnDBInstance | rds.CfnDBCluster, options: LogExportOptions): kms.IKey {
  const identifier = Token.isUnresolved(options.identifier) ? options.identifier : options.identifier.toLowerCase();
  const key = options.givenKey ?? options.ownKey
    ?? new KmsKeyWithRotation(database, 'LogsKey', { description: `Encrypts the log groups of the RDS ${options.kind} ${options.path}` });
  if (options.givenKey === undefined) {
    allowLogsService(key, options.kind, identifier);
  }
  const groups = exportedLogGroups(database, options.kind, identifier, options.types, key,
    options.retention ?? logs.RetentionDays.TEN_YEARS,
    options.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
  groups.forEach((group) => cfn.node.addDependency(group));
  return key;
}

/** Lets CloudWatch Logs use `key` for the log groups of one database, and nothing else. */
export function allowLogsService(key: kms.IKey, kind: 'instance' | 'cluster', identifier: string): void {
  const stack = Stack.of(key);
  const suffix = Token.isUnresolved(identifier) ? '' : identifier.replace(/[^A-Za-z0-9]/g, '');
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AllowCloudWatchLogsFor${kind === 'instance' ? 'Instance' : 'Cluster'}${suffix}`.slice(0, 100),
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: LOGS_KEY_ACTIONS,
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:/aws/rds/${kind}/${identifier}/*` },
    },
  }));
}

/** The key the construct creates for a database's storage, snapshots, master password and logs. */
export function newDatabaseKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): KmsKeyWithRotation {
  return new KmsKeyWithRotation(scope, id, {
    description,
    // Snapshots (including the final one) stay readable only while the key exists.
    removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
}

/**
 * The master user name, from `credentials`. Only a user name is accepted: the password is generated,
 * kept and rotated by RDS in Secrets Manager (`ManageMasterUserPassword`), encrypted with the
 * database's key (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
 */
export function masterUsername(path: string, credentials: rds.Credentials | undefined, fallback: string): string {
  if (credentials === undefined) {
    return fallback;
  }
  const extra = [
    credentials.password ? 'a password' : undefined,
    credentials.secret ? 'a secret' : undefined,
    credentials.encryptionKey ? 'an encryptionKey' : undefined,
    credentials.secretName ? 'a secretName' : undefined,
    credentials.excludeCharacters ? 'excludeCharacters' : undefined,
    credentials.replicaRegions ? 'replicaRegions' : undefined,
  ].filter((x) => x !== undefined);
  if (extra.length > 0) {
    throw new KmiValidationError({
      path,
      prop: 'credentials',
      given: `credentials with ${extra.join(', ')}`,
      allowed: "a user name only: rds.Credentials.fromUsername('name')",
      fix: 'RDS generates the master password, keeps it in Secrets Manager encrypted with the database key and rotates it every 7 days; the construct exposes it as masterUserSecret.',
    });
  }
  return credentials.username;
}

/** Makes RDS generate and keep the master password in Secrets Manager, encrypted with `key`. */
export function manageMasterPassword(cfn: rds.CfnDBInstance | rds.CfnDBCluster, key: kms.IKeyRef): void {
  cfn.masterUserPassword = undefined;
  cfn.manageMasterUserPassword = true;
  cfn.masterUserSecret = { kmsKeyId: key.keyRef.keyArn };
}

/** Refuses a subnet selection with public subnets (or none). */
export function checkPrivateSubnets(path: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): void {
  if (selection === undefined) {
    return;
  }
  const chosen = vpc.selectSubnets(selection);
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const publicChosen = chosen.subnets.filter((s) => publicIds.has(s.subnetId));
  if (publicChosen.length > 0 || chosen.subnetIds.length === 0) {
    throw new KmiValidationError({
      path,
      prop: 'vpcSubnets',
      given: publicChosen.length > 0 ? `${publicChosen.length} public subnet(s)` : 'a selection with no subnets',
      allowed: 'private or isolated subnets of the VPC',
      fix: 'An encrypted database never sits in a public subnet; reach it from the VPC, a VPN or Direct Connect.',
    });
  }
}

/** The subnets a database goes in when none are chosen: private ones, or isolated ones if there are no private ones. */
export function defaultPrivateSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return { subnetType: vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
}

/** Refuses a boolean prop that the construct requires to have one value. */
export function refuseBoolean(path: string, prop: string, given: boolean | undefined, required: boolean, why: string, fix?: string): void {
  if (given !== undefined && !Token.isUnresolved(given) && given !== required) {
    throw new KmiValidationError({ path, prop, given: `${given}`, allowed: `${required} or unset (${why})`, fix });
  }
}

/** The documented way to encrypt what was stored unencrypted: copy a snapshot with a key, restore the copy. */
export const UNENCRYPTED_SOURCE_FIX = 'RDS cannot make an encrypted replica or clone of an unencrypted database. Take a snapshot, copy it with a KMS key of this Region (CopyDBSnapshot / CopyDBClusterSnapshot with KmsKeyId), and restore the encrypted copy (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html#Overview.Encryption.Limitations).';
