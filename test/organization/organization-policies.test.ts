import { Match } from 'aws-cdk-lib/assertions';
import { EncryptionResourceControlPolicy, EncryptionServiceControlPolicy } from '../../src';
import { ORGANIZATION_POLICY_MAX_CHARACTERS } from '../../src/organization/organization-policy-size';
import { newStack, synth } from '../util/app';

describe('EncryptionServiceControlPolicy', () => {
  test('is a service control policy attached to the targets given', () => {
    const stack = newStack();
    new EncryptionServiceControlPolicy(stack, 'Scp', { targetIds: ['r-ab12', 'ou-ab12-11111111', '123456789012'] });
    synth(stack).hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['r-ab12', 'ou-ab12-11111111', '123456789012'],
      Name: Match.stringLikeRegexp('Scp'),
      Content: Match.objectLike({ Version: '2012-10-17' }),
    });
  });

  test('names break-glass roles in any account and partition', () => {
    const stack = newStack();
    new EncryptionServiceControlPolicy(stack, 'Scp', { breakGlassRoleNames: ['admin/BreakGlass*'] });
    const content = JSON.stringify(synth(stack).findResources('AWS::Organizations::Policy'));
    expect(content).toContain('arn:*:iam::*:role/admin/BreakGlass*');
  });

  test('refuses a target that is not a root, OU or account', () => {
    const stack = newStack();
    expect(() => new EncryptionServiceControlPolicy(stack, 'Scp', { targetIds: ['Production'] }))
      .toThrow(/TestStack\/Scp: invalid targetIds: got "Production"; allowed: a root ID/);
  });

  test('refuses a break-glass role name that cannot be in an ARN', () => {
    const stack = newStack();
    expect(() => new EncryptionServiceControlPolicy(stack, 'Scp', { breakGlassRoleNames: ['Break Glass'] }))
      .toThrow(/TestStack\/Scp: invalid breakGlassRoleNames: got "Break Glass"/);
  });

  test('refuses, at synth, a policy larger than AWS Organizations accepts', () => {
    const stack = newStack();
    const names = Array.from({ length: 120 }, (_, i) => `BreakGlassRoleNumber${i}`);
    new EncryptionServiceControlPolicy(stack, 'Scp', { breakGlassRoleNames: names });
    expect(() => synth(stack)).toThrow(new RegExp(`TestStack/Scp: the service control policy is \\d+ characters as compact JSON; AWS Organizations accepts at most ${ORGANIZATION_POLICY_MAX_CHARACTERS}`));
  });

  test('the default policy leaves room for break-glass roles', () => {
    const stack = newStack();
    new EncryptionServiceControlPolicy(stack, 'Scp', { breakGlassRoleNames: ['BreakGlass'] });
    const policy = Object.values<any>(synth(stack).findResources('AWS::Organizations::Policy'))[0];
    expect(JSON.stringify(policy.Properties.Content).length).toBeLessThan(ORGANIZATION_POLICY_MAX_CHARACTERS / 2);
  });
});

describe('EncryptionResourceControlPolicy', () => {
  test('is a resource control policy whose statements all deny, for Principal "*"', () => {
    const stack = newStack();
    new EncryptionResourceControlPolicy(stack, 'Rcp', { organizationId: 'o-a1b2c3d4e5', targetIds: ['r-ab12'] });
    const policy = Object.values<any>(synth(stack).findResources('AWS::Organizations::Policy'))[0];
    expect(policy.Properties.Type).toBe('RESOURCE_CONTROL_POLICY');
    expect(policy.Properties.TargetIds).toEqual(['r-ab12']);
    // RCPs: Deny only (Allow is reserved to RCPFullAWSAccess), Principal must be "*":
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
    for (const statement of policy.Properties.Content.Statement) {
      expect(statement.Effect).toBe('Deny');
      expect(statement.Principal).toBe('*');
    }
    expect(JSON.stringify(policy.Properties.Content).length).toBeLessThanOrEqual(ORGANIZATION_POLICY_MAX_CHARACTERS);
  });

  test('refuses an organization ID that is not one', () => {
    const stack = newStack();
    expect(() => new EncryptionResourceControlPolicy(stack, 'Rcp', { organizationId: '123456789012' }))
      .toThrow(/TestStack\/Rcp: invalid organizationId: got "123456789012"; allowed: an organization ID/);
  });

  test('refuses a trusted account that is not an account ID', () => {
    const stack = newStack();
    expect(() => new EncryptionResourceControlPolicy(stack, 'Rcp', { organizationId: 'o-a1b2c3d4e5', trustedAccountIds: ['acme'] }))
      .toThrow(/TestStack\/Rcp: invalid trustedAccountIds: got "acme"; allowed: a 12-digit account ID/);
  });
});
