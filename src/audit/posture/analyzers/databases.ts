/**
 * Posture of databases: RDS and Aurora, DynamoDB, Redshift.
 */
import { rdsTransport } from '../../cfn/rds-tls';
import { Finding, finding } from '../findings';
import { awsManagedKey, awsOwnedKey, describeKey, KeyDescription } from '../keys';
import { isUndecided, TemplateContext, truth } from '../read/template';
import { Analyzer, encryptedWith, inherited, unencrypted, undecided } from '../rows';

/** `AWS::RDS::DBInstance`. An instance of an Aurora cluster is left out: its cluster's row covers its storage. */
export const analyzeDbInstance: Analyzer = (ctx, logicalId, props) => {
  if (props.DBClusterIdentifier !== undefined) {
    return undefined;
  }
  return database(ctx, logicalId, props, [
    [props.SourceDBInstanceIdentifier, 'read replica: encryption is its source database\'s'],
    [props.DBSnapshotIdentifier, 'restored from a snapshot: encryption is the snapshot\'s'],
  ]);
};

/** `AWS::RDS::DBCluster` (Aurora, Multi-AZ DB clusters). */
export const analyzeDbCluster: Analyzer = (ctx, logicalId, props) => {
  if (props.EngineMode === 'serverless' && props.StorageEncrypted === undefined) {
    // Aurora Serverless v1 clusters are always encrypted.
    return database(ctx, logicalId, { ...props, StorageEncrypted: true }, []);
  }
  return database(ctx, logicalId, props, [
    [props.SnapshotIdentifier, 'restored from a snapshot: encryption is the snapshot\'s'],
    [props.SourceDBClusterIdentifier, 'restored from another cluster: encryption is its source\'s'],
  ]);
};

function database(ctx: TemplateContext, logicalId: string, props: any, sources: Array<[any, string]>) {
  const transport = rdsTls(ctx, logicalId);
  const findings: Finding[] = [...transport.findings, ...otherKeyFindings(ctx, props)];
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

/**
 * The findings of the keys of what a database keeps besides its storage, when they are not the storage
 * key: Performance Insights data (`PerformanceInsightsKMSKeyId`, else `aws/rds`) and the master
 * password RDS keeps in Secrets Manager (`MasterUserSecret.KmsKeyId`, else `aws/secretsmanager`).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.access-control.html#USER_PerfInsights.access-control.cmk-policy
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
 */
function otherKeyFindings(ctx: TemplateContext, props: any): Finding[] {
  const storage = describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/rds')).key;
  const parts: Array<[string, any, string]> = [];
  if (truth(props.EnablePerformanceInsights) === true) {
    parts.push(['Performance Insights', props.PerformanceInsightsKMSKeyId, 'aws/rds']);
  }
  if (truth(props.ManageMasterUserPassword) === true) {
    parts.push(['master password secret', props.MasterUserSecret?.KmsKeyId, 'aws/secretsmanager']);
  }
  return parts.flatMap(([what, ref, managed]) => {
    const key = describeKey(ctx, ref, awsManagedKey(managed));
    return key.key === storage ? [] : key.findings.map((f) => finding(f.id, `${what}: ${f.message}`));
  });
}

/** What `cfn/rds-tls` reads of the database's transport, as the report's TLS column and findings. */
function rdsTls(ctx: TemplateContext, logicalId: string): { tls: string; findings: Finding[] } {
  const transport = rdsTransport(ctx.view(), ctx.resolved(logicalId));
  switch (transport.state) {
    case 'required':
      return { tls: transport.summary, findings: [] };
    case 'not-required':
      return { tls: transport.summary, findings: [finding('tls-not-enforced', transport.reason)] };
    case 'engine-default':
      return { tls: transport.summary, findings: [finding('tls-engine-default', transport.reason)] };
    default:
      return { tls: transport.summary, findings: [finding('unreadable', transport.reason)] };
  }
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
