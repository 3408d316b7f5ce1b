import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { resolvedResource } from '../private/template';

/**
 * KMS keys in custom key stores (`Custom::KmiCustomKeyStoreKey`) have a rotation schedule
 * (`RotationPeriodInDays`). KMS cannot rotate the key material of these keys automatically or on
 * demand, so a key without a schedule keeps its material for its whole life.
 *
 * @param node the CfnResource to check
 */
export function CustomKeyStoreKeyRotationScheduled(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'Custom::KmiCustomKeyStoreKey') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const period = resolvedResource(node).properties.RotationPeriodInDays;
  return period === undefined || period === '' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
