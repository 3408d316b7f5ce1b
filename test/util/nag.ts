import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { synth } from './app';

/**
 * Runs the four compliance packs on a stack with `validateScope` (on aws-cdk-lib 2.257,
 * `Validations.of(app).addPlugins` runs them without a construct tree and reports nothing) and
 * returns every unacknowledged finding as `<rule id> at <construct path>`.
 */
export function nagFindings(stack: Stack): string[] {
  synth(stack);
  const packs = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
  return packs.flatMap((pack) => pack.validateScope(stack).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`)));
}
