/**
 * Whether an RDS DB instance or DB cluster refuses connections without encryption in transit, read
 * from its engine and the parameter group (and, for Oracle, the option group) it names: by the posture
 * report and the KmiChecks pack alike.
 *
 * Each engine's parameter and its default:
 * - PostgreSQL: `rds.force_ssl` 1; default 1 from version 15, 0 before
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/ssl-certificate-rotation-postgresql.html).
 * - Aurora PostgreSQL: `rds.force_ssl` 1; the default depends on the version
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html).
 * - MySQL: `require_secure_transport` ON/1; default OFF up to 8.4, ON from 9.7
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html).
 * - MariaDB: `require_secure_transport` ON/1; default OFF up to 11.4, ON from 11.8
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html).
 * - Aurora MySQL: `require_secure_transport` ON/1 in the cluster parameter group; default OFF
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html).
 * - SQL Server: `rds.force_ssl` 1; default 0
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html).
 * - Db2: `DB2COMM` SSL (the clear-text listener off); default TCPIP
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Db2.Concepts.SSL.html).
 * - Oracle: no parameter. The SSL option of an option group opens a TLS listener beside the clear-text
 *   one, so it does not require encryption
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.Options.SSL.html);
 *   native network encryption with `SQLNET.ENCRYPTION_SERVER` REQUIRED refuses unencrypted connections
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Oracle.Options.NNE.Options.html).
 */
import { ResolvedResource, TemplateView } from './resources';
import { flatten, isObject, listOf } from './values';

/**
 * `required`: every connection is encrypted; `not-required`: connections without encryption are
 * accepted; `engine-default`: no parameter says, and the engine's default depends on a version the
 * template does not state; `unknown`: what decides it is not in the template (a parameter group
 * defined elsewhere, a value known only at deployment).
 */
export type RdsTlsState = 'required' | 'not-required' | 'engine-default' | 'unknown';

/** What the database's settings say about encryption in transit. */
export interface RdsTls {
  readonly state: RdsTlsState;
  /** Short, for the report's TLS column: `TLS required`, `NNE required`, `not enforced`, `engine default`, `unknown`. */
  readonly summary: string;
  /** Why, in one sentence. */
  readonly reason: string;
}

type Family = 'postgres' | 'aurora-postgresql' | 'mysql' | 'mariadb' | 'aurora-mysql' | 'sqlserver' | 'oracle' | 'db2';

/** The parameter of each family (not Oracle) and the values that require TLS (compared without case). */
const PARAMETERS: Record<Exclude<Family, 'oracle'>, { name: string; required: string[] }> = {
  'postgres': { name: 'rds.force_ssl', required: ['1', 'true', 'on'] },
  'aurora-postgresql': { name: 'rds.force_ssl', required: ['1', 'true', 'on'] },
  'sqlserver': { name: 'rds.force_ssl', required: ['1', 'true', 'on'] },
  'mysql': { name: 'require_secure_transport', required: ['1', 'on', 'true'] },
  'mariadb': { name: 'require_secure_transport', required: ['1', 'on', 'true'] },
  'aurora-mysql': { name: 'require_secure_transport', required: ['1', 'on', 'true'] },
  'db2': { name: 'DB2COMM', required: ['ssl'] },
};

/** The engine family of an RDS `Engine` value, or undefined. */
export function rdsEngineFamily(engine: unknown): Family | undefined {
  if (typeof engine !== 'string') {
    return undefined;
  }
  const e = engine.toLowerCase();
  if (e === 'aurora' || e === 'aurora-mysql') return 'aurora-mysql';
  if (e === 'aurora-postgresql') return 'aurora-postgresql';
  if (e === 'postgres' || e === 'mysql' || e === 'mariadb') return e;
  if (e.startsWith('sqlserver')) return 'sqlserver';
  if (e.startsWith('oracle')) return 'oracle';
  if (e.startsWith('db2')) return 'db2';
  return undefined;
}

/** `[major, minor]` of an `EngineVersion`, or undefined when it is absent or not a literal. */
function versionOf(value: unknown): [number, number] | undefined {
  const match = typeof value === 'string' ? /^(\d+)(?:\.(\d+))?/.exec(value) : null;
  return match ? [Number(match[1]), Number(match[2] ?? 0)] : undefined;
}

const atLeast = (v: [number, number], major: number, minor = 0) => v[0] > major || (v[0] === major && v[1] >= minor);

/** The engine's own default, when the template sets no parameter. */
function engineDefault(family: Family | undefined, version: [number, number] | undefined, name: string): RdsTls {
  const off = (why: string): RdsTls => ({ state: 'not-required', summary: 'not enforced', reason: `${name}: ${why}` });
  const on = (why: string): RdsTls => ({ state: 'required', summary: 'TLS required (engine default)', reason: `${name}: ${why}` });
  const depends: RdsTls = {
    state: 'engine-default',
    summary: 'engine default',
    reason: `${name}: no parameter requires TLS (rds.force_ssl or require_secure_transport): the engine version's default applies`,
  };
  switch (family) {
    case 'postgres':
      if (version === undefined) return depends;
      return atLeast(version, 15) ? on('rds.force_ssl defaults to 1 from PostgreSQL 15') : off('rds.force_ssl defaults to 0 before PostgreSQL 15');
    case 'mysql':
      if (version !== undefined && atLeast(version, 9, 7)) return on('require_secure_transport defaults to ON from MySQL 9.7');
      return version !== undefined && !atLeast(version, 8, 5) ? off('require_secure_transport defaults to OFF up to MySQL 8.4') : depends;
    case 'mariadb':
      if (version !== undefined && atLeast(version, 11, 8)) return on('require_secure_transport defaults to ON from MariaDB 11.8');
      return version !== undefined && !atLeast(version, 11, 5) ? off('require_secure_transport defaults to OFF up to MariaDB 11.4') : depends;
    case 'aurora-mysql':
      return off('require_secure_transport defaults to OFF on Aurora MySQL');
    case 'sqlserver':
      return off('rds.force_ssl defaults to 0 on SQL Server');
    case 'db2':
      return off('DB2COMM defaults to TCPIP (clear text); TLS only with DB2COMM SSL');
    default:
      return depends;
  }
}

/** The resource of `types` that a reference (a `Ref`, or the literal name in `nameProperty`) names. */
function named(view: TemplateView, ref: unknown, type: string, nameProperty: string): ResolvedResource | undefined {
  const text = flatten(ref);
  return view.resourcesOfType(type).find((r) => text === `\${${r.logicalId}}` || (typeof r.properties[nameProperty] === 'string' && r.properties[nameProperty] === text));
}

const unknown = (reason: string): RdsTls => ({ state: 'unknown', summary: 'unknown', reason });

/** The source instance of a read replica, when it is in the template. */
function sourceOf(view: TemplateView, database: ResolvedResource): ResolvedResource | undefined {
  const source = database.properties.SourceDBInstanceIdentifier;
  if (source === undefined) {
    return undefined;
  }
  const text = flatten(source);
  return view.resourcesOfType('AWS::RDS::DBInstance').find((r) => r.logicalId !== database.logicalId && text.includes(`\${${r.logicalId}}`));
}

/**
 * Whether the DB instance or cluster requires encrypted connections. A read replica without an
 * `Engine` takes its source's, when the source is in the template.
 */
export function rdsTransport(view: TemplateView, database: ResolvedResource): RdsTls {
  const cluster = database.type === 'AWS::RDS::DBCluster';
  const source = cluster ? undefined : sourceOf(view, database);
  const engine = database.properties.Engine ?? source?.properties.Engine;
  const family = rdsEngineFamily(engine);
  const version = versionOf(database.properties.EngineVersion ?? source?.properties.EngineVersion);
  if (family === 'oracle') {
    return oracleTransport(view, database);
  }
  const groupProperty = cluster ? 'DBClusterParameterGroupName' : 'DBParameterGroupName';
  const groupType = cluster ? 'AWS::RDS::DBClusterParameterGroup' : 'AWS::RDS::DBParameterGroup';
  const groupRef = database.properties[groupProperty];
  if (groupRef === undefined || (typeof groupRef === 'string' && groupRef.startsWith('default.'))) {
    return engineDefault(family, version, groupRef === undefined ? 'the default parameter group' : `parameter group ${groupRef}`);
  }
  const group = named(view, groupRef, groupType, groupProperty);
  if (group === undefined) {
    return unknown(`TLS depends on parameter group ${flatten(groupRef)}, defined outside this template`);
  }
  const parameters = isObject(group.properties.Parameters) ? group.properties.Parameters : {};
  const wanted = family === undefined ? Object.values(PARAMETERS) : [PARAMETERS[family]];
  const distinct = [...new Map(wanted.map((p) => [p.name, p])).values()];
  const set = distinct
    .map((p) => ({ p, entry: Object.entries(parameters).find(([name]) => name.toLowerCase() === p.name.toLowerCase()) }))
    .filter((x) => x.entry !== undefined);
  if (set.length === 0) {
    return engineDefault(family, version, `parameter group ${group.logicalId}`);
  }
  for (const { p, entry } of set) {
    const value = entry![1];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return unknown(`${p.name} of ${group.logicalId} is ${JSON.stringify(value)}, known only at deployment`);
    }
    if (p.required.includes(String(value).toLowerCase())) {
      return { state: 'required', summary: 'TLS required', reason: `${p.name} ${value} in ${group.logicalId}` };
    }
  }
  const names = set.map(({ p, entry }) => `${p.name} ${entry![1]}`).join(', ');
  return { state: 'not-required', summary: 'not enforced', reason: `parameter ${names} in ${group.logicalId} lets clients connect without TLS` };
}

/** Oracle: native network encryption required by the option group, or not. */
function oracleTransport(view: TemplateView, database: ResolvedResource): RdsTls {
  const ref = database.properties.OptionGroupName;
  if (ref === undefined || (typeof ref === 'string' && ref.startsWith('default:'))) {
    return { state: 'not-required', summary: 'not enforced', reason: 'Oracle on the default option group: no native network encryption required, clear-text connections accepted' };
  }
  const group = named(view, ref, 'AWS::RDS::OptionGroup', 'OptionGroupName');
  if (group === undefined) {
    return unknown(`encryption in transit depends on option group ${flatten(ref)}, defined outside this template`);
  }
  const options = listOf(group.properties.OptionConfigurations).filter(isObject);
  const nne = options.find((o) => o.OptionName === 'NATIVE_NETWORK_ENCRYPTION');
  const setting = listOf(nne?.OptionSettings).filter(isObject).find((s) => s.Name === 'SQLNET.ENCRYPTION_SERVER');
  if (setting !== undefined && typeof setting.Value !== 'string') {
    return unknown(`SQLNET.ENCRYPTION_SERVER of ${group.logicalId} is ${JSON.stringify(setting.Value)}, known only at deployment`);
  }
  if (typeof setting?.Value === 'string' && setting.Value.toUpperCase() === 'REQUIRED') {
    return { state: 'required', summary: 'NNE required', reason: `native network encryption SQLNET.ENCRYPTION_SERVER REQUIRED in ${group.logicalId}` };
  }
  const ssl = options.some((o) => o.OptionName === 'SSL');
  return {
    state: 'not-required',
    summary: 'not enforced',
    reason: ssl
      ? `the SSL option of ${group.logicalId} opens a TLS listener beside the clear-text one: clear-text connections are still accepted`
      : `option group ${group.logicalId} does not require native network encryption (SQLNET.ENCRYPTION_SERVER REQUIRED)`,
  };
}
