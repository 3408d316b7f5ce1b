import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { resolvedResource, stringProperty } from '../private/resolve';

/**
 * Imported key material expires (`ExpirationModel` `KEY_MATERIAL_EXPIRES`, the KMS default), so the
 * key cannot be used past the cryptoperiod chosen at import without importing new material.
 *
 * Applies to `Custom::KmiImportedKeyMaterial`.
 *
 * @param node the CfnResource to check
 */
export function KMSImportedKeyMaterialExpires(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'Custom::KmiImportedKeyMaterial') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const material = resolvedResource(node);
  const model = stringProperty(material, 'ExpirationModel') ?? 'KEY_MATERIAL_EXPIRES';
  return model === 'KEY_MATERIAL_DOES_NOT_EXPIRE' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
