import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The encryption posture of a synthesized app, read from its cloud assembly (cdk.out): for each
 * resource, what protects it at rest, with which key, how that key rotates, which key-management
 * option that is, and what is missing.
 *
 * Everything here is read from the templates; nothing is taken from the constructs that made them,
 * so the report describes what CloudFormation will deploy.
 */

/** Who provides the encryption method and the key management infrastructure (KMI). */
export type KmiOption =
  | '1 (customer KMI: external key store)'
  | '1 (customer KMI: imported key material)'
  | '1 (customer KMI: custom key provider)'
  | '2 (CloudHSM-backed key store)'
  | '3 (AWS KMS, customer managed key)'
  | '3 (AWS managed)'
  | '3 (AWS KMS, key defined elsewhere)'
  | 'none';

export type Severity = 'high' | 'medium' | 'low';

export interface Finding {
  readonly severity: Severity;
  readonly message: string;
}

export interface ResourcePosture {
  readonly stack: string;
  readonly logicalId: string;
  /** The construct path, when the template carries it (aws:cdk:path metadata). */
  readonly path: string;
  readonly type: string;
  /** `SSE-KMS`, `SSE-S3`, `DSSE-KMS`, `KMS key material`, `none`, … */
  readonly encryption: string;
  /** The key: a logical id in the same stack, an ARN, `AWS managed`, or `-`. */
  readonly key: string;
  /** `automatic every N days`, `none`, or `-` when not applicable. */
  readonly rotation: string;
  /** Bucket upload rule: `strict (aws:kms)`, `lenient (AES256)`, `none`; `-` for other resources. */
  readonly uploadRule: string;
  /** Transport: `TLS >= 1.2 required`, `TLS required`, `not enforced`, `-`. */
  readonly tls: string;
  readonly option: KmiOption;
  readonly findings: Finding[];
}

type Template = { Resources?: Record<string, { Type: string; Properties?: any; Metadata?: any }> };

interface KeyFacts {
  readonly rotation: string;
  readonly option: KmiOption;
  readonly findings: Finding[];
}

/** Reads every stack template of a cloud assembly directory and reports each resource it knows. */
export function analyzeAssembly(dir: string): ResourcePosture[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`${dir} is not a cloud assembly: ${manifestFile} not found (run cdk synth first)`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf-8'));
  const results: ResourcePosture[] = [];
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const template = JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf-8'));
      results.push(...analyzeTemplate(artifact.displayName ?? name, template));
    } else if (artifact.type === 'cdk:cloud-assembly') {
      results.push(...analyzeAssembly(join(dir, artifact.properties.directoryName)));
    }
  }
  return results;
}

/** Reports the KMS keys, S3 buckets, EBS volumes, EBS encryption-by-default settings, Redshift clusters and EMR security configurations of one template. */
export function analyzeTemplate(stack: string, template: Template): ResourcePosture[] {
  const resources = template.Resources ?? {};
  const results: ResourcePosture[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const base = { stack, logicalId, path: resource.Metadata?.['aws:cdk:path'] ?? logicalId, type: resource.Type };
    if (resource.Type === 'AWS::KMS::Key') {
      const facts = keyFacts(resource.Properties ?? {});
      results.push({ ...base, encryption: 'KMS key', key: '-', uploadRule: '-', tls: '-', ...facts });
    } else if (resource.Type === 'AWS::S3::Bucket') {
      results.push({ ...base, ...bucketFacts(logicalId, resource.Properties ?? {}, resources) });
    } else if (resource.Type === 'AWS::EC2::Volume') {
      results.push({ ...base, ...volumeFacts(resource.Properties ?? {}, resources) });
    } else if (resource.Type === 'AWS::Redshift::Cluster') {
      results.push({ ...base, ...redshiftFacts(resource.Properties ?? {}, resources) });
    } else if (resource.Type === 'AWS::EMR::SecurityConfiguration') {
      results.push({ ...base, ...emrFacts(resource.Properties?.SecurityConfiguration, resources) });
    } else if (resource.Type === 'Custom::KmiEbsEncryptionByDefault') {
      const key = describeKey(resource.Properties?.KmsKeyId, resources, 'AWS managed (aws/ebs)');
      results.push({ ...base, encryption: 'EBS by default (account, Region)', uploadRule: '-', tls: '-', ...key });
    }
  }
  return results;
}

function keyFacts(props: any): KeyFacts {
  const findings: Finding[] = [];
  const origin = props.Origin ?? 'AWS_KMS';
  const spec = props.KeySpec ?? 'SYMMETRIC_DEFAULT';
  const rotates = props.EnableKeyRotation === true || props.EnableKeyRotation === 'true';
  const rotation = rotates ? `automatic every ${props.RotationPeriodInDays ?? 365} days` : 'none';
  if (!rotates && spec === 'SYMMETRIC_DEFAULT' && origin === 'AWS_KMS') {
    findings.push({ severity: 'medium', message: 'symmetric key without automatic rotation' });
  }
  const statements: any[] = props.KeyPolicy?.Statement ?? [];
  const delegatesAll = statements.some((s) => s.Effect === 'Allow' && [].concat(s.Action ?? []).includes('kms:*' as never));
  const separated = statements.some((s) => s.Effect === 'Deny' && /CryptographicUse|KeyManagement/.test(s.Sid ?? ''));
  if (delegatesAll && !separated) {
    findings.push({ severity: 'low', message: 'key policy leaves all of KMS to IAM policies: no admins or users kept apart' });
  }
  const option: KmiOption = origin === 'EXTERNAL' ? '1 (customer KMI: imported key material)'
    : origin === 'EXTERNAL_KEY_STORE' ? '1 (customer KMI: external key store)'
      : origin === 'AWS_CLOUDHSM' ? '2 (CloudHSM-backed key store)'
        : '3 (AWS KMS, customer managed key)';
  return { rotation, option, findings };
}

function bucketFacts(logicalId: string, props: any, resources: NonNullable<Template['Resources']>) {
  const findings: Finding[] = [];
  const rule = props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0];
  const algorithm: string | undefined = rule?.ServerSideEncryptionByDefault?.SSEAlgorithm;
  const keyRef = rule?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
  const statements = bucketPolicyStatements(logicalId, resources);

  let encryption = 'SSE-S3 (S3 default)';
  let key = 'AWS managed';
  let rotation = 'managed by AWS';
  let option: KmiOption = '3 (AWS managed)';
  if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') {
    encryption = algorithm === 'aws:kms' ? 'SSE-KMS' : 'DSSE-KMS';
    const described = describeKey(keyRef, resources, 'AWS managed (aws/s3)');
    ({ key, rotation, option } = described);
    findings.push(...described.findings);
  } else if (algorithm === 'AES256') {
    encryption = 'SSE-S3';
  } else {
    findings.push({ severity: 'low', message: 'no default encryption configured: S3 applies SSE-S3' });
  }

  const sseCBlocked = (rule?.BlockedEncryptionTypes?.EncryptionType ?? []).includes('SSE-C')
    || statements.some((s) => isPutDeny(s) && s.Condition?.Null?.['s3:x-amz-server-side-encryption-customer-algorithm'] === 'false');
  if (!sseCBlocked) {
    findings.push({ severity: 'medium', message: 'SSE-C uploads allowed (keys held outside AWS, option 1)' });
  }

  const uploadRule = describeUploadRule(statements);
  if (uploadRule === 'none') {
    findings.push({ severity: 'low', message: 'no upload rule: uploads may ask for any server-side encryption' });
  }

  const tls = describeTls(statements);
  if (tls === 'not enforced') {
    findings.push({ severity: 'high', message: 'requests over plain HTTP are not denied' });
  }

  const pab = props.PublicAccessBlockConfiguration ?? {};
  if (!(pab.BlockPublicAcls && pab.BlockPublicPolicy && pab.IgnorePublicAcls && pab.RestrictPublicBuckets)) {
    findings.push({ severity: 'high', message: 'public access not fully blocked' });
  }
  return { encryption, key, rotation, uploadRule, tls, option, findings };
}

/** The row of a resource that is not encrypted at rest. */
function unencrypted(tls: string, findings: Finding[]) {
  return { encryption: 'none', key: '-', rotation: '-', uploadRule: '-', tls, option: 'none' as KmiOption, findings };
}

function volumeFacts(props: any, resources: NonNullable<Template['Resources']>) {
  const encrypted = props.Encrypted === true || props.Encrypted === 'true';
  if (!encrypted) {
    return unencrypted('-', [{ severity: 'high', message: 'EBS volume not encrypted (unless EBS encryption by default is on)' }]);
  }
  const key = describeKey(props.KmsKeyId, resources, 'AWS managed (aws/ebs)');
  return { encryption: 'EBS (KMS)', uploadRule: '-', tls: '-', ...key };
}

function redshiftFacts(props: any, resources: NonNullable<Template['Resources']>) {
  const parameterGroup = resources[referencedLogicalId(props.ClusterParameterGroupName) ?? ''];
  const requireSsl = (parameterGroup?.Properties?.Parameters ?? [])
    .some((p: any) => p.ParameterName === 'require_ssl' && String(p.ParameterValue) === 'true');
  const tls = requireSsl ? 'TLS required' : 'not enforced';
  const tlsFindings: Finding[] = requireSsl ? [] : [{ severity: 'high', message: 'Redshift accepts connections without TLS (require_ssl not true)' }];
  const encrypted = props.Encrypted === true || props.Encrypted === 'true';
  if (!encrypted) {
    return unencrypted(tls, [{ severity: 'high', message: 'Redshift cluster not encrypted' }, ...tlsFindings]);
  }
  const key = describeKey(props.KmsKeyId, resources, 'AWS managed (aws/redshift)');
  return { encryption: 'Redshift (KMS)', uploadRule: '-', tls, ...key, findings: [...key.findings, ...tlsFindings] };
}

function emrFacts(document: any, resources: NonNullable<Template['Resources']>) {
  const config = (typeof document === 'string' ? JSON.parse(document) : document)?.EncryptionConfiguration ?? {};
  const s3 = config.AtRestEncryptionConfiguration?.S3EncryptionConfiguration;
  const disk = config.AtRestEncryptionConfiguration?.LocalDiskEncryptionConfiguration;
  const findings: Finding[] = [];
  const atRest = config.EnableAtRestEncryption === true;
  if (!atRest || !disk) {
    findings.push({ severity: 'high', message: 'EMR local disks not encrypted' });
  }
  if (config.EnableInTransitEncryption !== true) {
    findings.push({ severity: 'medium', message: 'EMR in-transit encryption off' });
  }
  const parts = atRest ? [
    s3 ? `S3 ${s3.EncryptionMode}` : undefined,
    disk ? `local disk ${disk.EncryptionKeyProviderType}${disk.EnableEbsEncryption ? ' + EBS' : ''}` : undefined,
  ].filter(Boolean) : [];
  const keyRef = s3?.AwsKmsKey ?? disk?.AwsKmsKey;
  const key = keyRef === undefined
    ? { key: '-', rotation: '-', option: (parts.length ? '1 (customer KMI: custom key provider)' : 'none') as KmiOption, findings: [] as Finding[] }
    : describeKey(keyRef, resources, '-');
  return {
    encryption: parts.length ? `EMR ${parts.join(', ')}` : 'none',
    uploadRule: '-',
    tls: config.EnableInTransitEncryption === true ? 'TLS between nodes' : 'not enforced',
    ...key,
    findings: [...key.findings, ...findings],
  };
}

/** The key, rotation, option and findings of a resource encrypted with the key `keyRef` names. */
function describeKey(keyRef: any, resources: NonNullable<Template['Resources']>, awsManaged: string) {
  if (keyRef === undefined) {
    return { key: awsManaged, rotation: 'managed by AWS', option: '3 (AWS managed)' as KmiOption, findings: [] as Finding[] };
  }
  const keyId = referencedLogicalId(keyRef);
  const keyResource = keyId ? resources[keyId] : undefined;
  if (keyResource?.Type === 'AWS::KMS::Key') {
    const facts = keyFacts(keyResource.Properties ?? {});
    const findings: Finding[] = facts.rotation === 'none' ? [{ severity: 'medium', message: `key ${keyId} does not rotate` }] : [];
    return {
      key: (keyResource.Metadata?.['aws:cdk:path'] ?? keyId!).replace(/\/Resource$/, ''),
      rotation: facts.rotation,
      option: facts.option,
      findings,
    };
  }
  return {
    key: typeof keyRef === 'string' ? keyRef : JSON.stringify(keyRef),
    rotation: 'unknown (key defined elsewhere)',
    option: '3 (AWS KMS, key defined elsewhere)' as KmiOption,
    findings: [] as Finding[],
  };
}

function bucketPolicyStatements(bucketId: string, resources: NonNullable<Template['Resources']>): any[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::S3::BucketPolicy' && referencedLogicalId(r.Properties?.Bucket) === bucketId)
    .flatMap((r) => r.Properties?.PolicyDocument?.Statement ?? []);
}

function isPutDeny(statement: any): boolean {
  const actions: string[] = [].concat(statement.Action ?? []);
  return statement.Effect === 'Deny' && actions.some((a) => a === 's3:PutObject' || a === 's3:*');
}

function describeUploadRule(statements: any[]): string {
  for (const statement of statements.filter(isPutDeny)) {
    const required = statement.Condition?.StringNotEquals?.['s3:x-amz-server-side-encryption'];
    if (required !== undefined) {
      const lenient = statement.Condition?.Null?.['s3:x-amz-server-side-encryption'] === 'false';
      const keyRule = statements.some((s) => isPutDeny(s) && s.Condition?.StringNotEquals?.['s3:x-amz-server-side-encryption-aws-kms-key-id'] !== undefined);
      return `${lenient ? 'lenient' : 'strict'} (${[].concat(required).join('|')}${keyRule ? ', bucket key only' : ''})`;
    }
  }
  return 'none';
}

function describeTls(statements: any[]): string {
  const denies = statements.filter((s) => s.Effect === 'Deny');
  const ssl = denies.some((s) => String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false');
  const min = denies.map((s) => s.Condition?.NumericLessThan?.['s3:TlsVersion']).find((v) => v !== undefined);
  if (!ssl) {
    return 'not enforced';
  }
  return min !== undefined ? `TLS >= ${min}` : 'TLS required';
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points to, if any. */
function referencedLogicalId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      return value.Ref;
    }
    if (Array.isArray(value['Fn::GetAtt'])) {
      return value['Fn::GetAtt'][0];
    }
  }
  return undefined;
}

/** A plain-text table of the posture, one row per resource, findings below each row. */
export function renderTable(rows: ResourcePosture[]): string {
  const headers = ['resource', 'encryption', 'key', 'rotation', 'upload rule', 'TLS', 'KMI option'];
  const cells = rows.map((r) => [r.path.replace(/\/Resource(\/Default)?$/, ''), r.encryption, r.key, r.rotation, r.uploadRule, r.tls, r.option]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(headers), line(widths.map((w) => '-'.repeat(w)))];
  rows.forEach((row, i) => {
    out.push(line(cells[i]));
    for (const finding of row.findings) {
      out.push(`    ! ${finding.severity}: ${finding.message}`);
    }
  });
  return out.join('\n');
}
