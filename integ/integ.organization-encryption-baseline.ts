/**
 * The organization encryption baseline, deployed from an organization's management account (trusted
 * access for CloudFormation StackSets and the SCP and RCP policy types enabled): the StackSet is
 * service-managed with automatic deployment, and the service and resource control policies exist
 * with their type. The OU, root and organization come from context, because deploying needs a real
 * organization; the synthesized snapshot uses syntactically valid placeholders:
 *
 *   npx projen integ:deploy -c kmi:organizationId=o-… -c kmi:rootId=r-… -c kmi:ouId=ou-…-…
 *
 * Checking what the StackSet did in a member account (EBS encryption by default on, with the key)
 * needs credentials there and is left to `aws cloudformation list-stack-instances`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { EncryptionResourceControlPolicy, EncryptionServiceControlPolicy, OrganizationEncryptionBaseline } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiOrganizationEncryptionBaselineInteg');
const organizationId = app.node.tryGetContext('kmi:organizationId') ?? 'o-exampleorg1';
const rootId = app.node.tryGetContext('kmi:rootId') ?? 'r-exam';
const ouId = app.node.tryGetContext('kmi:ouId') ?? 'ou-exam-11111111';

const baseline = new OrganizationEncryptionBaseline(stack, 'Baseline', {
  organizationalUnitIds: [ouId],
  regions: ['us-east-1', 'eu-west-1'],
  keyActivityAlarms: true,
  retainStacksOnAccountRemoval: false,
});
const scp = new EncryptionServiceControlPolicy(stack, 'Scp', { targetIds: [ouId], breakGlassRoleNames: ['BreakGlass'] });
const rcp = new EncryptionResourceControlPolicy(stack, 'Rcp', { organizationId, targetIds: [rootId] });

const integ = new IntegTest(app, 'OrganizationEncryptionBaseline', { testCases: [stack] });

integ.assertions
  .awsApiCall('CloudFormation', 'describeStackSet', { StackSetName: baseline.cfnStackSet.stackSetName })
  .expect(ExpectedResult.objectLike({
    StackSet: Match.objectLike({
      Status: 'ACTIVE',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    }),
  }));

integ.assertions
  .awsApiCall('Organizations', 'describePolicy', { PolicyId: scp.policyId })
  .expect(ExpectedResult.objectLike({ Policy: Match.objectLike({ PolicySummary: Match.objectLike({ Type: 'SERVICE_CONTROL_POLICY' }) }) }));

integ.assertions
  .awsApiCall('Organizations', 'describePolicy', { PolicyId: rcp.policyId })
  .expect(ExpectedResult.objectLike({ Policy: Match.objectLike({ PolicySummary: Match.objectLike({ Type: 'RESOURCE_CONTROL_POLICY' }) }) }));
