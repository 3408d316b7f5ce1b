import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KmsKeyWithImportedMaterial, KmsKeyWithImportedMaterialProps } from '../../../src/kms/imported-key-material/imported-key-material';
import { KeyMaterialExpiration, KeyMaterialExpirationModel } from '../../../src/kms/imported-key-material/imported-key-material-expiration';
import { newStack, snapshotOf, synth } from '../../util/app';
import { nagFindings } from '../../util/nag';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:byok-material-AbCdEf';

function materialSecret(scope: Construct, id = 'Material', arn = SECRET_ARN): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretCompleteArn(scope, id, arn);
}

function build(props: Partial<KmsKeyWithImportedMaterialProps> = {}) {
  const stack = newStack();
  const key = new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: materialSecret(stack), ...props });
  return { stack, key, template: synth(stack) };
}

function importResource(template: Template) {
  return Object.values(template.findResources('Custom::KmiImportedKeyMaterial'))[0];
}

describe('defaults', () => {
  const { template, key, stack } = build();

  test('the key has origin EXTERNAL, for imported material', () => {
    template.hasResourceProperties('AWS::KMS::Key', { Origin: 'EXTERNAL' });
  });
  test('the key has no automatic rotation (KMS refuses it for imported material)', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: Match.absent(), RotationPeriodInDays: Match.absent() });
  });
  test('the key is a symmetric encryption key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: Match.absent(), KeyUsage: Match.absent(), MultiRegion: Match.absent() });
  });
  test('a scheduled deletion waits 30 days, and the key is retained when the stack is deleted', () => {
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 30 });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
  test('a custom resource imports the material from the secret, without expiry, and the secret\'s value is nowhere in the template', () => {
    template.hasResourceProperties('Custom::KmiImportedKeyMaterial', {
      KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      SecretId: SECRET_ARN,
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      ValidForDays: Match.absent(),
      ImportGeneration: '0',
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/SecretString|resolve:secretsmanager/);
  });
  test('the material does not expire', () => {
    expect(key.expiration.expirationModel).toEqual(KeyMaterialExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE);
    expect(key.expiration.validity).toBeUndefined();
  });
  test('the handler may import into, list and rotate this key only, in a policy the custom resource depends on', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^KeyImportPolicy') } });
    const [[policyId, policy]] = Object.entries(policies);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kms:GetParametersForImport', 'kms:ImportKeyMaterial', 'kms:ListKeyRotations', 'kms:RotateKeyOnDemand'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      }),
    ]);
    expect(importResource(template).DependsOn).toContain(policyId);
  });
  test('the handler may read this secret only, and the custom resource waits for that permission', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^KmiImportedKeyMaterialProviderHandlerRoleDefaultPolicy') } });
    const [[policyId, policy]] = Object.entries(policies);
    const secretStatements = policy.Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager:'));
    expect(secretStatements).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SECRET_ARN },
    ]);
    expect(importResource(template).DependsOn).toContain(policyId);
  });
  test('the key policy only delegates to the account and keeps grants for AWS services (no separation-of-duties statements without admins or users)', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: [Match.objectLike({ Action: 'kms:*', Effect: 'Allow' }), Match.objectLike({ Sid: 'DenyGrantsNotForAwsResources', Effect: 'Deny', Action: 'kms:CreateGrant' })] } });
  });
  test('the handler runs on Node.js 24', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Handler: 'index.handler', Description: 'cdk-kmi: Custom::KmiImportedKeyMaterial (onEvent)' });
  });
  test('is a kms.Key, usable wherever an IKey is expected', () => {
    expect(key).toBeInstanceOf(kms.Key);
  });
  test('keyMaterialId is the custom resource\'s KeyMaterialId attribute', () => {
    expect(stack.resolve(key.keyMaterialId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KeyKeyMaterial/), 'KeyMaterialId'] });
  });
  test('compliance packs report nothing (automatic rotation acknowledged: imported material rotates on demand only)', () => {
    const s = newStack();
    new KmsKeyWithImportedMaterial(s, 'Key', { keyMaterial: materialSecret(s) });
    expect(nagFindings(s)).toEqual([]);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('props', () => {
  test('expiration after(90 days) imports expiring material, valid 90 days from each import', () => {
    const { template, key } = build({ expiration: KeyMaterialExpiration.after(Duration.days(90)) });
    template.hasResourceProperties('Custom::KmiImportedKeyMaterial', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '90' });
    expect(key.expiration.validity!.toDays()).toBe(90);
  });
  test.each([1, 365])('expiration after(%d days) is accepted', (days) => {
    build({ expiration: KeyMaterialExpiration.after(Duration.days(days)) }).template
      .hasResourceProperties('Custom::KmiImportedKeyMaterial', { ValidForDays: String(days) });
  });
  test('expiration never() is the default, stated', () => {
    build({ expiration: KeyMaterialExpiration.never() }).template
      .hasResourceProperties('Custom::KmiImportedKeyMaterial', { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidForDays: Match.absent() });
  });
  test('importGeneration is passed on, so that changing it re-imports', () => {
    build({ importGeneration: 3 }).template.hasResourceProperties('Custom::KmiImportedKeyMaterial', { ImportGeneration: '3' });
  });
  test('alias creates the alias', () => {
    build({ alias: 'alias/app/byok_2026-a' }).template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/app/byok_2026-a' });
  });
  test('description describes the key', () => {
    build({ description: 'BYOK key' }).template.hasResourceProperties('AWS::KMS::Key', { Description: 'BYOK key' });
  });
  test('pendingWindow sets the deletion waiting period', () => {
    build({ pendingWindow: Duration.days(7) }).template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });
  test('removalPolicy DESTROY deletes the key with the stack', () => {
    build({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
  test('a secret encrypted with a customer managed key: the handler may decrypt with it only through Secrets Manager', () => {
    const stack = newStack();
    const secretKey = new kms.Key(stack, 'SecretKey', { enableKeyRotation: true });
    const secret = new secretsmanager.Secret(stack, 'Material', { encryptionKey: secretKey });
    new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: secret });
    const template = synth(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
          Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KmiImportedKeyMaterialProviderHandlerRole'), 'Arn'] } },
          Resource: '*',
        }]),
      },
    });
  });
  test('admins may administer the key and its material, without CreateGrant or automatic rotation', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: materialSecret(stack), admins: [admin] });
    const policy = Object.values(synth(stack).findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^AdminDefaultPolicy') } }))[0];
    const actions: string[] = policy.Properties.PolicyDocument.Statement[0].Action;
    expect(actions).toEqual(expect.arrayContaining(['kms:ImportKeyMaterial', 'kms:GetParametersForImport', 'kms:DeleteImportedKeyMaterial', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion']));
    expect(actions).not.toContain('kms:EnableKeyRotation');
    expect(actions).not.toContain('kms:CreateGrant');
    expect(actions).not.toContain('kms:Decrypt');
    expect(actions.every((action) => !action.includes('*'))).toBe(true);
  });
  test('users and admins are kept apart in the key policy', () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: materialSecret(stack), admins: [admin], users: [user] });
    const statements = Object.values(synth(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements.filter((s: any) => s.Effect === 'Deny').map((s: any) => s.Sid).sort())
      .toEqual(['DenyCryptographicUseToKeyAdministrators', 'DenyGrantsNotForAwsResources', 'DenyKeyManagementToKeyUsers']);
  });
  test('two keys in a stack share one provider and one handler', () => {
    const stack = newStack();
    new KmsKeyWithImportedMaterial(stack, 'KeyA', { keyMaterial: materialSecret(stack, 'A') });
    new KmsKeyWithImportedMaterial(stack, 'KeyB', { keyMaterial: materialSecret(stack, 'B', SECRET_ARN.replace('AbCdEf', 'GhIjKl')) });
    const template = synth(stack);
    template.resourceCountIs('Custom::KmiImportedKeyMaterial', 2);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiImportedKeyMaterial (onEvent)' }, 1);
  });
  test('a resource that depends on keyMaterialImported is created after the import', () => {
    const stack = newStack();
    const key = new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: materialSecret(stack) });
    const consumer = new iam.User(stack, 'Consumer');
    consumer.node.addDependency(key.keyMaterialImported);
    const template = synth(stack);
    const importId = Object.keys(template.findResources('Custom::KmiImportedKeyMaterial'))[0];
    template.hasResource('AWS::IAM::User', { DependsOn: Match.arrayWith([importId]) });
  });
  test('metricSecondsUntilKeyMaterialExpiration is the KMS metric for this key, minimum over an hour', () => {
    const { key, stack } = build({ expiration: KeyMaterialExpiration.after(Duration.days(90)) });
    const metric = key.metricSecondsUntilKeyMaterialExpiration();
    expect(metric.namespace).toEqual('AWS/KMS');
    expect(metric.metricName).toEqual('SecondsUntilKeyMaterialExpiration');
    expect(metric.statistic).toEqual('Minimum');
    expect(metric.period.toHours()).toEqual(1);
    expect(Stack.of(key).resolve(metric.dimensions)).toEqual({ KeyId: stack.resolve(key.keyId) });
  });
});

describe('bad input', () => {
  const attempt = (props: Partial<KmsKeyWithImportedMaterialProps>) => () => {
    const stack = newStack();
    new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: materialSecret(stack), ...props });
  };

  test.each([
    [Duration.days(0), 'KeyMaterialExpiration.after(0 days)'],
    [Duration.days(366), 'KeyMaterialExpiration.after(366 days)'],
    [Duration.hours(36), 'KeyMaterialExpiration.after(1.5 days)'],
  ])('expiration after(%s) is refused', (validity, given) => {
    expect(attempt({ expiration: KeyMaterialExpiration.after(validity) })).toThrow(
      `TestStack/Key: invalid expiration: got ${given}; allowed: KeyMaterialExpiration.after() with a whole number of days from 1 to 365, `
      + 'or KeyMaterialExpiration.never(). KMS accepts an expiry at most 365 days after the import.');
  });
  test.each([-1, 1.5])('importGeneration %p is refused', (importGeneration) => {
    expect(attempt({ importGeneration }))
      .toThrow(`TestStack/Key: invalid importGeneration: got ${importGeneration}; allowed: a whole number, 0 or more. Increase it by one to import the material again.`);
  });
  test.each([
    [Duration.days(6), 'TestStack/Key: invalid pendingWindow: got 6 days; allowed: a whole number of days from 7 to 30.'],
    [Duration.days(31), 'TestStack/Key: invalid pendingWindow: got 31 days; allowed: a whole number of days from 7 to 30.'],
  ])('pendingWindow %s is refused', (pendingWindow, message) => {
    expect(attempt({ pendingWindow })).toThrow(message);
  });
  test.each([
    ['byok', /invalid alias: got 'byok'; allowed: 'alias\/' followed by .*\. Write it as 'alias\/byok'\./],
    ['alias/aws/byok', /invalid alias: got 'alias\/aws\/byok'; .*Aliases beginning with alias\/aws\/ are reserved for AWS managed keys\./],
    [`alias/${'a'.repeat(251)}`, /invalid alias: got 'alias\/a+'; .*It has 257 characters\./],
    ['alias/by ok', /invalid alias: got 'alias\/by ok'; .*Remove the characters that are not allowed\./],
  ])('alias %p is refused', (alias, message) => {
    expect(attempt({ alias })).toThrow(message);
  });
  test('a principal that is both admin and user is refused', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Both', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => new KmsKeyWithImportedMaterial(stack, 'Key', { keyMaterial: materialSecret(stack), admins: [role], users: [role] }))
      .toThrow(/TestStack\/Key: invalid users: got TestStack\/Both, which is also one of the key's admins; allowed: principals that are not admins\./);
  });
});
