import { App, CfnResource, Fn, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { KMSKeyDutiesSeparated } from '../../../../src/audit/nag/rules/KMSKeyDutiesSeparated';
import { EncryptedVolume } from '../../../../src/ebs/encrypted-volume';
import { EbsEncryptionByDefault } from '../../../../src/ebs/encryption-by-default/ebs-encryption-by-default';
import { KmsKeyWithRotation } from '../../../../src/kms/kms-key-with-rotation';
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from '../../../../src/private/kms-actions';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
/** A role of the account that the stack does not define, named by ARN (its grants go into the key policy). */
const OPS = 'arn:aws:iam::111111111111:role/Ops';
const APP = 'arn:aws:iam::111111111111:role/App';

function role(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() });
}

/** A statement of the key policy allowing (or denying) the actions to the principal. */
function keyStatement(principal: iam.IPrincipal, actions: string[], effect = iam.Effect.ALLOW, conditions?: Record<string, unknown>) {
  return new iam.PolicyStatement({ effect, principals: [principal], actions, resources: ['*'], conditions });
}

describe('KMSKeyDutiesSeparated', () => {
  describe('compliant', () => {
    test('a KmsKeyWithRotation with defaults', () => {
      expect(check(KMSKeyDutiesSeparated, new KmsKeyWithRotation(newStack(), 'Key'))).toBe(COMPLIANT);
    });
    test('a KmsKeyWithRotation with an admin role and a user role of the stack', () => {
      const stack = newStack();
      const key = new KmsKeyWithRotation(stack, 'Key', { admins: [role(stack, 'Admin')], users: [role(stack, 'User')] });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('a KmsKeyWithRotation with an admin and a user named by ARN (granted in the key policy)', () => {
      const key = new KmsKeyWithRotation(newStack(), 'Key', { admins: [new iam.ArnPrincipal(OPS)], users: [new iam.ArnPrincipal(APP)] });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('the key of an EncryptedVolume (administered through IAM, used through EC2)', () => {
      const stack = newStack();
      new EncryptedVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) });
      expect(check(KMSKeyDutiesSeparated, stack.node.findChild('VolumeKey'))).toBe(COMPLIANT);
    });
    test('the key of EbsEncryptionByDefault (any principal of the account may use it through EC2)', () => {
      const stack = newStack();
      const ebs = new EbsEncryptionByDefault(stack, 'Ebs');
      expect(check(KMSKeyDutiesSeparated, ebs.node.findChild('Key'))).toBe(COMPLIANT);
    });
    test('a kms.Key with defaults: the account root statement delegates to IAM and names no one', () => {
      expect(check(KMSKeyDutiesSeparated, new kms.Key(newStack(), 'Key'))).toBe(COMPLIANT);
    });
    test('a kms.Key with defaults in a stack without an account (the root named through AWS::AccountId)', () => {
      const stack = new Stack(new App(), 'Agnostic');
      expect(check(KMSKeyDutiesSeparated, new kms.Key(stack, 'Key'))).toBe(COMPLIANT);
    });
    test('a kms.Key whose policy gives management and use to different principals', () => {
      const key = new kms.Key(newStack(), 'Key');
      key.addToResourcePolicy(keyStatement(new iam.ArnPrincipal(OPS), KEY_ADMIN_ACTIONS));
      key.addToResourcePolicy(keyStatement(new iam.ArnPrincipal(APP), KEY_USE_ACTIONS));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('an admin whose use is cancelled by an unconditional Deny', () => {
      const ops = new iam.ArnPrincipal(OPS);
      const key = new kms.Key(newStack(), 'Key', { admins: [ops] });
      key.addToResourcePolicy(keyStatement(ops, ['kms:CreateGrant'], iam.Effect.DENY));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('principals imported from other stacks, kept apart even though the template cannot name them', () => {
      const key = new kms.Key(newStack(), 'Key');
      key.addToResourcePolicy(keyStatement(new iam.ArnPrincipal(Fn.importValue('OpsRoleArn')), KEY_ADMIN_ACTIONS));
      key.addToResourcePolicy(keyStatement(new iam.ArnPrincipal(Fn.importValue('AppRoleArn')), KEY_USE_ACTIONS));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('an admin of a key that everyone of the account may use through EC2 (as aws/ebs allows): everyone is judged on its own', () => {
      const key = new kms.Key(newStack(), 'Key');
      key.addToResourcePolicy(keyStatement(new iam.ArnPrincipal(OPS), KEY_ADMIN_ACTIONS));
      key.addToResourcePolicy(keyStatement(new iam.AnyPrincipal(), KEY_USE_ACTIONS, iam.Effect.ALLOW, {
        StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:CallerAccount': '111111111111' },
      }));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('an admin whose use is cancelled by an unconditional Deny to everyone', () => {
      const key = new kms.Key(newStack(), 'Key', { admins: [new iam.ArnPrincipal(OPS)] });
      key.addToResourcePolicy(keyStatement(new iam.AnyPrincipal(), ['kms:CreateGrant'], iam.Effect.DENY));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
    test('IAM policies of the stack that name another key', () => {
      const stack = newStack();
      const admin = role(stack, 'Admin');
      const key = new kms.Key(stack, 'Key', { admins: [admin] });
      new kms.Key(stack, 'Other').grantEncryptDecrypt(admin);
      // The admin may not use this key (kms:Create* aside, which the Deny below takes away).
      key.addToResourcePolicy(keyStatement(admin, ['kms:CreateGrant'], iam.Effect.DENY));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a kms.Key whose admin, named by ARN, is also granted decrypt (both in the key policy)', () => {
      const ops = new iam.ArnPrincipal(OPS);
      const key = new kms.Key(newStack(), 'Key', { admins: [ops] });
      key.grantDecrypt(ops);
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a kms.Key whose admin role of the stack is also granted encrypt and decrypt (both in its IAM policy)', () => {
      const stack = newStack();
      const admin = role(stack, 'Admin');
      const key = new kms.Key(stack, 'Key', { admins: [admin] });
      key.grantEncryptDecrypt(admin);
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a kms.Key admin alone: grantAdmin includes kms:Create*, so kms:CreateGrant', () => {
      expect(check(KMSKeyDutiesSeparated, new kms.Key(newStack(), 'Key', { admins: [new iam.ArnPrincipal(OPS)] }))).toBe(NON_COMPLIANT);
    });
    test('a role that manages the key by the key policy and uses it by its IAM policy', () => {
      const stack = newStack();
      const ops = role(stack, 'Ops');
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(keyStatement(ops, ['kms:PutKeyPolicy']));
      key.grantDecrypt(ops);
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a role named by its literal ARN in the key policy and by name in an IAM policy', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      key.addToResourcePolicy(keyStatement(new iam.ArnPrincipal('arn:aws:iam::111111111111:role/team/Ops'), ['kms:ScheduleKeyDeletion']));
      new iam.CfnPolicy(stack, 'OpsPolicy', {
        policyName: 'ops',
        roles: ['Ops'],
        policyDocument: { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.keyArn }] },
      });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a Deny with a condition does not cancel', () => {
      const ops = new iam.ArnPrincipal(OPS);
      const key = new kms.Key(newStack(), 'Key', { admins: [ops] });
      key.addToResourcePolicy(keyStatement(ops, ['kms:CreateGrant'], iam.Effect.DENY, { Bool: { 'aws:ViaAWSService': 'false' } }));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('everyone allowed kms:* under a condition', () => {
      const key = new kms.Key(newStack(), 'Key');
      key.addToResourcePolicy(keyStatement(new iam.AnyPrincipal(), ['kms:*'], iam.Effect.ALLOW, { StringEquals: { 'kms:CallerAccount': '111111111111' } }));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('the root of another account allowed kms:*', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', {
        policy: new iam.PolicyDocument({ statements: [keyStatement(new iam.AccountPrincipal('222222222222'), ['kms:*'])] }),
      });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a role of the stack allowed kms:* on every resource', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      role(stack, 'Ops').addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:*'], resources: ['*'] }));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a managed policy of the stack, attached to a role, allowing kms:* on the account\'s keys', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      new iam.ManagedPolicy(stack, 'KeyOps', {
        roles: [role(stack, 'Ops')],
        statements: [new iam.PolicyStatement({ actions: ['kms:*'], resources: ['arn:aws:kms:us-east-1:111111111111:key/*'] })],
      });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a managed policy of the stack listed in a role\'s managedPolicies', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      const policy = new iam.ManagedPolicy(stack, 'KeyOps', { statements: [new iam.PolicyStatement({ actions: ['kms:*'], resources: [key.keyArn] })] });
      new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal(), managedPolicies: [policy] });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('an Allow with NotPrincipal, which allows nearly everyone', () => {
      const key = new kms.Key(newStack(), 'Key');
      key.addToResourcePolicy(new iam.PolicyStatement({
        notPrincipals: [new iam.ArnPrincipal(OPS)],
        actions: ['kms:PutKeyPolicy', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:CallerAccount': '111111111111' } },
      }));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('a service principal allowed management and use', () => {
      const key = new kms.Key(newStack(), 'Key');
      key.addToResourcePolicy(keyStatement(new iam.ServicePrincipal('logs.amazonaws.com'), ['kms:Encrypt*', 'kms:TagResource']));
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
    test('an inline policy of a role allowing management and use of the key', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key');
      new iam.Role(stack, 'Ops', {
        assumedBy: new iam.AccountRootPrincipal(),
        inlinePolicies: {
          keys: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['kms:Disable*', 'kms:Decrypt'], resources: [key.keyArn] })] }),
        },
      });
      expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(KMSKeyDutiesSeparated, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });

  test('cannot judge a key policy chosen at deployment, and says so', () => {
    const stack = newStack();
    const key = new kms.CfnKey(stack, 'Key', { keyPolicy: Fn.conditionIf('Shared', { Statement: [] }, { Statement: [] }) });
    expect(() => check(KMSKeyDutiesSeparated, key)).toThrow(/KeyPolicy of Key is .*Fn::If.*, known only at deployment/);
  });

  test('reads a key policy written as a JSON string', () => {
    const statement = (actions: string[]) => ({ Effect: 'Allow', Principal: { AWS: OPS }, Action: actions, Resource: '*' });
    const key = new CfnResource(newStack(), 'Key', {
      type: 'AWS::KMS::Key',
      properties: { KeyPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [statement(['kms:PutKeyPolicy']), statement(['kms:Decrypt'])] }) },
    });
    expect(check(KMSKeyDutiesSeparated, key)).toBe(NON_COMPLIANT);
  });

  test('cannot judge a key policy that is not JSON, and says so', () => {
    const key = new CfnResource(newStack(), 'Key', { type: 'AWS::KMS::Key', properties: { KeyPolicy: 'Allow Ops kms:*' } });
    expect(() => check(KMSKeyDutiesSeparated, key)).toThrow(/KeyPolicy of Key is "Allow Ops kms:\*", not JSON: whether the resource complies cannot be told/);
  });
});
