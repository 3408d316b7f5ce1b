import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CustomKeyStoreKey } from '../../../src/key-store/key/custom-key-store-key';
import { ACCOUNT, newStack, REGION } from '../../util/app';

const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

function imported(stack: Stack) {
  return CustomKeyStoreKey.fromCustomKeyStoreKeyAttributes(stack, 'Imported', { keyArn: KEY_ARN, keyFamily: 'Other/c8abc' });
}

describe('CustomKeyStoreKey.fromCustomKeyStoreKeyAttributes', () => {
  test('gives the key its ARN, its id and its family', () => {
    const stack = newStack();
    const key = imported(stack);
    expect(key.keyArn).toBe(KEY_ARN);
    expect(stack.resolve(key.keyId)).toBe('11111111-2222-3333-4444-555555555555');
    expect(key.keyFamily).toBe('Other/c8abc');
  });

  test('grantUse covers every generation: the account\'s keys with the family tag, use actions only', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    imported(stack).grantUse(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']),
          Resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/*`,
          Condition: { StringEquals: { 'aws:ResourceTag/cdk-kmi:key-family': 'Other/c8abc' } },
        }],
      },
    });
  });

  test('grantAdmin grants administration, not use', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    imported(stack).grantAdmin(role);
    const statement = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const actions: string[] = Object.values(statement)[0].Properties.PolicyDocument.Statement[0].Action;
    expect(actions).toContain('kms:ScheduleKeyDeletion');
    expect(actions).not.toContain('kms:Decrypt');
  });

  test('adds nothing to a key policy it does not manage', () => {
    const stack = newStack();
    const result = imported(stack).addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [new iam.AnyPrincipal()] }));
    expect(result.statementAdded).toBe(false);
  });

  test('refuses signing grants, naming the imported key', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => imported(stack).grantSign(role)).toThrow(/^TestStack\/Imported: invalid grantSign\(\): got a symmetric encryption key in a custom key store/);
  });

  test('refuses a key ARN that is not one', () => {
    expect(() => CustomKeyStoreKey.fromCustomKeyStoreKeyAttributes(newStack(), 'Bad', { keyArn: 'alias/app', keyFamily: 'f' }))
      .toThrow('TestStack/Bad: invalid keyArn: got \'alias/app\'; allowed: a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>.');
  });
});
