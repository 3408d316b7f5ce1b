import * as kms from 'aws-cdk-lib/aws-kms';
import { FakeCluster, FakeKeyStore } from './key-activity-alarms.fakes';
import * as sample from './key-activity-alarms.samples';
import { KeyActivity } from '../../../src/audit/alarms/key-activity';
import { KeyActivityAlarms } from '../../../src/audit/alarms/key-activity-alarms';
import { KmsKeyWithRotation } from '../../../src/kms/kms-key-with-rotation';
import { newStack, synth } from '../../util/app';
import { matchesEventPattern } from '../../util/event-pattern';
import { TemplateResolver } from '../../util/resolve';

/**
 * The synthesized event patterns, evaluated against sample events in the shapes AWS documents, with
 * the offline matcher of test/util/event-pattern.ts (exact values, arrays, arrays of objects).
 */
const OTHER_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/99999999-8888-7777-6666-555555555555';
const WATCHED_CLUSTER = 'cluster-1a23b4cdefg';
const WATCHED_STORE = 'cks-1234567890abcdef0';
const WATCHED_ALIAS = 'alias/watched';

/** Every rule's resolved event pattern, by the rule's construct id. */
function patternsOf(build: (alarms: { stack: ReturnType<typeof newStack>; watched: kms.IKey }) => void) {
  const stack = newStack();
  const watched = new KmsKeyWithRotation(stack, 'Watched');
  build({ stack, watched });
  const template = synth(stack).toJSON();
  const resolver = new TemplateResolver(template);
  const rules = Object.entries(template.Resources as Record<string, any>)
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
    // Logical ids are the construct path ('Alarms' + rule id) and an 8-character hash.
    .map(([logicalId, resource]) => [logicalId.slice('Alarms'.length, -8), resolver.resolve(resource.Properties.EventPattern)]);
  return { rules: Object.fromEntries(rules) as Record<string, any>, watchedArn: resolver.keyArn(resolver.logicalId('AWS::KMS::Key', 'Watched')) };
}

/** The ids of the rules whose pattern matches the event. */
function rulesMatching(rules: Record<string, any>, event: unknown): string[] {
  return Object.entries(rules).filter(([, pattern]) => matchesEventPattern(pattern, event)).map(([id]) => id).sort();
}

describe('with one watched key, a watched custom key store and a watched cluster', () => {
  const { rules, watchedArn } = patternsOf(({ stack, watched }) => new KeyActivityAlarms(stack, 'Alarms', {
    keys: [watched, new kms.Alias(stack, 'WatchedAlias', { aliasName: WATCHED_ALIAS, targetKey: watched })],
    customKeyStores: [new FakeKeyStore(stack, 'Store', WATCHED_STORE)],
    clusters: [new FakeCluster(stack, 'Cluster', WATCHED_CLUSTER)],
  }));

  test('the rules are the ones the cases below name', () => {
    expect(Object.keys(rules).sort()).toEqual(['CloudHsmApiCalls', 'CustomKeyStoreApiCalls', 'KeyApiCalls1', 'KeyLifecycleEvents1']);
  });

  test.each([
    ['ScheduleKeyDeletion of the watched key', () => sample.scheduleKeyDeletion(watchedArn), ['KeyApiCalls1']],
    ['ScheduleKeyDeletion of the watched key that KMS refused', () => sample.deniedScheduleKeyDeletion(watchedArn), ['KeyApiCalls1']],
    ['UpdateAlias pointing an alias at the watched key', () => sample.updateAlias(watchedArn), ['KeyApiCalls1']],
    ['UpdateAlias moving the watched alias to another key', () => sample.updateAlias(OTHER_KEY_ARN, WATCHED_ALIAS), ['KeyApiCalls1']],
    ['CreateGrant on the watched key', () => sample.createGrant(watchedArn), ['KeyApiCalls1']],
    ['KMS CMK Deletion of the watched key', () => sample.keyDeleted(watchedArn), ['KeyLifecycleEvents1']],
    ['DisconnectCustomKeyStore of the watched store', () => sample.disconnectCustomKeyStore(WATCHED_STORE), ['CustomKeyStoreApiCalls']],
    ['DeleteHsm in the watched cluster', () => sample.deleteHsm(WATCHED_CLUSTER), ['CloudHsmApiCalls']],
  ])('%s matches exactly one rule', (_, event, expected) => {
    expect(rulesMatching(rules, event())).toEqual(expected);
  });

  test.each([
    ['ScheduleKeyDeletion of another key', () => sample.scheduleKeyDeletion(OTHER_KEY_ARN)],
    ['a read-only Decrypt with the watched key', () => sample.decrypt(watchedArn)],
    ['RetireGrant on the watched key (left out by default)', () => sample.retireGrant(watchedArn)],
    ['UpdateAlias pointing another alias at another key', () => sample.updateAlias(OTHER_KEY_ARN)],
    ['KMS CMK Deletion of another key', () => sample.keyDeleted(OTHER_KEY_ARN)],
    ['KMS CMK Rotation of the watched key', () => sample.keyRotated(watchedArn)],
    ['DisconnectCustomKeyStore of another store', () => sample.disconnectCustomKeyStore('cks-0000000000000000a')],
    ['DeleteHsm in another cluster', () => sample.deleteHsm('cluster-zzzzzzzzzzz')],
  ])('%s matches no rule', (_, event) => {
    expect(rulesMatching(rules, event())).toEqual([]);
  });
});

describe('with the defaults', () => {
  const { rules, watchedArn } = patternsOf(({ stack }) => new KeyActivityAlarms(stack, 'Alarms'));

  test('ScheduleKeyDeletion of a key found in the scope matches', () => {
    expect(rulesMatching(rules, sample.scheduleKeyDeletion(watchedArn))).toEqual(['KeyApiCalls1']);
  });
  test('DisconnectCustomKeyStore of any custom key store of the account matches', () => {
    expect(rulesMatching(rules, sample.disconnectCustomKeyStore('cks-0000000000000000a'))).toEqual(['CustomKeyStoreApiCalls']);
  });
  test('no CloudHSM call matches, as no cluster is watched', () => {
    expect(rulesMatching(rules, sample.deleteHsm(WATCHED_CLUSTER))).toEqual([]);
  });
});

test('RetireGrant matches once it is among the activities', () => {
  const { rules, watchedArn } = patternsOf(({ stack, watched }) => new KeyActivityAlarms(stack, 'Alarms', {
    keys: [watched],
    activities: [...KeyActivityAlarms.DEFAULT_ACTIVITIES, KeyActivity.RETIRE_GRANT],
  }));
  expect(rulesMatching(rules, sample.retireGrant(watchedArn))).toEqual(['KeyApiCalls1']);
});
