import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { bucketPolicyStatements, isEncryptionDeny, uploadDenies } from '../../cfn/bucket-policy';
import { resolvedResource, stackView } from '../private/resolve';

/**
 * S3 buckets refuse uploads that do not ask for the bucket's server-side encryption: the bucket's
 * policy has a Deny on `s3:PutObject`, for every principal and every object, conditioned only on
 * `s3:x-amz-server-side-encryption`:
 * - `StringNotEquals` (or `StringNotEqualsIgnoreCase`) the expected algorithm, with or without
 *   `Null: false` (the strict and lenient statements `EncryptedBucket` writes); or
 * - `Null: true` (the classic hand-written "deny uploads without the header").
 *
 * The posture report reads the same statements the same way (its upload rule column).
 *
 * @param node the CfnResource to check
 */
export function S3UploadEncryptionEnforced(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const bucket = resolvedResource(node);
  const denies = uploadDenies(bucketPolicyStatements(stackView(node), bucket), bucket);
  return denies.some(isEncryptionDeny) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
