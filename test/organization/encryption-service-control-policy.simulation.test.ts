import { EncryptionServiceControlPolicy } from '../../src';
import { ACCOUNT, newStack, synth } from '../util/app';
import { ALLOW_ALL, Decision, evaluate } from '../util/simulate';

/**
 * The service control policy, as synthesized, evaluated with AWS's FullAWSAccess beside it, for a
 * principal that has AdministratorAccess: what it denies is what the SCP takes away.
 * SCPs do not apply to service-linked roles or the management account:
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
function scp(breakGlassRoleNames?: string[]): any {
  const stack = newStack();
  new EncryptionServiceControlPolicy(stack, 'Scp', { breakGlassRoleNames });
  const template = synth(stack).toJSON();
  return Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Organizations::Policy').Properties.Content;
}

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
const STACKSET_EXEC = `arn:aws:iam::${ACCOUNT}:role/stacksets-exec-0123456789abcdef0123456789abcdef`;
const BASELINE_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-kmi-baseline/cdk-kmi-baseline-ebs-default-us-east-1`;
const VOLUME = `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** A KMS key policy is always evaluated: the usual one delegates to the account's IAM policies. */
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

async function decide(policy: any, principal: string, action: string, resource: string,
  context: Record<string, string> = {}): Promise<Decision> {
  return evaluate({
    principal,
    action,
    resource,
    context: { 'aws:PrincipalArn': principal, ...context },
    identityPolicies: [ALLOW_ALL],
    serviceControlPolicies: [policy],
    resourcePolicy: resource.startsWith('arn:aws:kms:') ? KEY_POLICY : undefined,
  });
}

describe('EncryptionServiceControlPolicy, evaluated', () => {
  const policy = scp(['BreakGlass']);

  test.each(['ec2:CreateVolume', 'ec2:RunInstances'])('%s with an unencrypted volume is denied', async (action) => {
    expect(await decide(policy, ADMIN, action, VOLUME, { 'ec2:Encrypted': 'false' })).toBe('ExplicitlyDenied');
  });

  test.each(['ec2:CreateVolume', 'ec2:RunInstances'])('%s with an encrypted volume is allowed', async (action) => {
    expect(await decide(policy, ADMIN, action, VOLUME, { 'ec2:Encrypted': 'true' })).toBe('Allowed');
  });

  test.each(['ec2:DisableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId', 'ec2:ResetEbsDefaultKmsKeyId'])(
    '%s is denied to an administrator, even a break-glass role', async (action) => {
      expect(await decide(policy, ADMIN, action, '*')).toBe('ExplicitlyDenied');
      expect(await decide(policy, BREAK_GLASS, action, '*')).toBe('ExplicitlyDenied');
    });

  test.each(['ec2:EnableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId'])(
    "%s is allowed to the baseline's handler role", async (action) => {
      expect(await decide(policy, BASELINE_ROLE, action, '*')).toBe('Allowed');
    });

  test.each(['kms:DisableKeyRotation', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'])('%s is denied to an administrator', async (action) => {
    expect(await decide(policy, ADMIN, action, KEY)).toBe('ExplicitlyDenied');
  });

  test.each(['kms:DisableKeyRotation', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'])(
    '%s is allowed to the break-glass role and the StackSet execution role', async (action) => {
      expect(await decide(policy, BREAK_GLASS, action, KEY)).toBe('Allowed');
      expect(await decide(policy, STACKSET_EXEC, action, KEY)).toBe('Allowed');
      expect(await decide(policy, `arn:aws:iam::${ACCOUNT}:role/AWSCloudFormationStackSetExecutionRole`, action, KEY)).toBe('Allowed');
    });

  test('a role whose name only starts like the break-glass role is denied', async () => {
    expect(await decide(policy, `${BREAK_GLASS}2`, 'kms:ScheduleKeyDeletion', KEY)).toBe('ExplicitlyDenied');
  });

  test('without break-glass roles, only the StackSet execution role may schedule a key deletion', async () => {
    const strict = scp();
    expect(await decide(strict, BREAK_GLASS, 'kms:ScheduleKeyDeletion', KEY)).toBe('ExplicitlyDenied');
    expect(await decide(strict, STACKSET_EXEC, 'kms:ScheduleKeyDeletion', KEY)).toBe('Allowed');
  });

  test('key use, rotation on and everyday EC2 calls are left alone', async () => {
    expect(await decide(policy, ADMIN, 'kms:EnableKeyRotation', KEY)).toBe('Allowed');
    expect(await decide(policy, ADMIN, 'kms:Decrypt', KEY)).toBe('Allowed');
    expect(await decide(policy, ADMIN, 'ec2:GetEbsEncryptionByDefault', '*')).toBe('Allowed');
  });

  test("the baseline's handler role cannot be changed or passed by anyone but the StackSet execution role", async () => {
    expect(await decide(policy, ADMIN, 'iam:PutRolePolicy', BASELINE_ROLE)).toBe('ExplicitlyDenied');
    expect(await decide(policy, ADMIN, 'iam:PassRole', BASELINE_ROLE)).toBe('ExplicitlyDenied');
    expect(await decide(policy, ADMIN, 'iam:CreateRole', BASELINE_ROLE)).toBe('ExplicitlyDenied');
    expect(await decide(policy, STACKSET_EXEC, 'iam:CreateRole', BASELINE_ROLE)).toBe('Allowed');
    expect(await decide(policy, STACKSET_EXEC, 'iam:PassRole', BASELINE_ROLE)).toBe('Allowed');
    expect(await decide(policy, ADMIN, 'iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/Other`)).toBe('Allowed');
  });

  test("the baseline's handler function cannot be changed by anyone but the StackSet execution role", async () => {
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:cdk-kmi-baseline-ebs-default`;
    expect(await decide(policy, ADMIN, 'lambda:UpdateFunctionCode', fn)).toBe('ExplicitlyDenied');
    expect(await decide(policy, STACKSET_EXEC, 'lambda:UpdateFunctionCode', fn)).toBe('Allowed');
  });
});
