import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { namesAwsManagedKey } from '../../cfn/values';
import { booleanProperty, resolvedResource } from '../private/resolve';

/**
 * Encrypted EBS volumes use a customer managed KMS key (`KmsKeyId` set, not `alias/aws/ebs`), whose
 * policy, rotation and deletion you control, rather than the AWS managed key `aws/ebs`.
 *
 * Not applicable to unencrypted volumes (see `EBSVolumeEncrypted`).
 *
 * @param node the CfnResource to check
 */
export function EBSVolumeCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::EC2::Volume') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const volume = resolvedResource(node);
  if (!booleanProperty(volume, 'Encrypted')) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const keyId = volume.properties.KmsKeyId;
  return keyId !== undefined && !namesAwsManagedKey(keyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
