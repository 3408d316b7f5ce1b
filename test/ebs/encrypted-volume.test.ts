import { RemovalPolicy, Size } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EncryptedVolume, EncryptedVolumeProps, KmsKeyWithRotation } from '../../src';
import { ACCOUNT, newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';
import { TemplateResolver } from '../util/resolve';
import { evaluate } from '../util/simulate';

const BASE: EncryptedVolumeProps = { availabilityZone: 'us-east-1a', size: Size.gibibytes(20) };

function volumeTemplate(props: Partial<EncryptedVolumeProps> = {}) {
  const stack = newStack();
  const volume = new EncryptedVolume(stack, 'Volume', { ...BASE, ...props });
  return { stack, volume, template: synth(stack) };
}

describe('defaults', () => {
  const { template, volume } = volumeTemplate();

  test('encrypted with a new rotating key', () => {
    template.hasResourceProperties('AWS::EC2::Volume', {
      Encrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VolumeKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, RotationPeriodInDays: 365 });
    expect(volume.encryptionKey).toBeInstanceOf(KmsKeyWithRotation);
  });
  test('the volume is snapshotted on removal and the key retained', () => {
    template.hasResource('AWS::EC2::Volume', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
  test('the key policy does not delegate all of KMS to the account', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
    const statements: any[] = key.Properties.KeyPolicy.Statement;
    expect(statements.filter((s) => s.Action === 'kms:*')).toEqual([]);
  });
  test('compliance packs report nothing', () => {
    const stack = newStack();
    new EncryptedVolume(stack, 'Volume', BASE);
    expect(nagFindings(stack)).toEqual([]);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('props', () => {
  test('encryptionKey replaces the created key and keeps its own policy', () => {
    const stack = newStack();
    const key = new KmsKeyWithRotation(stack, 'Mine');
    new EncryptedVolume(stack, 'Volume', { ...BASE, encryptionKey: key });
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::EC2::Volume', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } });
  });
  test('removalPolicy DESTROY deletes the volume and its key', () => {
    const { template } = volumeTemplate({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::EC2::Volume', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
  test('removalPolicy RETAIN retains both', () => {
    const { template } = volumeTemplate({ removalPolicy: RemovalPolicy.RETAIN });
    template.hasResource('AWS::EC2::Volume', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
});

describe('bad input', () => {
  test('encrypted: false is refused', () => {
    expect(() => new EncryptedVolume(newStack(), 'Volume', { ...BASE, encrypted: false }))
      .toThrow('TestStack/Volume: invalid encrypted: got false; allowed: true or unset (the volume is always encrypted). Use ec2.Volume for an unencrypted volume.');
  });
});

describe('the created key, evaluated: usable through EC2 only', () => {
  const stack = newStack();
  const volume = new EncryptedVolume(stack, 'Volume', BASE);
  const instanceRole = new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  volume.grantAttachVolume(instanceRole);
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  admin.addToPolicy(new iam.PolicyStatement({ actions: ['kms:*'], resources: ['*'] }));

  const resolver = new TemplateResolver(synth(stack).toJSON());
  const keyId = resolver.logicalId('AWS::KMS::Key', 'VolumeKey');
  const request = (role: string, action: string, context: Record<string, string>) => {
    const roleId = resolver.logicalId('AWS::IAM::Role', role);
    return evaluate({
      principal: resolver.roleArn(roleId),
      action,
      resource: resolver.keyArn(keyId),
      context: { 'kms:CallerAccount': ACCOUNT, ...context },
      identityPolicies: resolver.identityPolicies(roleId),
      resourcePolicy: resolver.properties(keyId).KeyPolicy,
    });
  };
  const viaEc2 = { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' };

  test('the instance role may create a grant for the volume through EC2', async () => {
    expect(await request('InstanceRole', 'kms:CreateGrant', { ...viaEc2, 'kms:GrantIsForAWSResource': 'true', 'kms:GrantConstraintType': 'EncryptionContextSubset' })).toBe('Allowed');
  });
  test('the instance role may not create a grant outside EC2', async () => {
    expect(await request('InstanceRole', 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'true', 'kms:GrantConstraintType': 'EncryptionContextSubset' })).toBe('ImplicitlyDenied');
  });
  test('a role allowed kms:* may decrypt through EC2', async () => {
    expect(await request('Admin', 'kms:Decrypt', viaEc2)).toBe('Allowed');
  });
  test.each([
    ['directly', {}],
    ['through another service', { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }],
  ])('a role allowed kms:* may not decrypt %s', async (_, context) => {
    expect(await request('Admin', 'kms:Decrypt', context)).toBe('ImplicitlyDenied');
  });
  test('a role allowed kms:* may not create a grant for a non-AWS resource, even through EC2', async () => {
    // Denied by the grant guard (CT.KMS.PR.3), whatever IAM allows.
    expect(await request('Admin', 'kms:CreateGrant', { ...viaEc2, 'kms:GrantIsForAWSResource': 'false' })).toBe('ExplicitlyDenied');
  });
  test('the account may still administer the key through IAM', async () => {
    expect(await request('Admin', 'kms:ScheduleKeyDeletion', {})).toBe('Allowed');
    expect(await request('Admin', 'kms:PutKeyPolicy', {})).toBe('Allowed');
  });
});

test('is an ec2.Volume', () => {
  expect(volumeTemplate().volume).toBeInstanceOf(ec2.Volume);
});
