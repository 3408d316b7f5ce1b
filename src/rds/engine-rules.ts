/**
 * What each RDS engine needs so that every connection is encrypted in transit, and which logs it can
 * export to CloudWatch Logs. One table, used by the instance, cluster and read-replica constructs.
 */
import { Token } from 'aws-cdk-lib';
import { KmiValidationError } from '../private/errors';

/** The engine families the database constructs know. */
export type EngineFamily = 'postgres' | 'mysql' | 'mariadb' | 'sqlserver' | 'oracle' | 'db2' | 'aurora-mysql' | 'aurora-postgresql';

/** The family of an RDS engine type (`engine.engineType`), or undefined for an engine the constructs do not know. */
export function engineFamily(engineType: string): EngineFamily | undefined {
  if (engineType === 'aurora' || engineType === 'aurora-mysql') {
    return 'aurora-mysql';
  }
  if (engineType === 'aurora-postgresql') {
    return 'aurora-postgresql';
  }
  if (engineType === 'postgres' || engineType === 'mysql' || engineType === 'mariadb') {
    return engineType;
  }
  if (engineType.startsWith('sqlserver')) {
    return 'sqlserver';
  }
  if (engineType.startsWith('oracle')) {
    return 'oracle';
  }
  if (engineType.startsWith('db2')) {
    return 'db2';
  }
  return undefined;
}

/**
 * The parameter that makes the engine refuse connections without TLS, and the value that turns it on.
 *
 * - PostgreSQL and Aurora PostgreSQL: `rds.force_ssl` = 1
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html).
 * - MySQL, MariaDB and Aurora MySQL: `require_secure_transport` = 1 (ON)
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html).
 * - SQL Server: `rds.force_ssl` = 1, applied at the next reboot
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html).
 * - Db2: `DB2COMM` = SSL (the clear-text listener off) and `SSL_SVCENAME` = the TLS port
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Db2.Concepts.SSL.html).
 * - Oracle has no such parameter: see `ORACLE_NETWORK_ENCRYPTION`.
 */
export function tlsParameters(family: EngineFamily, db2TlsPort: number): Record<string, string> {
  switch (family) {
    case 'postgres':
    case 'aurora-postgresql':
    case 'sqlserver':
      return { 'rds.force_ssl': '1' };
    case 'mysql':
    case 'mariadb':
    case 'aurora-mysql':
      return { require_secure_transport: '1' };
    case 'db2':
      return { DB2COMM: 'SSL', SSL_SVCENAME: `${db2TlsPort}` };
    case 'oracle':
      return {};
  }
}

/** Values of each TLS parameter that keep TLS required (compared without case: RDS accepts 1/ON/true alike). */
const REQUIRED_VALUES: Record<string, string[]> = {
  'rds.force_ssl': ['1', 'true', 'on'],
  'require_secure_transport': ['1', 'on', 'true'],
  'DB2COMM': ['SSL'],
};

/** The port Db2 listens on for TLS when the construct turns its clear-text listener off. */
export const DB2_TLS_PORT = 50443;

/**
 * Oracle: the SSL option opens a second (TLS) listener and leaves the clear-text one open, so it cannot
 * require TLS (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.Options.SSL.html);
 * Oracle native network encryption with `SQLNET.ENCRYPTION_SERVER` REQUIRED refuses every connection
 * that is not encrypted (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Oracle.Options.NNE.Options.html).
 * The two cannot be used on one instance. The instance's option group gets this option.
 */
export const ORACLE_NETWORK_ENCRYPTION = {
  name: 'NATIVE_NETWORK_ENCRYPTION',
  settings: {
    'SQLNET.ENCRYPTION_SERVER': 'REQUIRED',
    'SQLNET.ENCRYPTION_TYPES_SERVER': 'AES256',
    'SQLNET.CRYPTO_CHECKSUM_SERVER': 'REQUIRED',
    'SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER': 'SHA256',
  },
};

/**
 * Every log type the engine can export to CloudWatch Logs (the engine's `ExportableLogTypes`), which
 * the NIST 800-53, HIPAA and PCI packs ask for (`RDSLoggingEnabled`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
 */
export function exportableLogTypes(family: EngineFamily, engineType: string): string[] {
  switch (family) {
    case 'postgres':
      return ['postgresql', 'upgrade'];
    case 'aurora-postgresql':
      return ['postgresql'];
    case 'mysql':
    case 'mariadb':
    case 'aurora-mysql':
      return ['audit', 'error', 'general', 'slowquery'];
    case 'sqlserver':
      // SQL Server Express has no SQL Server Agent, so no agent log.
      return engineType === 'sqlserver-ex' ? ['error'] : ['agent', 'error'];
    case 'oracle':
      return ['alert', 'audit', 'listener', 'trace', 'oemagent'];
    case 'db2':
      return ['diag.log', 'notify.log'];
  }
}

/** Refuses a user parameter that would turn off the engine's TLS requirement (unresolved values pass). */
export function checkTlsParameters(path: string, family: EngineFamily, parameters: Record<string, string> | undefined): void {
  for (const name of Object.keys(tlsParameters(family, DB2_TLS_PORT))) {
    const value = parameters?.[name];
    const required = REQUIRED_VALUES[name];
    const unknown = value === undefined || Token.isUnresolved(value) || required === undefined;
    if (unknown || required.some((v) => v.toLowerCase() === String(value).toLowerCase())) {
      continue;
    }
    throw new KmiValidationError({
      path,
      prop: `parameters.${name}`,
      given: `'${value}'`,
      allowed: `${required.map((v) => `'${v}'`).join(', ')} or unset`,
      fix: 'The construct requires TLS on every connection through this parameter; use the aws-cdk-lib construct for a database that accepts clear-text connections.',
    });
  }
}

/** Refuses an engine the constructs do not know, or one with no version (a parameter group needs the family). */
export function requireKnownEngine(path: string, engineType: string, parameterGroupFamily: string | undefined): EngineFamily {
  const family = engineFamily(engineType);
  if (family === undefined) {
    throw new KmiValidationError({
      path,
      prop: 'engine',
      given: `'${engineType}'`,
      allowed: 'PostgreSQL, MySQL, MariaDB, SQL Server, Oracle or Db2 (instances); Aurora MySQL or Aurora PostgreSQL (clusters)',
    });
  }
  if (parameterGroupFamily === undefined) {
    throw new KmiValidationError({
      path,
      prop: 'engine',
      given: `'${engineType}' without a version`,
      allowed: 'an engine with a version, such as rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 })',
      fix: 'The TLS parameter goes in a parameter group of the engine\'s family, which only a versioned engine names.',
    });
  }
  return family;
}

/**
 * Whether the engine supports IAM database authentication: MariaDB, MySQL, PostgreSQL and Aurora do;
 * SQL Server, Oracle and Db2 do not (they authenticate directory users with Kerberos, `domain`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html#UsingWithRDS.IAMDBAuth.Availability
 */
export function supportsIamAuthentication(family: EngineFamily): boolean {
  return family !== 'sqlserver' && family !== 'oracle' && family !== 'db2';
}

/** Refuses `iamAuthentication` false where the engine supports it, and true where it does not. */
export function checkIamAuthentication(path: string, family: EngineFamily, given: boolean | undefined): boolean {
  const supported = supportsIamAuthentication(family);
  if (given !== undefined && !Token.isUnresolved(given) && given !== supported) {
    throw new KmiValidationError({
      path,
      prop: 'iamAuthentication',
      given: `${given}`,
      allowed: supported ? 'true or unset (IAM database authentication is always on)'
        : `false or unset (${family} does not support IAM database authentication)`,
      fix: supported ? undefined : 'Authenticate directory users with Kerberos (`domain`).',
    });
  }
  return supported;
}
