import { KeyActivityAlarms } from '../../../src/audit/alarms/key-activity-alarms';
import { KmsKeyWithRotation } from '../../../src/kms/kms-key-with-rotation';
import { ACCOUNT, newStack, synth } from '../../util/app';
import { TemplateResolver } from '../../util/resolve';
import { evaluate } from '../../util/simulate';

/**
 * The topic key's policy and the topic policy of KeyActivityAlarms, evaluated as IAM evaluates them.
 */
const stack = newStack();
new KmsKeyWithRotation(stack, 'Data');
new KeyActivityAlarms(stack, 'Alarms');
const template = synth(stack).toJSON();
const resolver = new TemplateResolver(template);

const keyLogicalId = resolver.logicalId('AWS::KMS::Key', 'AlarmsKey');
const keyPolicy = resolver.properties(keyLogicalId).KeyPolicy;

const topicLogicalId = resolver.logicalId('AWS::SNS::Topic', 'AlarmsTopic');
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:${topicLogicalId}`;
const ruleArn = (logicalId: string) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/${logicalId}`;
const RULE_IDS = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::Events::Rule');

/** The topic policy with the topic and the rules named as CloudFormation would name them. */
function namedAsDeployed(value: any): any {
  if (Array.isArray(value)) {
    return value.map(namedAsDeployed);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (value.Ref === topicLogicalId) {
    return TOPIC_ARN;
  }
  if (Array.isArray(value['Fn::GetAtt']) && RULE_IDS.includes(value['Fn::GetAtt'][0])) {
    return ruleArn(value['Fn::GetAtt'][0]);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, namedAsDeployed(v)]));
}
const topicPolicy = namedAsDeployed(template.Resources[resolver.logicalId('AWS::SNS::TopicPolicy', 'AlarmsTopic')].Properties.PolicyDocument);

describe('the topic key', () => {
  const byEventBridge = (action: string, context: Record<string, string>) => evaluate({
    principal: 'events.amazonaws.com',
    action,
    resource: resolver.keyArn(keyLogicalId),
    context,
    resourcePolicy: keyPolicy,
  });
  const ownRule = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': ruleArn(RULE_IDS[0]) };

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('EventBridge may call %s for a rule of the account', async (action) => {
    expect(await byEventBridge(action, ownRule)).toBe('Allowed');
  });
  test('EventBridge may not call kms:Encrypt', async () => {
    expect(await byEventBridge('kms:Encrypt', ownRule)).toBe('ImplicitlyDenied');
  });
  test('EventBridge may not use the key for a rule of another account', async () => {
    expect(await byEventBridge('kms:GenerateDataKey', { 'aws:SourceAccount': '999999999999', 'aws:SourceArn': 'arn:aws:events:us-east-1:999999999999:rule/theirs' }))
      .toBe('ImplicitlyDenied');
  });
  test('EventBridge may not use the key for anything of the account that is not a rule', async () => {
    expect(await byEventBridge('kms:GenerateDataKey', { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default` }))
      .toBe('ImplicitlyDenied');
  });
  test('EventBridge may not use the key when the request names no source', async () => {
    expect(await byEventBridge('kms:GenerateDataKey', {})).toBe('ImplicitlyDenied');
  });
});

describe('the topic', () => {
  const publish = (principal: string, context: Record<string, string>) => evaluate({
    principal,
    action: 'sns:Publish',
    resource: TOPIC_ARN,
    context,
    resourcePolicy: topicPolicy,
  });

  test.each(RULE_IDS)('EventBridge may publish for the rule %s', async (id) => {
    expect(await publish('events.amazonaws.com', { 'aws:SourceArn': ruleArn(id), 'aws:SourceAccount': ACCOUNT })).toBe('Allowed');
  });
  test('EventBridge may not publish for another rule of the account', async () => {
    expect(await publish('events.amazonaws.com', { 'aws:SourceArn': ruleArn('SomeoneElsesRule'), 'aws:SourceAccount': ACCOUNT })).toBe('ImplicitlyDenied');
  });
  test('publishing without TLS is denied, even for the rules', async () => {
    expect(await publish('events.amazonaws.com', { 'aws:SourceArn': ruleArn(RULE_IDS[0]), 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
  });
  test('another service may not publish', async () => {
    expect(await publish('s3.amazonaws.com', { 'aws:SourceArn': ruleArn(RULE_IDS[0]), 'aws:SourceAccount': ACCOUNT })).toBe('ImplicitlyDenied');
  });
});
