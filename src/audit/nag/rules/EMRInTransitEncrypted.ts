import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { emrEncryptionConfiguration } from '../../cfn/emr-document';
import { isObject } from '../../cfn/values';
import { booleanValue, resolvedResource } from '../private/resolve';

/**
 * EMR security configurations encrypt data in transit with TLS: `EnableInTransitEncryption` is true
 * and `InTransitEncryptionConfiguration.TLSCertificateConfiguration` says where the certificates come
 * from.
 *
 * @param node the CfnResource to check
 */
export function EMRInTransitEncrypted(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::EMR::SecurityConfiguration') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const configuration = resolvedResource(node);
  const encryption = emrEncryptionConfiguration(configuration);
  if (!booleanValue(encryption.EnableInTransitEncryption, `EnableInTransitEncryption of ${configuration.logicalId}`)) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const tls = encryption.InTransitEncryptionConfiguration?.TLSCertificateConfiguration;
  return isObject(tls) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
