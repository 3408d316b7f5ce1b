import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OrganizationEncryptionBaseline, OrganizationEncryptionBaselineProps, RegionConcurrency } from '../../src';
import { EBS_DEFAULT_INLINE_HANDLER, ZIP_FILE_MAX_CHARACTERS } from '../../src/organization/ebs-default-inline-handler';
import { newStack, synth, TEMPLATES_DIR } from '../util/app';
import { nagFindings } from '../util/nag';

const OUS = ['ou-ab12-11111111', 'ou-ab12-22222222', 'ou-ab12-33333333'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

function baseline(props: Partial<OrganizationEncryptionBaselineProps> = {}) {
  const stack = newStack();
  const construct = new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS, ...props });
  const template = synth(stack);
  const stackSets = Object.values<any>(template.findResources('AWS::CloudFormation::StackSet'));
  const inner = JSON.parse(stackSets[0].Properties.TemplateBody);
  // The StackSet's own template goes to the cfn-lint tier too.
  mkdirSync(TEMPLATES_DIR, { recursive: true });
  writeFileSync(join(TEMPLATES_DIR, `stackset-${Object.keys(inner.Resources).length}-${props.keyActivityAlarms ? 'alarms' : 'plain'}.template.json`),
    JSON.stringify(inner, undefined, 1));
  return { stack, construct, template, stackSets, inner };
}

function resourcesOfType(inner: any, type: string): any[] {
  return Object.values<any>(inner.Resources).filter((r) => r.Type === type);
}

describe('OrganizationEncryptionBaseline', () => {
  test('is one service-managed StackSet, deployed automatically to every OU in every Region', () => {
    const { template, stackSets } = baseline();
    expect(stackSets).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      CallAs: 'SELF',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: REGIONS }],
    });
  });

  test('the template is the same whatever the number of OUs and Regions', () => {
    const small = baseline({ organizationalUnitIds: [OUS[0]], regions: [REGIONS[0]] });
    const large = baseline();
    expect(large.stackSets[0].Properties.TemplateBody).toEqual(small.stackSets[0].Properties.TemplateBody);
  });

  test('the cloud assembly holds only the management stack: the template is no stack of its own', () => {
    const app = new App();
    const stack = new Stack(app, 'Management');
    new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS });
    expect(app.synth().stacks.map((s) => s.stackName)).toEqual(['Management']);
  });

  test('the template turns EBS encryption by default on with a rotating, retained customer managed key', () => {
    const { inner } = baseline();
    const [key] = resourcesOfType(inner, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const [custom] = resourcesOfType(inner, 'Custom::KmiEbsEncryptionByDefault');
    expect(custom.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EbsDefaultKey/), 'Arn'] });
    expect(inner.Parameters ?? {}).not.toHaveProperty('BootstrapVersion');
  });

  test('the handler is inline code, within the ZipFile limit, under the role path and name the SCP exempts', () => {
    const { inner } = baseline();
    const [fn] = resourcesOfType(inner, 'AWS::Lambda::Function');
    expect(fn.Properties.Code).toEqual({ ZipFile: EBS_DEFAULT_INLINE_HANDLER });
    expect(EBS_DEFAULT_INLINE_HANDLER.length).toBeLessThanOrEqual(ZIP_FILE_MAX_CHARACTERS);
    expect(fn.Properties.FunctionName).toBe('cdk-kmi-baseline-ebs-default');
    const [role] = resourcesOfType(inner, 'AWS::IAM::Role');
    expect(role.Properties.Path).toBe('/cdk-kmi-baseline/');
    expect(role.Properties.RoleName).toEqual({ 'Fn::Join': ['', ['cdk-kmi-baseline-ebs-default-', { Ref: 'AWS::Region' }]] });
    expect(JSON.stringify(inner)).not.toMatch(/S3Bucket|cdk-hnb659fds/);
  });

  test('key activity alarms are deployed only when asked', () => {
    expect(resourcesOfType(baseline().inner, 'AWS::Events::Rule')).toHaveLength(0);
    const { inner } = baseline({ keyActivityAlarms: true });
    expect(resourcesOfType(inner, 'AWS::Events::Rule').length).toBeGreaterThan(0);
    expect(resourcesOfType(inner, 'AWS::SNS::Topic')).toHaveLength(1);
  });

  test('operations default to a quarter of the accounts at a time, Regions in turn, stopping at the first failure', () => {
    baseline().template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      OperationPreferences: {
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        MaxConcurrentPercentage: 25,
        FailureToleranceCount: 0,
        RegionConcurrencyType: 'SEQUENTIAL',
        MaxConcurrentCount: Match.absent(),
        FailureTolerancePercentage: Match.absent(),
      },
      ManagedExecution: { Active: true },
    });
  });

  test('concurrency, failure tolerance, retention and the caller are props', () => {
    baseline({
      maxConcurrentCount: 5,
      failureTolerancePercentage: 10,
      regionConcurrency: RegionConcurrency.PARALLEL,
      retainStacksOnAccountRemoval: false,
      delegatedAdministrator: true,
      stackSetName: 'encryption-baseline',
    }).template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'encryption-baseline',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      OperationPreferences: {
        MaxConcurrentCount: 5,
        MaxConcurrentPercentage: Match.absent(),
        FailureTolerancePercentage: 10,
        FailureToleranceCount: Match.absent(),
        RegionConcurrencyType: 'PARALLEL',
      },
    });
  });

  test('constructs with assets cannot be added to the template', () => {
    const stack = newStack();
    const construct = new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS });
    expect(() => new lambda.Function(construct.templateStack, 'WithAsset', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(__dirname),
    })).toThrow(/TestStack\/Baseline\/Template: a StackSet's template cannot use file assets/);
  });

  test.each([
    [{ organizationalUnitIds: [] }, /invalid organizationalUnitIds: got \[\]; allowed: at least one/],
    [{ organizationalUnitIds: ['r-ab12'] }, /invalid organizationalUnitIds: got "r-ab12"; allowed: an organizational unit ID/],
    [{ regions: ['Virginia'] }, /invalid regions: got "Virginia"; allowed: a Region name/],
    [{ regions: ['us-east-1', 'us-east-1'] }, /invalid regions: got \["us-east-1","us-east-1"\]; allowed: each value once/],
    [{ maxConcurrentPercentage: 10, maxConcurrentCount: 2 }, /invalid maxConcurrentPercentage and maxConcurrentCount: got 10 and 2/],
    [{ failureToleranceCount: 1, failureTolerancePercentage: 5 }, /invalid failureTolerancePercentage and failureToleranceCount/],
    [{ maxConcurrentPercentage: 0 }, /invalid maxConcurrentPercentage: got 0; allowed: an integer from 1 to 100/],
    [{ failureTolerancePercentage: 101 }, /invalid failureTolerancePercentage: got 101; allowed: an integer from 0 to 100/],
  ])('refuses %j', (props, message) => {
    const stack = newStack();
    expect(() => new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS, ...props }))
      .toThrow(new RegExp(`TestStack/Baseline: ${message.source}`));
  });

  test('has no unacknowledged compliance findings, in the management stack or the StackSet template', () => {
    const stack = newStack();
    new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS });
    expect(nagFindings(stack)).toEqual([]);
  });

  test('with key activity alarms has no unacknowledged compliance findings', () => {
    const stack = newStack();
    new OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: OUS, regions: REGIONS, keyActivityAlarms: true });
    expect(nagFindings(stack)).toEqual([]);
  });
});
