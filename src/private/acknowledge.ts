import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The cdk-nag packs that share rule names, by the prefix of their rule ids. */
const SHARED_RULE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/**
 * Acknowledges a compliance rule on a construct (and so on everything below it) with a reason, in
 * the NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs, which name the rule alike, plus any
 * further rule ids given (such as an AwsSolutions rule).
 */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string, ...otherIds: string[]): void {
  const ids = [...SHARED_RULE_PACKS.map((pack) => `${pack}-${rule}`), ...otherIds];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}
