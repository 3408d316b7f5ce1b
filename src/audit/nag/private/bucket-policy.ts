import { CfnResource } from 'aws-cdk-lib';
import { wildcardMatches, appliesToEveryone, coversAction, Statement, statementsOf } from './policy';
import { flatten, ResolvedResource, stackResourcesOfType } from './template';

/** The statements of every `AWS::S3::BucketPolicy` of the stack that is attached to the bucket. */
export function bucketPolicyStatements(node: CfnResource, bucket: ResolvedResource): Statement[] {
  const names = bucketNames(bucket);
  return stackResourcesOfType(node, 'AWS::S3::BucketPolicy')
    .filter((policy) => names.includes(flatten(policy.properties.Bucket)))
    .flatMap((policy) => statementsOf(policy.properties.PolicyDocument, `PolicyDocument of ${policy.logicalId}`));
}

/**
 * The Deny statements of the bucket's policies that apply to every principal, every object of the
 * bucket and `s3:PutObject` (which S3 also checks for CopyObject and multipart uploads).
 */
export function uploadDenies(node: CfnResource, bucket: ResolvedResource): Statement[] {
  return bucketPolicyStatements(node, bucket).filter((statement) =>
    statement.effect === 'Deny'
    && appliesToEveryone(statement)
    && coversAction(statement, 's3:PutObject')
    && statement.resources !== undefined
    && statement.resources.some((resource) => coversObjectsOf(resource, bucket)));
}

/** How a template names the bucket: `${LogicalId}` (its `Ref`) and its literal `BucketName`, if any. */
function bucketNames(bucket: ResolvedResource): string[] {
  const names = [`\${${bucket.logicalId}}`];
  if (typeof bucket.properties.BucketName === 'string') {
    names.push(bucket.properties.BucketName);
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
