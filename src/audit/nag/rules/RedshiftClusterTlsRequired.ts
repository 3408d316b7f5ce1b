import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { flatten, isObject, listOf, unresolved } from '../../cfn/values';
import { resolvedResource, stackResourcesOfType } from '../private/resolve';

/**
 * Redshift clusters accept TLS connections only: the cluster's parameter group, defined in the same
 * stack, sets `require_ssl` to `true`. A cluster on a default parameter group (`require_ssl` false)
 * does not comply; one whose parameter group is defined elsewhere cannot be checked.
 *
 * @param node the CfnResource to check
 */
export function RedshiftClusterTlsRequired(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::Redshift::Cluster') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const cluster = resolvedResource(node);
  const groupName = cluster.properties.ClusterParameterGroupName;
  if (groupName === undefined || (typeof groupName === 'string' && groupName.startsWith('default.'))) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const name = flatten(groupName);
  const group = stackResourcesOfType(node, 'AWS::Redshift::ClusterParameterGroup')
    .find((candidate) => name === `\${${candidate.logicalId}}` || name === candidate.properties.ParameterGroupName);
  if (!group) {
    throw unresolved(`ClusterParameterGroupName of ${cluster.logicalId}`, groupName, 'a parameter group not defined in this stack');
  }
  const requireSsl = listOf(group.properties.Parameters)
    .find((parameter) => isObject(parameter) && typeof parameter.ParameterName === 'string' && parameter.ParameterName.toLowerCase() === 'require_ssl');
  if (requireSsl === undefined) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const value = (requireSsl as Record<string, unknown>).ParameterValue;
  if (typeof value !== 'string') {
    throw unresolved(`require_ssl of ${group.logicalId}`, value);
  }
  return value.toLowerCase() === 'true' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
