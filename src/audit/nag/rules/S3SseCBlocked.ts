import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { uploadDenies } from '../private/bucket-policy';
import { conditionEntries, Statement } from '../private/policy';
import { isObject, listOf, resolvedResource } from '../private/template';

/** The condition key present on SSE-C (customer-provided key) requests. */
const SSE_C_KEY = 's3:x-amz-server-side-encryption-customer-algorithm';

/**
 * S3 buckets refuse uploads encrypted with customer-provided keys (SSE-C): the bucket's encryption
 * lists `SSE-C` in `BlockedEncryptionTypes`, or its policy has a Deny on `s3:PutObject`, for every
 * principal and every object, when `s3:x-amz-server-side-encryption-customer-algorithm` is present
 * (`Null: false`, `StringLike: *` or `StringEquals: AES256`).
 *
 * @param node the CfnResource to check
 */
export function S3SseCBlocked(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const bucket = resolvedResource(node);
  const rules = listOf(bucket.properties.BucketEncryption?.ServerSideEncryptionConfiguration);
  const blocked = rules.some((rule) => isObject(rule) && listOf(rule.BlockedEncryptionTypes?.EncryptionType).includes('SSE-C'));
  return blocked || uploadDenies(node, bucket).some(isSseCDeny) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

function isSseCDeny(statement: Statement): boolean {
  const entries = conditionEntries(statement);
  if (entries.length === 0 || entries.some((entry) => entry.key !== SSE_C_KEY)) {
    return false;
  }
  return entries.some(({ operator, values }) =>
    (operator === 'Null' && values.some((value) => value === false || value === 'false'))
    || (operator === 'StringLike' && values.includes('*'))
    || (operator === 'StringEquals' && values.includes('AES256')));
}
