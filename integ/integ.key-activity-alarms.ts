/**
 * KeyActivityAlarms, deployed: the topic is encrypted with the key the construct created, the rules
 * are enabled and watch the key, and EventBridge itself (TestEventPattern) says the synthesized
 * patterns match a ScheduleKeyDeletion of the watched key and the KMS deletion event, and do not
 * match a Decrypt with it or a ScheduleKeyDeletion of another key. Nothing here calls KMS on the key:
 * delivery needs a CloudTrail trail in the account, which the test does not create. Deploy with
 * `npx projen integ:deploy`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { KmsKeyWithRotation } from '../src';
import { KeyActivityAlarms } from '../src/audit/alarms/key-activity-alarms';
import * as sample from '../test/audit/alarms/key-activity-alarms.samples';

const app = new App();
const stack = new Stack(app, 'KmiKeyActivityAlarmsInteg');

const watched = new KmsKeyWithRotation(stack, 'Watched', { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) });
const alarms = new KeyActivityAlarms(stack, 'Alarms', { keys: [watched], removalPolicy: RemovalPolicy.DESTROY });

const ruleNamed = (id: string) => alarms.rules.find((rule) => rule.node.id === id) as events.Rule;
// The rule's pattern as synthesized, with the watched key's ARN put back as a token: JSON.stringify
// keeps tokens in the text, so CloudFormation substitutes the ARN inside correctly escaped JSON
// (stack.toJsonString would make one opaque token of the whole text).
const watchedArn = JSON.stringify(stack.resolve(watched.keyArn));
const withKeyToken = (value: unknown): unknown => {
  if (JSON.stringify(value) === watchedArn) {
    return watched.keyArn;
  }
  if (Array.isArray(value)) {
    return value.map(withKeyToken);
  }
  return value !== null && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withKeyToken(v)]))
    : value;
};
const patternOf = (rule: events.Rule) => JSON.stringify(withKeyToken(stack.resolve((rule.node.defaultChild as events.CfnRule).eventPattern)));
const keyCalls = ruleNamed('KeyApiCalls1');
const lifecycle = ruleNamed('KeyLifecycleEvents1');
const OTHER_KEY_ARN = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '99999999-8888-7777-6666-555555555555' });

const integ = new IntegTest(app, 'KeyActivityAlarms', { testCases: [stack] });

integ.assertions
  .awsApiCall('SNS', 'getTopicAttributes', { TopicArn: alarms.topic.topicArn })
  .expect(ExpectedResult.objectLike({ Attributes: Match.objectLike({ KmsMasterKeyId: alarms.encryptionKey!.keyArn }) }));

integ.assertions
  .awsApiCall('EventBridge', 'describeRule', { Name: keyCalls.ruleName })
  .expect(ExpectedResult.objectLike({
    State: 'ENABLED',
    EventPattern: Match.serializedJson(Match.objectLike({
      detail: Match.objectLike({ resources: { ARN: [watched.keyArn] } }),
    })),
  }));

const testEventPattern = (rule: events.Rule, event: object, result: boolean) => integ.assertions
  .awsApiCall('EventBridge', 'testEventPattern', { EventPattern: patternOf(rule), Event: JSON.stringify(event) })
  .expect(ExpectedResult.objectLike({ Result: result }));

testEventPattern(keyCalls, sample.scheduleKeyDeletion(watched.keyArn), true);
testEventPattern(keyCalls, sample.decrypt(watched.keyArn), false);
testEventPattern(keyCalls, sample.scheduleKeyDeletion(OTHER_KEY_ARN), false);
testEventPattern(lifecycle, sample.keyDeleted(watched.keyArn), true);
