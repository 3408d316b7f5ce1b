import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { namesAwsManagedKey } from '../../cfn/values';
import { booleanProperty, resolvedResource } from '../private/resolve';

/**
 * Encrypted Redshift clusters use a customer managed KMS key (`KmsKeyId` set, not
 * `alias/aws/redshift`), whose policy, rotation and deletion you control; a key in a CloudHSM custom
 * key store puts the key material in your HSMs.
 *
 * Not applicable to unencrypted clusters (see `RedshiftClusterEncrypted`).
 *
 * @param node the CfnResource to check
 */
export function RedshiftClusterCustomerManagedKey(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::Redshift::Cluster') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const cluster = resolvedResource(node);
  if (!booleanProperty(cluster, 'Encrypted')) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const keyId = cluster.properties.KmsKeyId;
  return keyId !== undefined && !namesAwsManagedKey(keyId) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
