import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { EbsEncryptionByDefault, KmsKeyWithRotation } from '../../../src';
import { ACCOUNT, newStack, snapshotOf, synth } from '../../util/app';
import { nagFindings } from '../../util/nag';
import { TemplateResolver } from '../../util/resolve';
import { evaluate } from '../../util/simulate';

describe('defaults', () => {
  const stack = newStack();
  const ebs = new EbsEncryptionByDefault(stack, 'Ebs');
  const template = synth(stack);

  test('a custom resource sets the new rotating key as the default and keeps the setting on removal', () => {
    template.hasResourceProperties('Custom::KmiEbsEncryptionByDefault', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EbsKey'), 'Arn'] },
      RestoreOnDelete: 'false',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    expect(ebs.encryptionKey).toBeInstanceOf(KmsKeyWithRotation);
  });
  test('the handler may change only the EBS default settings and describe the key, in a policy the resource depends on', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^EbsHandlerPolicy') } });
    const [[policyId, policy]] = Object.entries(policies);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: ['ec2:DisableEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:GetEbsDefaultKmsKeyId', 'ec2:GetEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId', 'ec2:ResetEbsDefaultKmsKeyId'], Resource: '*' }),
      expect.objectContaining({ Action: 'kms:DescribeKey', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EbsKey/), 'Arn'] } }),
    ]);
    template.hasResource('Custom::KmiEbsEncryptionByDefault', { DependsOn: Match.arrayWith([policyId]) });
  });
  test('the handler runs on Node.js 24 with a log group kept for a year', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Handler: 'index.handler' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
  test('compliance packs report nothing', () => {
    const s = newStack();
    new EbsEncryptionByDefault(s, 'Ebs');
    expect(nagFindings(s)).toEqual([]);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });

  describe('the created key, evaluated', () => {
    const resolver = new TemplateResolver(template.toJSON());
    const keyId = resolver.logicalId('AWS::KMS::Key', 'EbsKey');
    const use = (principal: string, context: Record<string, string>) => evaluate({
      principal,
      action: 'kms:GenerateDataKeyWithoutPlaintext',
      resource: resolver.keyArn(keyId),
      context: { 'kms:CallerAccount': ACCOUNT, ...context },
      resourcePolicy: resolver.properties(keyId).KeyPolicy,
    });
    const autoScaling = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;

    test('any principal of the account (Auto Scaling\'s service-linked role here) may use it through EC2, without IAM policies', async () => {
      expect(await use(autoScaling, { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' })).toBe('Allowed');
    });
    test('no one may use it directly', async () => {
      expect(await use(autoScaling, {})).toBe('ImplicitlyDenied');
    });
    test('a principal of another account may not use it through EC2', async () => {
      expect(await use('arn:aws:iam::999999999999:role/Other', { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:CallerAccount': '999999999999' })).toBe('ImplicitlyDenied');
    });
  });
});

describe('props', () => {
  test('encryptionKey is used and no key is created', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    new EbsEncryptionByDefault(stack, 'Ebs', { encryptionKey: key });
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('Custom::KmiEbsEncryptionByDefault', { KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111' });
  });
  test('removalPolicy DESTROY restores the previous settings on delete and deletes the created key', () => {
    const stack = newStack();
    new EbsEncryptionByDefault(stack, 'Ebs', { removalPolicy: RemovalPolicy.DESTROY });
    const template = synth(stack);
    template.hasResourceProperties('Custom::KmiEbsEncryptionByDefault', { RestoreOnDelete: 'true' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('one per environment', () => {
  test('two in one stack are refused', () => {
    const stack = newStack();
    new EbsEncryptionByDefault(stack, 'A');
    new EbsEncryptionByDefault(stack, 'B');
    expect(() => synth(stack)).toThrow(/TestStack\/A: another EbsEncryptionByDefault, TestStack\/B, manages the same account and Region \(111111111111\/us-east-1\); EBS encryption by default is one setting per environment: keep one of them\./);
  });
  test('two in stacks of the same account and Region are refused', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: 'eu-west-1' };
    new EbsEncryptionByDefault(new Stack(app, 'One', { env }), 'Ebs');
    new EbsEncryptionByDefault(new Stack(app, 'Two', { env }), 'Ebs');
    expect(() => app.synth()).toThrow(/One\/Ebs: another EbsEncryptionByDefault, Two\/Ebs, manages the same account and Region \(111111111111\/eu-west-1\)/);
  });
  test('one per Region of an account is fine, each with its own provider', () => {
    const app = new App();
    const a = new Stack(app, 'One', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const b = new Stack(app, 'Two', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new EbsEncryptionByDefault(a, 'Ebs');
    new EbsEncryptionByDefault(b, 'Ebs');
    expect(() => app.synth()).not.toThrow();
    expect(a.node.tryFindChild('KmiEbsEncryptionByDefaultProvider')).toBeDefined();
    expect(b.node.tryFindChild('KmiEbsEncryptionByDefaultProvider')).toBeDefined();
  });
});
