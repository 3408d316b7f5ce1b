import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { booleanProperty, resolvedResource } from '../private/resolve';

/**
 * EBS volumes are encrypted (`Encrypted: true`).
 *
 * Account-level EBS encryption by default also encrypts a volume that does not ask for it, but the
 * template cannot show that the setting is on when the volume is created.
 *
 * @param node the CfnResource to check
 */
export function EBSVolumeEncrypted(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::EC2::Volume') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return booleanProperty(resolvedResource(node), 'Encrypted') ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
