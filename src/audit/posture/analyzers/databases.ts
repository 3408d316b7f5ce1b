/**
 * Posture of databases: RDS and Aurora, DynamoDB, Redshift.
 */
import { Finding, finding } from '../findings';
import { awsManagedKey, awsOwnedKey, describeKey, KeyDescription } from '../keys';
import { isUndecided, TemplateContext, truth } from '../read/template';
import { Analyzer, encryptedWith, inherited, unencrypted, undecided } from '../rows';

/** `AWS::RDS::DBInstance`. An instance of an Aurora cluster is left out: its cluster's row covers its storage. */
export const analyzeDbInstance: Analyzer = (ctx, _logicalId, props) => {
  if (props.DBClusterIdentifier !== undefined) {
    return undefined;
  }
  return database(ctx, props, 'DBParameterGroupName', 'AWS::RDS::DBParameterGroup', [
    [props.SourceDBInstanceIdentifier, 'read replica: encryption is its source database\'s'],
    [props.DBSnapshotIdentifier, 'restored from a snapshot: encryption is the snapshot\'s'],
  ]);
};

/** `AWS::RDS::DBCluster` (Aurora, Multi-AZ DB clusters). */
export const analyzeDbCluster: Analyzer = (ctx, _logicalId, props) => {
  if (props.EngineMode === 'serverless' && props.StorageEncrypted === undefined) {
    // Aurora Serverless v1 clusters are always encrypted.
    return database(ctx, { ...props, StorageEncrypted: true }, 'DBClusterParameterGroupName', 'AWS::RDS::DBClusterParameterGroup', []);
  }
  return database(ctx, props, 'DBClusterParameterGroupName', 'AWS::RDS::DBClusterParameterGroup', [
    [props.SnapshotIdentifier, 'restored from a snapshot: encryption is the snapshot\'s'],
    [props.SourceDBClusterIdentifier, 'restored from another cluster: encryption is its source\'s'],
  ]);
};

function database(ctx: TemplateContext, props: any, groupProperty: string, groupType: string, sources: Array<[any, string]>) {
  const transport = rdsTls(ctx, props[groupProperty], groupType);
  const findings: Finding[] = [...transport.findings];
  if (truth(props.PubliclyAccessible) === true) {
    findings.push(finding('public-access', 'database publicly accessible (PubliclyAccessible true)'));
  }
  const extras = { tls: transport.tls, findings };
  if (isUndecided(props.StorageEncrypted)) {
    return undecided(ctx, props.StorageEncrypted, extras);
  }
  const source = sources.find(([value]) => value !== undefined);
  if (props.StorageEncrypted === undefined && source !== undefined) {
    return inherited('inherited', source[1], extras);
  }
  if (truth(props.StorageEncrypted) !== true) {
    return unencrypted('database storage not encrypted (StorageEncrypted not true)', extras);
  }
  return encryptedWith('RDS storage (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/rds')), extras);
}

const TLS_PARAMETERS: Record<string, string[]> = {
  'rds.force_ssl': ['1', 'true'],
  'require_secure_transport': ['1', 'on', 'true'],
};

/** Whether the database's parameter group requires TLS (`rds.force_ssl`, `require_secure_transport`). */
function rdsTls(ctx: TemplateContext, groupRef: any, groupType: string): { tls: string; findings: Finding[] } {
  const group = ctx.referenced(groupRef);
  const engineDefault = typeof groupRef === 'string' && groupRef.startsWith('default.');
  if (groupRef !== undefined && !engineDefault && group?.resource.Type !== groupType) {
    return {
      tls: 'not visible here',
      findings: [finding('tls-engine-default', `TLS depends on parameter group ${ctx.render(groupRef)}, defined outside this template`)],
    };
  }
  const parameters = group ? ctx.properties(group.logicalId).Parameters ?? {} : {};
  const set = Object.keys(TLS_PARAMETERS).filter((name) => parameters[name] !== undefined);
  if (set.length === 0) {
    return {
      tls: 'engine default',
      findings: [finding('tls-engine-default', 'no parameter requires TLS (rds.force_ssl or require_secure_transport): the engine version\'s default applies')],
    };
  }
  const required = set.some((name) => TLS_PARAMETERS[name].includes(String(parameters[name]).toLowerCase()));
  return required
    ? { tls: 'TLS required', findings: [] }
    : { tls: 'not enforced', findings: [finding('tls-not-enforced', `parameter ${set.join(', ')} lets clients connect without TLS`)] };
}

/** `AWS::DynamoDB::Table`: no `SSESpecification` means DynamoDB's AWS owned key. */
export const analyzeTable: Analyzer = (ctx, _logicalId, props) => {
  const sse = props.SSESpecification;
  if (isUndecided(sse?.SSEEnabled)) {
    return undecided(ctx, sse.SSEEnabled);
  }
  if (truth(sse?.SSEEnabled) !== true) {
    return encryptedWith('DynamoDB (AWS owned key)', awsOwnedKey('DynamoDB'));
  }
  return encryptedWith('DynamoDB (KMS)', describeKey(ctx, sse.KMSMasterKeyId, awsManagedKey('aws/dynamodb')));
};

/** `AWS::DynamoDB::GlobalTable`: the key of each replica (a customer managed key is per Region). */
export const analyzeGlobalTable: Analyzer = (ctx, _logicalId, props) => {
  const sse = props.SSESpecification;
  if (isUndecided(sse?.SSEEnabled)) {
    return undecided(ctx, sse.SSEEnabled);
  }
  if (truth(sse?.SSEEnabled) !== true) {
    return encryptedWith('DynamoDB (AWS owned key)', awsOwnedKey('DynamoDB'));
  }
  const replicas: any[] = [].concat(props.Replicas ?? []);
  const keys = replicas.map((r) => describeKey(ctx, r?.SSESpecification?.KMSMasterKeyId, awsManagedKey('aws/dynamodb')));
  return encryptedWith('DynamoDB (KMS)', combine(keys.length ? keys : [awsManagedKey('aws/dynamodb')]));
};

/** One description for the keys of several replicas. */
function combine(keys: KeyDescription[]): KeyDescription {
  const distinct = (values: string[]) => [...new Set(values)].join('; ');
  const options = new Set(keys.map((k) => k.option));
  const findings = new Map<string, Finding>();
  for (const f of keys.flatMap((k) => k.findings)) {
    findings.set(f.message, f);
  }
  return {
    key: distinct(keys.map((k) => k.key)),
    rotation: distinct(keys.map((k) => k.rotation)),
    option: options.size === 1 ? keys[0].option : null,
    keyManagement: distinct(keys.map((k) => k.keyManagement)),
    findings: [...findings.values()],
  };
}

/** `AWS::Redshift::Cluster`: encryption, `require_ssl` in its parameter group, public access. */
export const analyzeRedshift: Analyzer = (ctx, _logicalId, props) => {
  const group = ctx.referenced(props.ClusterParameterGroupName);
  const parameters: any[] = group ? [].concat(ctx.properties(group.logicalId).Parameters ?? []) : [];
  const requireSsl = parameters.some((p) => p.ParameterName === 'require_ssl' && String(p.ParameterValue) === 'true');
  const findings: Finding[] = requireSsl ? [] : [finding('tls-not-enforced', 'Redshift accepts connections without TLS (require_ssl not true)')];
  if (truth(props.PubliclyAccessible) === true) {
    findings.push(finding('public-access', 'Redshift cluster publicly accessible (PubliclyAccessible true)'));
  }
  const extras = { tls: requireSsl ? 'TLS required' : 'not enforced', findings };
  if (isUndecided(props.Encrypted)) {
    return undecided(ctx, props.Encrypted, extras);
  }
  if (truth(props.Encrypted) !== true) {
    return unencrypted('Redshift cluster not encrypted', extras);
  }
  return encryptedWith('Redshift (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/redshift')), extras);
};
