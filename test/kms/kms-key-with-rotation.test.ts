import { CfnParameter, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { KmsKeyWithRotation, KmsKeyWithRotationProps } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';

function keyTemplate(props?: KmsKeyWithRotationProps) {
  const stack = newStack();
  const key = new KmsKeyWithRotation(stack, 'Key', props);
  return { stack, key, template: synth(stack) };
}

describe('defaults', () => {
  const { template, key } = keyTemplate();

  test('rotation is on, every 365 days', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, RotationPeriodInDays: 365 });
    expect(key.rotationPeriod.toDays()).toBe(365);
  });
  test('a scheduled deletion waits 30 days', () => {
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 30 });
  });
  test('the key is retained when the stack is deleted or the key replaced', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
  test('the key is a symmetric encryption key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: Match.absent(), KeyUsage: Match.absent() });
  });
  test('the key policy only delegates to the account and keeps grants for AWS services (no separation-of-duties statements without admins or users)', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: [Match.objectLike({ Action: 'kms:*', Effect: 'Allow' }), Match.objectLike({ Sid: 'DenyGrantsNotForAwsResources', Effect: 'Deny', Action: 'kms:CreateGrant' })] },
    });
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('props', () => {
  test('rotationPeriod sets the rotation period', () => {
    keyTemplate({ rotationPeriod: Duration.days(90) }).template
      .hasResourceProperties('AWS::KMS::Key', { RotationPeriodInDays: 90 });
  });
  test('a token rotationPeriod and pendingWindow go to the template for CloudFormation to range-check', () => {
    const stack = newStack();
    const rotation = new CfnParameter(stack, 'RotationDays', { type: 'Number' });
    const pending = new CfnParameter(stack, 'PendingDays', { type: 'Number' });
    new KmsKeyWithRotation(stack, 'Key', {
      rotationPeriod: Duration.days(rotation.valueAsNumber),
      pendingWindow: Duration.days(pending.valueAsNumber),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      RotationPeriodInDays: { Ref: 'RotationDays' },
      PendingWindowInDays: { Ref: 'PendingDays' },
    });
  });
  test('pendingWindow sets the deletion waiting period', () => {
    keyTemplate({ pendingWindow: Duration.days(7) }).template
      .hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });
  test('removalPolicy DESTROY deletes the key with the stack', () => {
    keyTemplate({ removalPolicy: RemovalPolicy.DESTROY }).template
      .hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
  test('enabled: false creates a disabled key that still has rotation on', () => {
    keyTemplate({ enabled: false }).template
      .hasResourceProperties('AWS::KMS::Key', { Enabled: false, EnableKeyRotation: true });
  });
  test('enableKeyRotation: true is accepted', () => {
    keyTemplate({ enableKeyRotation: true }).template
      .hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
  test('alias creates the alias', () => {
    keyTemplate({ alias: 'alias/app/data_2026-a' }).template
      .hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/app/data_2026-a' });
  });
  test('multiRegion keys rotate too', () => {
    keyTemplate({ multiRegion: true }).template
      .hasResourceProperties('AWS::KMS::Key', { MultiRegion: true, EnableKeyRotation: true });
  });
  test('admins get administration actions, listed one by one, without CreateGrant', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new KmsKeyWithRotation(stack, 'Key', { admins: [admin] });
    const template = synth(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0].Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey']));
    expect(statements[0].Action.every((action: string) => !action.includes('*'))).toBe(true);
    expect(statements[0].Action).not.toContain('kms:CreateGrant');
    expect(statements[0].Action).not.toContain('kms:Decrypt');
    // The alias side of alias management: the key has no alias, so the account's aliases.
    expect(statements[1]).toEqual({
      Effect: 'Allow',
      Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
      Resource: 'arn:aws:kms:us-east-1:111111111111:alias/*',
    });
  });
  test('admins of a key with an alias get alias management on that alias only', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new KmsKeyWithRotation(stack, 'Key', { admins: [admin], alias: 'alias/app-data' });
    const statements = Object.values(synth(stack).findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement;
    expect(stack.resolve(statements[1].Resource)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:alias/app-data']],
    });
  });
  test('grantUse after construction adds the user to the management deny', () => {
    const stack = newStack();
    const key = new KmsKeyWithRotation(stack, 'Key');
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantUse(user);
    synth(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyKeyManagementToKeyUsers',
          Effect: 'Deny',
          Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^User'), 'Arn'] } },
        })]),
      },
    });
  });
  test('a principal that stands for a whole account is granted but never named in a Deny', () => {
    const stack = newStack();
    new KmsKeyWithRotation(stack, 'Key', {
      admins: [new iam.AccountRootPrincipal()],
      users: [new iam.AccountPrincipal('222222222222'), new iam.ServicePrincipal('logs.amazonaws.com')],
    });
    const key = Object.values(synth(stack).findResources('AWS::KMS::Key'))[0];
    const denies = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Effect === 'Deny');
    // Only the grant guard (CT.KMS.PR.3), which names every principal and is lifted by conditions.
    expect(denies.map((s: any) => s.Sid)).toEqual(['DenyGrantsNotForAwsResources']);
  });
  test('the same admin or user given twice is listed once', () => {
    const stack = newStack();
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new KmsKeyWithRotation(stack, 'Key', { users: [user, user] });
    key.grantUse(user);
    const policy = Object.values(synth(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
    const deny = policy.Statement.find((s: any) => s.Sid === 'DenyKeyManagementToKeyUsers');
    expect(deny.Principal.AWS).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^User/), 'Arn'] });
  });
  test('is a kms.Key, usable wherever an IKey is expected', () => {
    const { key } = keyTemplate();
    expect(key).toBeInstanceOf(kms.Key);
  });
});

describe('bad input', () => {
  const build = (props: KmsKeyWithRotationProps) => () => new KmsKeyWithRotation(newStack(), 'Key', props);

  test('enableKeyRotation: false is refused', () => {
    expect(build({ enableKeyRotation: false }))
      .toThrow('TestStack/Key: invalid enableKeyRotation: got false; allowed: true or unset (rotation is always on). Use kms.Key for a key that must not rotate.');
  });
  test.each([
    [kms.KeySpec.RSA_2048, /TestStack\/Key: invalid keySpec: got RSA_2048; allowed: SYMMETRIC_DEFAULT\. KMS rotates only symmetric encryption keys; asymmetric and HMAC keys cannot rotate/],
    [kms.KeySpec.ECC_NIST_P256, /invalid keySpec: got ECC_NIST_P256; allowed: SYMMETRIC_DEFAULT/],
    [kms.KeySpec.HMAC_256, /invalid keySpec: got HMAC_256; allowed: SYMMETRIC_DEFAULT/],
  ])('keySpec %s is refused', (keySpec, message) => {
    expect(build({ keySpec })).toThrow(message);
  });
  test('keyUsage SIGN_VERIFY is refused', () => {
    expect(build({ keyUsage: kms.KeyUsage.SIGN_VERIFY }))
      .toThrow(/TestStack\/Key: invalid keyUsage: got SIGN_VERIFY; allowed: ENCRYPT_DECRYPT\./);
  });
  test.each([
    [Duration.days(89), /TestStack\/Key: invalid rotationPeriod: got 89 days; allowed: a whole number of days from 90 to 2560/],
    [Duration.days(2561), /invalid rotationPeriod: got 2561 days; allowed: a whole number of days from 90 to 2560/],
    [Duration.hours(2200), /invalid rotationPeriod: got 91\.\d+ days; allowed: a whole number of days/],
  ])('rotationPeriod %s is refused', (rotationPeriod, message) => {
    expect(build({ rotationPeriod })).toThrow(message);
  });
  test.each([
    [Duration.days(6), /TestStack\/Key: invalid pendingWindow: got 6 days; allowed: a whole number of days from 7 to 30/],
    [Duration.days(31), /invalid pendingWindow: got 31 days; allowed: a whole number of days from 7 to 30/],
  ])('pendingWindow %s is refused', (pendingWindow, message) => {
    expect(build({ pendingWindow })).toThrow(message);
  });
  test.each([
    ['my-key', /TestStack\/Key: invalid alias: got 'my-key'; allowed: 'alias\/' followed by .* Write it as 'alias\/my-key'\./],
    ['alias/aws/s3', /invalid alias: got 'alias\/aws\/s3'.* reserved for AWS managed keys/],
    ['alias/', /invalid alias: got 'alias\/'.* Remove the characters that are not allowed/],
    ['alias/bad name!', /invalid alias: got 'alias\/bad name!'/],
    [`alias/${'a'.repeat(251)}`, /invalid alias: .* It has 257 characters\./],
  ])('alias %s is refused', (alias, message) => {
    expect(build({ alias })).toThrow(message);
  });
  test('the same principal as admin and user is refused', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => new KmsKeyWithRotation(stack, 'Key', { admins: [role], users: [role] }))
      .toThrow(/TestStack\/Key: invalid users: got TestStack\/Ops, which is also one of the key's admins; allowed: principals that are not admins\. Separation of duties/);
  });
  test('the account root as admin and user is refused by name, not as raw CloudFormation', () => {
    const stack = newStack();
    const root = new iam.AccountRootPrincipal();
    let message = '';
    try {
      new KmsKeyWithRotation(stack, 'Key', { admins: [root], users: [root] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/TestStack\/Key: invalid users: got AccountRootPrincipal\(\), which is also one of the key's admins/);
    expect(message).not.toMatch(/Fn::Join|\$\{Token/);
  });
  test('granting admin to an existing user is refused', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new KmsKeyWithRotation(stack, 'Key', { users: [role] });
    expect(() => key.grantAdmin(role)).toThrow(/TestStack\/Key: invalid admins: got TestStack\/Ops, which is also one of the key's users/);
  });
});
