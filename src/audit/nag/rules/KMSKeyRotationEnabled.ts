import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { booleanProperty, resolvedResource, stringProperty } from '../private/resolve';

/**
 * Symmetric encryption KMS keys rotate their key material automatically (`EnableKeyRotation: true`).
 *
 * Not applicable to asymmetric and HMAC keys (KMS cannot rotate them) and to keys with imported key
 * material (`Origin: EXTERNAL`), which rotate only by importing new material: see
 * `KMSImportedKeyMaterialExpires`.
 *
 * @param node the CfnResource to check
 */
export function KMSKeyRotationEnabled(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::KMS::Key') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const key = resolvedResource(node);
  const spec = stringProperty(key, 'KeySpec') ?? 'SYMMETRIC_DEFAULT';
  const origin = stringProperty(key, 'Origin') ?? 'AWS_KMS';
  if (spec !== 'SYMMETRIC_DEFAULT' || origin === 'EXTERNAL') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return booleanProperty(key, 'EnableKeyRotation') ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
