import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { resolvedResource, stringProperty } from '../private/resolve';

/**
 * KMS keys in CloudHSM key stores (`Custom::KmiCustomKeyStoreKey` with `CustomKeyStoreType`
 * `AWS_CLOUDHSM`) have a rotation schedule (`RotationPeriodInDays`). KMS rotates the keys of custom
 * key stores neither automatically nor on demand, so a key without a schedule keeps its material for
 * its whole life.
 *
 * Not applicable to keys in external key stores: their material is the external key, which only the
 * external key manager can create or rotate, beyond what a template shows.
 *
 * @param node the CfnResource to check
 */
export function CustomKeyStoreKeyRotationScheduled(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'Custom::KmiCustomKeyStoreKey') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const key = resolvedResource(node);
  if (stringProperty(key, 'CustomKeyStoreType') === 'EXTERNAL_KEY_STORE') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const period = key.properties.RotationPeriodInDays;
  return period === undefined || period === '' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
