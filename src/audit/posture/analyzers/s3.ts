/**
 * Posture of S3 buckets: default encryption and its key, SSE-C, the upload rule and TLS rule of the
 * bucket policy, public access.
 */
import { Finding, finding } from '../findings';
import { awsManagedKey, describeKey } from '../keys';
import { allowsAnyone, Analyzer, deniesPlainHttp, encryptedWith } from '../rows';

/** `AWS::S3::Bucket`. */
export const analyzeBucket: Analyzer = (ctx, logicalId, props) => {
  const findings: Finding[] = [];
  const rule = ([] as any[]).concat(props.BucketEncryption?.ServerSideEncryptionConfiguration ?? [])[0];
  const algorithm: string | undefined = rule?.ServerSideEncryptionByDefault?.SSEAlgorithm;
  const keyRef = rule?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
  const statements = ctx.policyStatements('AWS::S3::BucketPolicy', 'Bucket', logicalId);

  let encryption = 'SSE-S3 (S3 default)';
  let key = awsManagedKey('SSE-S3');
  if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') {
    encryption = algorithm === 'aws:kms' ? 'SSE-KMS' : 'DSSE-KMS';
    key = describeKey(ctx, keyRef, awsManagedKey('aws/s3'));
  } else if (algorithm === 'AES256') {
    encryption = 'SSE-S3';
  }

  const blocked: string[] = [].concat(rule?.BlockedEncryptionTypes?.EncryptionType ?? []);
  const deniedByPolicy = statements.some((s) => isPutDeny(s) && s.Condition?.Null?.['s3:x-amz-server-side-encryption-customer-algorithm'] === 'false');
  if (blocked.includes('NONE') && !deniedByPolicy) {
    findings.push(finding('sse-c-allowed', 'SSE-C uploads explicitly allowed (BlockedEncryptionTypes NONE): objects under keys held outside AWS'));
  } else if (!blocked.includes('SSE-C') && !deniedByPolicy) {
    findings.push(finding('sse-c-not-blocked', 'SSE-C not blocked by the template (S3 blocks it by default only on buckets created since April 2026)'));
  }

  const uploadRule = describeUploadRule(statements);
  if (uploadRule === 'none') {
    findings.push(finding('no-upload-rule', 'no upload rule: uploads may ask for any server-side encryption'));
  }

  const tls = describeTls(statements);
  if (tls === 'not enforced') {
    findings.push(finding('tls-not-enforced', 'requests over plain HTTP are not denied'));
  }

  // Without a PublicAccessBlockConfiguration, S3 blocks all public access on a new bucket (the default
  // since April 2023); with one, every setting it leaves out is off.
  const pab = props.PublicAccessBlockConfiguration;
  if (pab !== undefined && ![pab.BlockPublicAcls, pab.BlockPublicPolicy, pab.IgnorePublicAcls, pab.RestrictPublicBuckets].every((v) => v === true || v === 'true')) {
    findings.push(finding('public-access', 'public access not fully blocked'));
  }
  findings.push(...allowsAnyone(statements, 'bucket'));
  return encryptedWith(encryption, key, { uploadRule, tls, findings });
};

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
  const min = denies.map((s) => s.Condition?.NumericLessThan?.['s3:TlsVersion']).find((v) => v !== undefined);
  if (!denies.some(deniesPlainHttp)) {
    return 'not enforced';
  }
  return min !== undefined ? `TLS >= ${min}` : 'TLS required';
}
