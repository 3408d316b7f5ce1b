import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { emrEncryptionConfiguration } from '../../cfn/emr-document';
import { isObject } from '../../cfn/values';
import { booleanValue, resolvedResource } from '../private/resolve';

/**
 * EMR security configurations encrypt the local disks of cluster nodes: `EnableAtRestEncryption` is
 * true and `AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration` names a key provider
 * (`AwsKms` or `Custom`).
 *
 * @param node the CfnResource to check
 */
export function EMRLocalDiskEncrypted(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::EMR::SecurityConfiguration') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const configuration = resolvedResource(node);
  const encryption = emrEncryptionConfiguration(configuration);
  if (!booleanValue(encryption.EnableAtRestEncryption, `EnableAtRestEncryption of ${configuration.logicalId}`)) {
    return NagRuleCompliance.NON_COMPLIANT;
  }
  const localDisk = encryption.AtRestEncryptionConfiguration?.LocalDiskEncryptionConfiguration;
  return isObject(localDisk) && localDisk.EncryptionKeyProviderType !== undefined
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
