/**
 * How a bucket's policies are read, by the posture report and the KmiChecks pack alike: which
 * policies apply to the bucket, and which of their statements refuse uploads, SSE-C and plain HTTP.
 */
import { appliesToEveryone, conditionEntries, coversAction, Statement, statementsOf, wildcardMatches } from './policy';
import { ResolvedResource, TemplateView } from './resources';
import { flatten } from './values';

/** The request header, and condition key, that states the server-side encryption of an upload. */
export const SSE_KEY = 's3:x-amz-server-side-encryption';
/** The condition key present on SSE-C (customer-provided key) requests. */
export const SSE_C_KEY = 's3:x-amz-server-side-encryption-customer-algorithm';
/** The condition key naming the KMS key of an SSE-KMS upload. */
export const SSE_KMS_KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';

/**
 * The statements of every `AWS::S3::BucketPolicy` of the template attached to the bucket: its
 * `Bucket` names the bucket by `Ref`, or by the bucket's `BucketName` written the same way (a literal,
 * `Fn::Sub`, `Fn::Join`).
 */
export function bucketPolicyStatements(view: TemplateView, bucket: ResolvedResource): Statement[] {
  const names = bucketNames(bucket);
  return view.resourcesOfType('AWS::S3::BucketPolicy')
    .filter((policy) => names.includes(flatten(policy.properties.Bucket)))
    .flatMap((policy) => statementsOf(policy.properties.PolicyDocument, `PolicyDocument of ${policy.logicalId}`));
}

/**
 * The Deny statements of the bucket's policies that apply to every principal, every object of the
 * bucket and `s3:PutObject` (which S3 also checks for CopyObject and multipart uploads).
 */
export function uploadDenies(statements: Statement[], bucket: ResolvedResource): Statement[] {
  return statements.filter((statement) =>
    statement.effect === 'Deny'
    && appliesToEveryone(statement)
    && coversAction(statement, 's3:PutObject')
    && statement.resources !== undefined
    && statement.resources.some((resource) => coversObjectsOf(resource, bucket)));
}

/**
 * A Deny that refuses uploads not asking for the bucket's encryption, conditioned only on
 * `s3:x-amz-server-side-encryption`: `StringNotEquals` (or `StringNotEqualsIgnoreCase`) the expected
 * algorithm, with or without `Null: false`; or `Null: true` (the classic "deny uploads without the header").
 */
export function isEncryptionDeny(statement: Statement): boolean {
  const entries = conditionEntries(statement);
  // A Deny narrowed by other condition keys does not apply to every upload.
  if (entries.length === 0 || entries.some((entry) => entry.key !== SSE_KEY)) {
    return false;
  }
  return entries.some((entry) =>
    ((entry.operator === 'StringNotEquals' || entry.operator === 'StringNotEqualsIgnoreCase') && entry.values.length > 0)
    || (entry.operator === 'Null' && entry.values.some((value) => value === true || value === 'true')));
}

/** A Deny of SSE-C uploads: `s3:x-amz-server-side-encryption-customer-algorithm` present (`Null: false`, `StringLike: *`, `StringEquals: AES256`). */
export function isSseCDeny(statement: Statement): boolean {
  const entries = conditionEntries(statement);
  if (entries.length === 0 || entries.some((entry) => entry.key !== SSE_C_KEY)) {
    return false;
  }
  return entries.some(({ operator, values }) =>
    (operator === 'Null' && values.some((value) => value === false || value === 'false'))
    || (operator === 'StringLike' && values.includes('*'))
    || (operator === 'StringEquals' && values.includes('AES256')));
}

/** A Deny of uploads that name another KMS key than the bucket's. */
export function isKeyIdDeny(statement: Statement): boolean {
  return conditionEntries(statement).some((entry) => entry.key === SSE_KMS_KEY_ID && entry.operator.startsWith('StringNotEquals'));
}

/**
 * The upload rule of a bucket, from its upload denies: `strict (aws:kms)` when an upload must state
 * the algorithm, `lenient (aws:kms)` when one that states none is let through to default encryption,
 * `, bucket key only` when another key is refused; `none` when no statement refuses other encryption.
 */
export function describeUploadRule(denies: Statement[]): string {
  const rule = denies.find(isEncryptionDeny);
  if (rule === undefined) {
    return 'none';
  }
  const entries = conditionEntries(rule);
  const required = entries.filter((e) => e.operator.startsWith('StringNotEquals')).flatMap((e) => e.values.map(String));
  const lenient = entries.some((e) => e.operator === 'Null' && e.values.some((v) => v === false || v === 'false'));
  const keyRule = denies.some(isKeyIdDeny);
  const algorithms = required.length ? required.join('|') : 'any';
  return `${lenient ? 'lenient' : 'strict'} (${algorithms}${keyRule ? ', bucket key only' : ''})`;
}

/** How a template names the bucket: `${LogicalId}` (its `Ref`) and its `BucketName`, if any, as `flatten` writes it. */
function bucketNames(bucket: ResolvedResource): string[] {
  const names = [`\${${bucket.logicalId}}`];
  if (bucket.properties.BucketName !== undefined) {
    const name = flatten(bucket.properties.BucketName);
    if (!name.includes('${?}')) {
      names.push(name);
    }
  }
  return names;
}

/** True when a `Resource` item covers every object of the bucket (`<bucket ARN>/*`, or a wider wildcard). */
function coversObjectsOf(resource: unknown, bucket: ResolvedResource): boolean {
  const pattern = flatten(resource);
  const objectArns = [`\${${bucket.logicalId}.Arn}/*`, ...bucketNames(bucket).flatMap((name) =>
    ['aws', '${AWS::Partition}'].map((partition) => `arn:${partition}:s3:::${name}/*`))];
  // The pattern, wildcards expanded, must match `<bucket ARN>/*` taken literally: the ARN of all the objects.
  return objectArns.some((arn) => wildcardMatches(pattern, arn));
}
