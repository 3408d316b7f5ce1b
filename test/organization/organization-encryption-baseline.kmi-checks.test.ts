import * as kms from 'aws-cdk-lib/aws-kms';
import { KmiChecks, OrganizationEncryptionBaseline } from '../../src';
import { newStack, synth } from '../util/app';

const PROPS = { organizationalUnitIds: ['ou-ab12-11111111'], regions: ['us-east-1', 'eu-west-1'] };

function kmiFindings(build: (baseline: OrganizationEncryptionBaseline) => void = () => undefined): string[] {
  const stack = newStack();
  const baseline = new OrganizationEncryptionBaseline(stack, 'Baseline', { ...PROPS, keyActivityAlarms: true });
  build(baseline);
  synth(stack);
  return new KmiChecks().validateScope(stack).violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('KmiChecks on the StackSet template', () => {
  test('reports nothing on the baseline as built', () => {
    expect(kmiFindings()).toEqual([]);
  });

  test('reports a key without rotation added to the StackSet template, at its path inside the template', () => {
    const found = kmiFindings((baseline) => new kms.Key(baseline.templateStack, 'Unrotated', { enableKeyRotation: false }));
    expect(found).toEqual([expect.stringMatching(/^Kmi-\w+ at TestStack\/Baseline\/Template\/Unrotated\/Resource$/)]);
  });
});
