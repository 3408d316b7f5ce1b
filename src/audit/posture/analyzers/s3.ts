/**
 * Posture of S3 buckets: default encryption and its key, SSE-C, the upload rule and TLS rule of the
 * bucket policy, public access. The bucket policy is read as the KmiChecks pack reads it (`cfn/bucket-policy`).
 */
import { bucketPolicyStatements, describeUploadRule, isSseCDeny, uploadDenies } from '../../cfn/bucket-policy';
import { conditionEntries, deniesInsecureTransport, Statement } from '../../cfn/policy';
import { listOf, NotAssessedError, truth } from '../../cfn/values';
import { Finding, finding } from '../findings';
import { awsOwnedKey, describeKey, awsManagedKey } from '../keys';
import { allowsAnyone, Analyzer, encryptedWith } from '../rows';

/**
 * `AWS::S3::Bucket`. A bucket without default encryption settings is encrypted with SSE-S3, under a
 * key S3 owns (an AWS owned key), since January 2023.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html
 */
export const analyzeBucket: Analyzer = (ctx, logicalId, props) => {
  const findings: Finding[] = [];
  const rule = listOf(props.BucketEncryption?.ServerSideEncryptionConfiguration)[0] as any;
  const algorithm: unknown = rule?.ServerSideEncryptionByDefault?.SSEAlgorithm;
  const keyRef = rule?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
  let statements: Statement[] = [];
  try {
    statements = bucketPolicyStatements(ctx.view(), ctx.resolved(logicalId));
  } catch (e) {
    if (!(e instanceof NotAssessedError)) {
      throw e;
    }
    findings.push(finding('unreadable', e.message));
  }
  const denies = uploadDenies(statements, ctx.resolved(logicalId));

  let encryption = 'SSE-S3 (S3 default)';
  let key = awsOwnedKey('SSE-S3');
  if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') {
    encryption = algorithm === 'aws:kms' ? 'SSE-KMS' : 'DSSE-KMS';
    key = describeKey(ctx, keyRef, awsManagedKey('aws/s3'));
  } else if (algorithm === 'AES256') {
    encryption = 'SSE-S3';
  } else if (algorithm !== undefined) {
    encryption = `SSE-S3 or SSE-KMS (algorithm ${ctx.render(algorithm)} decided at deployment)`;
    findings.push(finding('unreadable', `SSEAlgorithm ${ctx.render(algorithm)} is decided at deployment`));
  }

  const blocked = listOf(rule?.BlockedEncryptionTypes?.EncryptionType);
  const deniedByPolicy = denies.some(isSseCDeny);
  if (blocked.includes('NONE') && !deniedByPolicy) {
    findings.push(finding('sse-c-allowed', 'SSE-C uploads explicitly allowed (BlockedEncryptionTypes NONE): objects under keys held outside AWS'));
  } else if (!blocked.includes('SSE-C') && !deniedByPolicy) {
    findings.push(finding('sse-c-not-blocked', 'SSE-C not blocked by the template (S3 blocks it by default only on buckets created since April 2026)'));
  }

  const uploadRule = describeUploadRule(denies);
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
  const blocksAll = (block: any) => [block.BlockPublicAcls, block.BlockPublicPolicy, block.IgnorePublicAcls, block.RestrictPublicBuckets]
    .every((v) => truth(v) === true);
  if (pab !== undefined && !blocksAll(pab)) {
    findings.push(finding('public-access', 'public access not fully blocked'));
  }
  findings.push(...allowsAnyone(statements, 'bucket'));
  return encryptedWith(encryption, key, { uploadRule, tls, findings });
};

function describeTls(statements: Statement[]): string {
  if (!statements.some(deniesInsecureTransport)) {
    return 'not enforced';
  }
  const min = statements
    .filter((s) => s.effect === 'Deny')
    .flatMap(conditionEntries)
    .find((entry) => entry.operator === 'NumericLessThan' && entry.key === 's3:tlsversion')?.values[0];
  return min !== undefined ? `TLS >= ${min}` : 'TLS required';
}
