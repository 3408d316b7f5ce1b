import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FieldLevelEncryptionKeys, KmsKeyWithRotation, SearchableFieldKeys } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';

const context = { purpose: 'patient-records' };

describe('defaults (KMS HMAC blind indexes)', () => {
  const stack = newStack();
  const keys = new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context });
  const template = synth(stack);

  test('a rotating symmetric field key and an HMAC_256 key that does not rotate, both retained', () => {
    expect(keys.fieldKey).toBeInstanceOf(KmsKeyWithRotation);
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: Match.absent(), EnableKeyRotation: true, RotationPeriodInDays: 365 });
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', EnableKeyRotation: false, PendingWindowInDays: 30 });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    expect(keys.branchKeyStore).toBeUndefined();
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
  test('the four compliance packs report nothing (the HMAC key\'s rotation rule is acknowledged with its reason)', () => {
    const s = newStack();
    new FieldLevelEncryptionKeys(s, 'Fields', { encryptionContext: context });
    expect(nagFindings(s)).toEqual([]);
  });
});

describe('searchable fields', () => {
  test('NONE creates only the field key', () => {
    const stack = newStack();
    const keys = new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, searchableFields: SearchableFieldKeys.NONE });
    synth(stack).resourceCountIs('AWS::KMS::Key', 1);
    expect(keys.macKey).toBeUndefined();
  });
  test('BRANCH_KEY_STORE creates the key store table (branch-key-id, type) encrypted, with PITR, and its root key', () => {
    const stack = newStack();
    const keys = new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE });
    const template = synth(stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'branch-key-id', KeyType: 'HASH' }, { AttributeName: 'type', KeyType: 'RANGE' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
    template.resourceCountIs('AWS::KMS::Key', 3); // field key, root key, table key
    expect(keys.branchKeyStoreKey).toBeInstanceOf(KmsKeyWithRotation);
    expect(keys.macKey).toBeUndefined();
  });
  test('the four compliance packs report nothing on the branch key store', () => {
    const s = newStack();
    new FieldLevelEncryptionKeys(s, 'Fields', { encryptionContext: context, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE });
    expect(nagFindings(s)).toEqual([]);
  });
  test('a key store manager may write the store and create branch keys', () => {
    const stack = newStack();
    const manager = new iam.Role(stack, 'Manager', { assumedBy: new iam.AccountRootPrincipal() });
    new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE })
      .grantKeyStoreManagement(manager);
    synth(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Decrypt'] })]) },
    });
  });
});

describe('props', () => {
  test('a field key of your own (for example in a CloudHSM key store) takes the context-bound grants in the user\'s policy', () => {
    const stack = newStack();
    const fieldKey = kms.Key.fromKeyArn(stack, 'Hsm', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, fieldKey, users: [app] });
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 1); // the MAC key only
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'patient-records' } },
          Effect: 'Allow',
          Resource: 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111',
        }]),
      },
    });
  });
  test('a root key of your own (for example in a CloudHSM key store) protects the branch key store', () => {
    const stack = newStack();
    const branchKeyStoreKey = kms.Key.fromKeyArn(stack, 'Hsm', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    const keys = new FieldLevelEncryptionKeys(stack, 'Fields', {
      encryptionContext: context, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE, branchKeyStoreKey, users: [app],
    });
    expect(keys.branchKeyStoreKey).toBe(branchKeyStoreKey);
    synth(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111' }]),
      },
    });
  });
  test('DESTROY destroys the keys', () => {
    const stack = newStack();
    new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, removalPolicy: RemovalPolicy.DESTROY });
    synth(stack).allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
  test('separate grants for encryption only, decryption only, MAC generation only', () => {
    const stack = newStack();
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const keys = new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context });
    keys.grantFieldEncryption(writer);
    keys.grantGenerateMac(writer);
    keys.grantFieldDecryption(reader);
    keys.grantVerifyMac(reader);
    const template = synth(stack);
    const actionsOf = (role: string) => Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement.map((s: any) => s.Action));
    expect(actionsOf('Writer')).toEqual(['kms:GenerateDataKey', 'kms:GenerateMac']);
    expect(actionsOf('Reader')).toEqual(['kms:Decrypt', 'kms:VerifyMac']);
  });
});

describe('bad input', () => {
  test.each([
    ['an empty context', {}, /TestStack\/Fields: invalid encryptionContext: got an empty context; allowed: at least one/],
    ['a reserved name', { 'aws:x': 'y' }, /invalid encryptionContext: got 'aws:x': 'y'/],
    ['an empty value', { purpose: '' }, /invalid encryptionContext: got 'purpose': ''/],
  ])('%s is refused', (_, encryptionContext, message) => {
    expect(() => new FieldLevelEncryptionKeys(newStack(), 'Fields', { encryptionContext })).toThrow(message);
  });
  test('a principal both admin and user is refused', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Both', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, admins: [role], users: [role] }))
      .toThrow(/invalid users: got TestStack\/Both.*which is also one of the key's admins/);
  });
  test('a branchKeyStoreKey without the branch key store is refused', () => {
    const stack = newStack();
    const branchKeyStoreKey = kms.Key.fromKeyArn(stack, 'Hsm', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    expect(() => new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, branchKeyStoreKey }))
      .toThrow(/TestStack\/Fields: invalid branchKeyStoreKey: got a key with searchableFields KMS_HMAC/);
  });
  test('MAC grants without an HMAC key, and key store grants without a key store, are refused', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
    const keys = new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: context, searchableFields: SearchableFieldKeys.NONE });
    expect(() => keys.grantGenerateMac(role)).toThrow(/TestStack\/Fields: invalid searchableFields: got not KMS_HMAC/);
    expect(() => keys.grantKeyStoreUse(role)).toThrow(/invalid searchableFields: got not BRANCH_KEY_STORE \(calling grantKeyStoreUse\)/);
  });
});
