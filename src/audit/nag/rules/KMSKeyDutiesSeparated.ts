import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { keyAccess } from '../../cfn/key-access';
import { resolvedResource, stackView } from '../private/resolve';

/**
 * No principal may both manage a KMS key and use it.
 *
 * Management is any action that changes the key, its policy, state, aliases, tags or material
 * (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, `kms:DisableKey`, ...); use is any cryptographic
 * operation, or `kms:CreateGrant`, which delegates them. What a principal may do is read from the key
 * policy and from the IAM policies of the same stack that apply to the key (by its ARN, a wildcard, or
 * `*`). Allow statements count whatever their conditions; a Deny cancels only when unconditional.
 * What everyone (`*`) is allowed is judged on its own, as one more principal.
 *
 * The key policy statement that allows the key's own account root (`kms:*`, the KMS default) names no
 * one: it lets IAM policies grant access, and is not counted. IAM policies outside the stack are not seen.
 * The posture report reads key policies with the same reader (its `key-policy-not-separated` finding).
 *
 * @param node the CfnResource to check
 */
export function KMSKeyDutiesSeparated(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::KMS::Key') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const both = keyAccess(stackView(node), resolvedResource(node)).filter((access) => access.management.length > 0 && access.use.length > 0);
  return both.length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
