import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { bucketPolicyStatements, isSseCDeny, uploadDenies } from '../../cfn/bucket-policy';
import { isObject, listOf } from '../../cfn/values';
import { resolvedResource, stackView } from '../private/resolve';

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
  return blocked || uploadDenies(bucketPolicyStatements(stackView(node), bucket), bucket).some(isSseCDeny)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
