import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { uploadDenies } from '../private/bucket-policy';
import { conditionEntries, Statement } from '../private/policy';
import { resolvedResource } from '../private/template';

/** The request header, and condition key, that states the server-side encryption of an upload. */
const SSE_KEY = 's3:x-amz-server-side-encryption';

/**
 * S3 buckets refuse uploads that do not ask for the bucket's server-side encryption: the bucket's
 * policy has a Deny on `s3:PutObject`, for every principal and every object, conditioned only on
 * `s3:x-amz-server-side-encryption`:
 * - `StringNotEquals` (or `StringNotEqualsIgnoreCase`) the expected algorithm, with or without
 *   `Null: false` (the strict and lenient statements `EncryptedBucket` writes); or
 * - `Null: true` (the classic hand-written "deny uploads without the header").
 *
 * @param node the CfnResource to check
 */
export function S3UploadEncryptionEnforced(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const bucket = resolvedResource(node);
  return uploadDenies(node, bucket).some(isEncryptionDeny) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

function isEncryptionDeny(statement: Statement): boolean {
  const entries = conditionEntries(statement);
  // A Deny narrowed by other condition keys does not apply to every upload.
  if (entries.length === 0 || entries.some((entry) => entry.key !== SSE_KEY)) {
    return false;
  }
  return entries.some((entry) =>
    ((entry.operator === 'StringNotEquals' || entry.operator === 'StringNotEqualsIgnoreCase') && entry.values.length > 0)
    || (entry.operator === 'Null' && entry.values.some((value) => value === true || value === 'true')));
}
