import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { booleanProperty, resolvedResource } from '../private/resolve';

/**
 * Redshift clusters are encrypted at rest (`Encrypted: true`).
 *
 * @param node the CfnResource to check
 */
export function RedshiftClusterEncrypted(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::Redshift::Cluster') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return booleanProperty(resolvedResource(node), 'Encrypted') ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
