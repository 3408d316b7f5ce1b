import { Stack } from 'aws-cdk-lib';
import { OrganizationEncryptionBaseline } from '../../../../src';
import { analyze } from '../../../../src/audit/posture';
import { newApp, postureOfApp, removeTemporaryDirectories } from '../helpers';

afterAll(removeTemporaryDirectories);

const OUS = ['ou-ab12-11111111', 'ou-ab12-22222222'];
const REGIONS = ['us-east-1', 'eu-west-1'];

describe('the posture report on StackSets', () => {
  test("reads a StackSet's TemplateBody and says, per resource, which OUs and Regions it is deployed to", () => {
    const rows = postureOfApp((stack) => {
      new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS });
    });
    const key = rows.find((r) => r.type === 'AWS::KMS::Key');
    expect(key).toBeDefined();
    expect(key!.stack).toMatch(/^TestStack\/Baseline[0-9A-F]{8} \(StackSet to OUs ou-ab12-11111111, ou-ab12-22222222 in us-east-1, eu-west-1\)$/);
    expect(key!.path).toMatch(/Baseline\/Template\/EbsDefaultKey/);
  });

  test('does not list a followed StackSet among the resources it does not assess', () => {
    const app = newApp();
    const stack = new Stack(app, 'TestStack');
    new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS });
    const report = analyze([app.synth().directory]);
    expect(report.notAssessed.filter((n) => n.type === 'AWS::CloudFormation::StackSet')).toEqual([]);
    expect(report.stacks).toHaveLength(2);
  });
});
