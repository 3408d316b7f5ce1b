import { EncryptionResourceControlPolicy } from '../../src';
import { ACCOUNT, newStack, synth } from '../util/app';
import { ALLOW_ALL, Decision, evaluate } from '../util/simulate';

const ORG = 'o-a1b2c3d4e5';
const OTHER_ORG = 'o-z9y8x7w6v5';
const OUTSIDER_ACCOUNT = '999999999999';
const TRUSTED_ACCOUNT = '222222222222';

function rcp(): any {
  const stack = newStack();
  new EncryptionResourceControlPolicy(stack, 'Rcp', { organizationId: ORG, trustedAccountIds: [TRUSTED_ACCOUNT] });
  const template = synth(stack).toJSON();
  return Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Organizations::Policy').Properties.Content;
}

const BUCKET_OBJECT = 'arn:aws:s3:::data-bucket/report.csv';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const MEMBER = `arn:aws:iam::${ACCOUNT}:role/App`;
const OUTSIDER = `arn:aws:iam::${OUTSIDER_ACCOUNT}:role/Attacker`;

/**
 * The RCP evaluated on a resource whose own policy allows everyone (the worst case a bucket or key
 * policy can be), so that what is denied is what the RCP takes away. RCPs apply to the resource's
 * account: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */
function openPolicy(resource: string) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: resource }] };
}

async function decide(principal: string, action: string, resource: string, context: Record<string, string>): Promise<Decision> {
  return evaluate({
    principal,
    action,
    resource,
    context,
    identityPolicies: [ALLOW_ALL],
    resourcePolicy: openPolicy(resource),
    resourceControlPolicies: [policy],
  });
}

const policy = rcp();
const IN_ORG = { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalIsAWSService': 'false' };

describe('EncryptionResourceControlPolicy, evaluated', () => {
  test('a member of the organization reads an object over TLS 1.2', async () => {
    expect(await decide(MEMBER, 's3:GetObject', BUCKET_OBJECT, IN_ORG)).toBe('Allowed');
  });

  test('a request without TLS is denied', async () => {
    expect(await decide(MEMBER, 's3:GetObject', BUCKET_OBJECT, { ...IN_ORG, 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
  });

  test('a request over TLS 1.1 is denied, TLS 1.3 allowed', async () => {
    expect(await decide(MEMBER, 's3:GetObject', BUCKET_OBJECT, { ...IN_ORG, 's3:TlsVersion': '1.1' })).toBe('ExplicitlyDenied');
    expect(await decide(MEMBER, 's3:GetObject', BUCKET_OBJECT, { ...IN_ORG, 's3:TlsVersion': '1.3' })).toBe('Allowed');
  });

  test('an SSE-C upload is denied; an upload under SSE-KMS is allowed', async () => {
    expect(await decide(MEMBER, 's3:PutObject', BUCKET_OBJECT, {
      ...IN_ORG, 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256',
    })).toBe('ExplicitlyDenied');
    expect(await decide(MEMBER, 's3:PutObject', BUCKET_OBJECT, { ...IN_ORG, 's3:x-amz-server-side-encryption': 'aws:kms' })).toBe('Allowed');
  });

  test("a principal of another organization can neither read the organization's objects nor use its keys", async () => {
    const outsider = { 'aws:PrincipalOrgID': OTHER_ORG, 'aws:PrincipalAccount': OUTSIDER_ACCOUNT, 'aws:PrincipalIsAWSService': 'false' };
    expect(await decide(OUTSIDER, 's3:GetObject', BUCKET_OBJECT, outsider)).toBe('ExplicitlyDenied');
    expect(await decide(OUTSIDER, 'kms:Decrypt', KEY, outsider)).toBe('ExplicitlyDenied');
  });

  test('a principal of no organization is denied', async () => {
    expect(await decide(OUTSIDER, 'kms:Decrypt', KEY, { 'aws:PrincipalAccount': OUTSIDER_ACCOUNT, 'aws:PrincipalIsAWSService': 'false' }))
      .toBe('ExplicitlyDenied');
  });

  test('a principal of a trusted account outside the organization is allowed', async () => {
    expect(await decide(`arn:aws:iam::${TRUSTED_ACCOUNT}:role/Auditor`, 'kms:Decrypt', KEY, {
      'aws:PrincipalAccount': TRUSTED_ACCOUNT, 'aws:PrincipalIsAWSService': 'false',
    })).toBe('Allowed');
  });

  test('a member of the organization uses a key', async () => {
    expect(await decide(MEMBER, 'kms:Decrypt', KEY, IN_ORG)).toBe('Allowed');
  });

  // AWS services acting for an account send aws:SourceAccount and aws:SourceOrgID:
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid
  test('an AWS service acting for an account of the organization writes to a bucket', async () => {
    expect(await decide('cloudtrail.amazonaws.com', 's3:PutObject', BUCKET_OBJECT, {
      'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': ACCOUNT, 'aws:SourceOrgID': ORG,
    })).toBe('Allowed');
  });

  test('an AWS service acting for an account outside the organization is denied (confused deputy)', async () => {
    expect(await decide('cloudtrail.amazonaws.com', 's3:PutObject', BUCKET_OBJECT, {
      'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': OUTSIDER_ACCOUNT, 'aws:SourceOrgID': OTHER_ORG,
    })).toBe('ExplicitlyDenied');
    expect(await decide('cloudtrail.amazonaws.com', 's3:PutObject', BUCKET_OBJECT, {
      'aws:PrincipalIsAWSService': 'true', 'aws:SourceAccount': OUTSIDER_ACCOUNT,
    })).toBe('ExplicitlyDenied');
  });

  test('the StackSet execution role of a member account, inside the organization, is not denied', async () => {
    expect(await decide(`arn:aws:iam::${ACCOUNT}:role/stacksets-exec-0123456789abcdef`, 'kms:PutKeyPolicy', KEY, IN_ORG)).toBe('Allowed');
  });
});
