import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FakeCluster, FakeKeyInStore, FakeKeyStore } from './key-activity-alarms.fakes';
import { CloudHsmActivity, KeyActivity } from '../../../src/audit/alarms/key-activity';
import { KeyActivityAlarms, KeyActivityAlarmsProps } from '../../../src/audit/alarms/key-activity-alarms';
import { CustomKeyStore } from '../../../src/key-store/custom-key-store';
import { CustomKeyStoreType } from '../../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../../../src/key-store/key/custom-key-store-key';
import { KmsKeyWithRotation } from '../../../src/kms/kms-key-with-rotation';
import { newStack, snapshotOf, synth } from '../../util/app';
import { nagFindings } from '../../util/nag';
import { TemplateResolver } from '../../util/resolve';

const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';

/** The default key policy KMS gives a key: the account administers it through IAM. */
const ACCOUNT_ROOT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }],
};

/** The resources of one type whose logical id starts with `prefix`, by logical id. */
function resourcesOf(template: Template, type: string, prefix = ''): Record<string, any> {
  return Object.fromEntries(Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix)));
}

/** The key ARNs a key rule watches, as the template writes them. */
function watchedBy(rule: any): any[] {
  return rule.Properties.EventPattern.detail.resources.ARN;
}

/** An alias ARN as the template writes it. */
const aliasArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:us-east-1:111111111111:${name}`]] });

const getAtt = (logicalIdStart: string) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${logicalIdStart}`), 'Arn'] });

describe('defaults', () => {
  const stack = newStack();
  new KmsKeyWithRotation(stack, 'Data');
  const alarms = new KeyActivityAlarms(stack, 'Alarms');
  const template = synth(stack);

  test('creates a topic encrypted with a new rotating key, TLS only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: getAtt('AlarmsKey') });
    template.hasResourceProperties('AWS::KMS::Key', { Description: 'Encrypts the notifications of TestStack/Alarms', EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('retains the topic key when the stack is deleted', () => {
    expect(Object.values(resourcesOf(template, 'AWS::KMS::Key', 'AlarmsKey'))[0].DeletionPolicy).toBe('Retain');
  });

  test('lets EventBridge rules of this account and Region, and no one else, use the topic key', () => {
    const resolver = new TemplateResolver(template.toJSON());
    const { KeyPolicy } = resolver.properties(resolver.logicalId('AWS::KMS::Key', 'AlarmsKey'));
    expect(KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowEventBridgeRulesOfThisAccountToPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111111111111:rule/*' },
      },
    });
  });

  test('creates a rule for key API calls, one for KMS lifecycle events and one for custom key store calls', () => {
    expect(Object.keys(template.findResources('AWS::Events::Rule')).map((id) => id.slice('Alarms'.length, -8)).sort())
      .toEqual(['CustomKeyStoreApiCalls', 'KeyApiCalls1', 'KeyLifecycleEvents1']);
    expect(alarms.rules).toHaveLength(3);
  });

  test('the key API call rule matches the default API calls on every key of the scope, the topic key included', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['kms.amazonaws.com'],
          eventName: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DisableKeyRotation', 'ImportKeyMaterial',
            'DeleteImportedKeyMaterial', 'CreateGrant', 'RevokeGrant', 'UpdateAlias', 'DeleteAlias'],
          resources: { ARN: [getAtt('Data'), getAtt('AlarmsKey')] },
        },
      },
    });
  });

  test('the lifecycle rule matches key deletion and imported material expiration on the same keys', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['KMS CMK Deletion', 'KMS Imported Key Material Expiration'],
        'resources': [getAtt('Data'), getAtt('AlarmsKey')],
      },
    });
  });

  test('the custom key store rule matches store calls on every store of the account', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': { eventSource: ['kms.amazonaws.com'], eventName: ['DisconnectCustomKeyStore', 'DeleteCustomKeyStore', 'UpdateCustomKeyStore'] },
      },
    });
  });

  test('every rule sends a readable message to the topic, with at most 10 event fields', () => {
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      const [target] = rule.Properties.Targets;
      expect(target.Arn).toEqual({ Ref: expect.stringMatching(/^AlarmsTopic/) });
      expect(target.InputTransformer.InputTemplate).toMatch(/^"(KMS|<detail-type>).* (key|store)\b.*"$/);
      expect(Object.keys(target.InputTransformer.InputPathsMap).length).toBeLessThanOrEqual(10);
    }
  });

  test('the key API call message names the call, the key, the caller, the error and the CloudTrail event', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({
        InputTransformer: {
          InputPathsMap: Match.objectLike({
            'detail-eventName': '$.detail.eventName',
            'detail-requestParameters-keyId': '$.detail.requestParameters.keyId',
            'detail-userIdentity-arn': '$.detail.userIdentity.arn',
            'detail-errorCode': '$.detail.errorCode',
            'detail-eventID': '$.detail.eventID',
          }),
          InputTemplate: Match.stringLikeRegexp('^"KMS <detail-eventName> on a watched key. Key: <detail-requestParameters-keyId>.*<detail-eventID>.'),
        },
      })],
    });
  });

  test('only the rules may publish to the topic through the EventBridge service', () => {
    const rules = Object.keys(template.findResources('AWS::Events::Rule'));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'AllowKeyActivityRulesToPublish',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: Match.stringLikeRegexp('^AlarmsTopic') },
          Condition: { ArnEquals: { 'aws:SourceArn': rules.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) } },
        }]),
      },
    });
  });

  test('passes the compliance packs with no acknowledgement', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('keys found in the scope', () => {
  function watchedIn(build: (stack: Stack) => Construct) {
    const stack = newStack();
    const scope = build(stack);
    new KeyActivityAlarms(scope, 'Alarms', { topic: new sns.Topic(stack, 'Topic') });
    const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule'))
      .find((r) => r.Properties.EventPattern.detail?.resources) as any;
    return rule ? watchedBy(rule) : [];
  }

  test('include keys defined after the alarms, raw AWS::KMS::Key resources and keys in custom key stores', () => {
    const stack = newStack();
    const alarms = new KeyActivityAlarms(stack, 'Alarms', { topic: new sns.Topic(stack, 'Topic') });
    new kms.Key(stack, 'Later');
    new kms.CfnKey(stack, 'Raw', { keyPolicy: ACCOUNT_ROOT_KEY_POLICY });
    new FakeKeyInStore(stack, 'InStore');
    const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKeyApiCalls1'))[0];
    expect(watchedBy(rule)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Later/), 'Arn'] },
      { 'Fn::GetAtt': ['Raw', 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^InStore/), 'Arn'] },
    ]);
    expect(alarms.rules.length).toBeGreaterThan(0);
  });

  test('include a CustomKeyStoreKey, by the ARN of its first generation and by its alias', () => {
    const stack = newStack();
    const store = CustomKeyStore.fromCustomKeyStoreAttributes(stack, 'Store', {
      customKeyStoreId: 'cks-1234567890abcdef0',
      customKeyStoreType: CustomKeyStoreType.AWS_CLOUDHSM,
    });
    new CustomKeyStoreKey(stack, 'InStore', { customKeyStore: store });
    new KeyActivityAlarms(stack, 'Alarms', { topic: new sns.Topic(stack, 'Topic') });
    const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKeyApiCalls1'))[0];
    expect(watchedBy(rule)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^InStore/), 'KeyArn'] },
      aliasArn('alias/cdk-kmi/TestStack-InStore-466ED5EC'),
    ]);
  });

  test('include aliases defined in the scope, leave out imported keys and aliases, and watch each once', () => {
    const watched = watchedIn((stack) => {
      const key = new kms.Key(stack, 'Key');
      key.addAlias('alias/app');
      new kms.Alias(stack, 'Alias', { aliasName: 'alias/other', targetKey: key });
      kms.Key.fromKeyArn(stack, 'Imported', KEY_ARN);
      kms.Alias.fromAliasName(stack, 'ImportedAlias', 'alias/imported');
      return stack;
    });
    expect(watched).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      aliasArn('alias/app'),
      aliasArn('alias/other'),
    ]);
  });

  test('stay within the scope the alarms are created in', () => {
    const watched = watchedIn((stack) => {
      new kms.Key(stack, 'Outside');
      const team = new Construct(stack, 'Team');
      new kms.Key(team, 'Inside');
      return team;
    });
    expect(watched).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^TeamInside/), 'Arn'] }]);
  });

  test('none found: warns and watches no key', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { topic: new sns.Topic(stack, 'Topic') });
    const template = synth(stack);
    expect(Object.keys(resourcesOf(template, 'AWS::Events::Rule', 'AlarmsKey'))).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/TestStack/Alarms', Match.stringLikeRegexp('No KMS key is defined in TestStack: no key is watched'));
  });
});

describe('keys of other stacks inside the scope', () => {
  test('a key in a stack nested in the scope (a StackSet template, say) is not watched by the outer stack\'s rules', () => {
    const app = new App();
    const outer = new Stack(app, 'Outer', { env: { account: '111111111111', region: 'us-east-1' } });
    const inner = new Stack(outer, 'Inner', { env: { account: '111111111111', region: 'us-east-1' } });
    new KmsKeyWithRotation(inner, 'InnerKey');
    new KmsKeyWithRotation(outer, 'OuterKey');
    new KeyActivityAlarms(outer, 'Alarms');
    expect(() => app.synth()).not.toThrow();
    const rules = Template.fromStack(outer).findResources('AWS::Events::Rule');
    const watched = JSON.stringify(rules);
    expect(watched).toContain('OuterKey');
    expect(watched).not.toContain('InnerKey');
  });
});

describe('keys given', () => {
  test('only the given keys are watched', () => {
    const stack = newStack();
    const given = new kms.Key(stack, 'Given');
    new kms.Key(stack, 'NotGiven');
    new KeyActivityAlarms(stack, 'Alarms', { keys: [given, kms.Key.fromKeyArn(stack, 'Imported', KEY_ARN)] });
    const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKeyApiCalls1'))[0];
    expect(watchedBy(rule)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Given/), 'Arn'] }, KEY_ARN]);
  });

  test('a key with an alias name of its own, as keys in custom key stores have, is a key, not an alias', () => {
    const stack = newStack();
    const inStore = new FakeKeyInStore(stack, 'InStore');
    new KeyActivityAlarms(stack, 'Alarms', { keys: [inStore as unknown as kms.IKey] });
    const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKeyApiCalls1'))[0];
    expect(watchedBy(rule)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^InStore/), 'Arn'] }]);
  });

  test('an alias given watches the alias and its target key; an alias imported by name, the alias only', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/app', targetKey: key });
    new KeyActivityAlarms(stack, 'Alarms', { keys: [alias, kms.Alias.fromAliasName(stack, 'Imported', 'alias/imported')] });
    const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKeyApiCalls1'))[0];
    expect(watchedBy(rule)).toEqual([aliasArn('alias/app'), { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] }, aliasArn('alias/imported')]);
  });

  test('more than 10 keys are spread over rules of 10 keys each', () => {
    const stack = newStack();
    const keys = Array.from({ length: 25 }, (_, i) =>
      kms.Key.fromKeyArn(stack, `Key${i}`, `arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-${String(i).padStart(12, '0')}`));
    new KeyActivityAlarms(stack, 'Alarms', { keys });
    const template = synth(stack);
    const calls = resourcesOf(template, 'AWS::Events::Rule', 'AlarmsKeyApiCalls');
    expect(Object.values(calls).map((rule) => watchedBy(rule).length)).toEqual([10, 10, 5]);
    expect(Object.values(calls).flatMap(watchedBy)).toEqual(keys.map((key) => key.keyArn));
    expect(Object.values(resourcesOf(template, 'AWS::Events::Rule', 'AlarmsKeyLifecycleEvents')).map((rule) => rule.Properties.EventPattern.resources.length))
      .toEqual([10, 10, 5]);
    expect(Object.values(calls)[2].Properties.Description).toMatch(/\(part 3 of 3\)$/);
  });

  test('a rule of 10 of the longest key ARNs, with every activity, stays within the 2048-character event pattern quota', () => {
    const stack = new Stack(new App(), 'Iso', { env: { account: '123456789012', region: 'us-isob-east-1' } });
    const keys = Array.from({ length: 10 }, (_, i) =>
      kms.Key.fromKeyArn(stack, `Key${i}`, `arn:aws-iso-b:kms:us-isob-east-1:123456789012:key/mrk-${String(i).padStart(32, 'f')}`));
    new KeyActivityAlarms(stack, 'Alarms', { keys, activities: Object.values(KeyActivity) });
    for (const rule of Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))) {
      expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(2048);
    }
  });

  test('an empty list watches no key and adds no warning', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [] });
    expect(Object.keys(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKey'))).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('activities', () => {
  function rulesFor(activities: KeyActivity[]) {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)], activities });
    return Object.values(synth(stack).findResources('AWS::Events::Rule')).map((rule) => rule.Properties.EventPattern);
  }

  test('API calls only: one rule, with the chosen calls, each once', () => {
    expect(rulesFor([KeyActivity.SCHEDULE_KEY_DELETION, KeyActivity.DISABLE_KEY, KeyActivity.SCHEDULE_KEY_DELETION]))
      .toEqual([expect.objectContaining({ detail: expect.objectContaining({ eventName: ['ScheduleKeyDeletion', 'DisableKey'] }) })]);
  });
  test('lifecycle events only: one rule, with the chosen event', () => {
    expect(rulesFor([KeyActivity.KEY_DELETED])).toEqual([{ 'source': ['aws.kms'], 'detail-type': ['KMS CMK Deletion'], 'resources': [KEY_ARN] }]);
  });
  test('store calls only: one rule, on the store calls', () => {
    expect(rulesFor([KeyActivity.DELETE_CUSTOM_KEY_STORE]))
      .toEqual([expect.objectContaining({ detail: { eventSource: ['kms.amazonaws.com'], eventName: ['DeleteCustomKeyStore'] } })]);
  });
  test('the defaults are every activity but RetireGrant', () => {
    expect(KeyActivityAlarms.DEFAULT_ACTIVITIES).toEqual([
      'DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DisableKeyRotation', 'ImportKeyMaterial', 'DeleteImportedKeyMaterial',
      'CreateGrant', 'RevokeGrant', 'UpdateAlias', 'DeleteAlias', 'KMS CMK Deletion', 'KMS Imported Key Material Expiration',
      'DisconnectCustomKeyStore', 'DeleteCustomKeyStore', 'UpdateCustomKeyStore',
    ]);
  });
});

describe('custom key stores and clusters', () => {
  test('given stores narrow the store rule to their ids', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [], customKeyStores: [new FakeKeyStore(stack, 'Store', 'cks-1234567890abcdef0')] });
    synth(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: Match.objectLike({ requestParameters: { customKeyStoreId: ['cks-1234567890abcdef0'] } }) },
    });
  });

  test('given clusters get a rule on the default CloudHSM calls, matched on their ids', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [], clusters: [new FakeCluster(stack, 'A', 'cluster-aaaaaaaaaaa'), new FakeCluster(stack, 'B', 'cluster-bbbbbbbbbbb')] });
    synth(stack).hasResourceProperties('AWS::Events::Rule', {
      Description: 'cdk-kmi: CloudHSM API calls that delete or change watched clusters',
      EventPattern: {
        'source': ['aws.cloudhsm'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['cloudhsm.amazonaws.com'],
          eventName: ['DeleteHsm', 'DeleteCluster', 'ModifyCluster'],
          requestParameters: { clusterId: ['cluster-aaaaaaaaaaa', 'cluster-bbbbbbbbbbb'] },
        },
      },
      Targets: [Match.objectLike({ InputTransformer: Match.objectLike({ InputTemplate: Match.stringLikeRegexp('^"CloudHSM <detail-eventName> on a watched cluster. Cluster: ') }) })],
    });
  });

  test('clusterActivities choose the CloudHSM calls', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [], clusters: [new FakeCluster(stack, 'A', 'cluster-aaaaaaaaaaa')], clusterActivities: [CloudHsmActivity.CREATE_HSM] });
    synth(stack).hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: Match.objectLike({ eventName: ['CreateHsm'] }) } });
  });

  test('with stores and clusters, the compliance packs still pass', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { customKeyStores: [new FakeKeyStore(stack, 'Store', 'cks-1234567890abcdef0')], clusters: [new FakeCluster(stack, 'A', 'cluster-aaaaaaaaaaa')] });
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('topic', () => {
  test('a given topic gets the rules and their publish permission; no key or topic is created', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Security');
    const alarms = new KeyActivityAlarms(stack, 'Alarms', { keys: [], topic });
    const template = synth(stack);
    expect(alarms.topic).toBe(topic);
    expect(alarms.encryptionKey).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Security') } })] });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^Security') }],
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'AllowKeyActivityRulesToPublish' })] },
    });
  });

  test('an imported topic cannot be given the permission: warns', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [], topic: sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:us-east-1:111111111111:security') });
    Annotations.fromStack(stack).hasWarning('/TestStack/Alarms',
      Match.stringLikeRegexp('The topic arn:aws:sns:us-east-1:111111111111:security is imported: allow events.amazonaws.com to sns:Publish'));
  });

  test('removalPolicy applies to the topic key', () => {
    const stack = newStack();
    new KeyActivityAlarms(stack, 'Alarms', { keys: [], removalPolicy: RemovalPolicy.DESTROY });
    synth(stack).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('invalid props', () => {
  function build(props: (stack: Stack) => KeyActivityAlarmsProps) {
    const stack = newStack();
    return () => new KeyActivityAlarms(stack, 'Alarms', props(stack));
  }

  test('an ARN that names neither a key nor an alias', () => {
    expect(build((stack) => ({ keys: [kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:grant/abc')] })))
      .toThrow("TestStack/Alarms: invalid keys[0]: got 'arn:aws:kms:us-east-1:111111111111:grant/abc'; allowed: a key or alias ARN, arn:<partition>:kms:<region>:<account>:key/<key id> or ...:alias/<alias name>. Import keys with kms.Key.fromKeyArn and a key ARN, aliases with kms.Alias.fromAliasName.");
  });
  test('an alias of another Region', () => {
    expect(build((stack) => ({ keys: [kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111111111111:alias/app')] })))
      .toThrow(/invalid keys\[0\]: got a key of account 111111111111, Region eu-west-1/);
  });
  test('a key of another Region', () => {
    expect(build((stack) => ({ keys: [kms.Key.fromKeyArn(stack, 'Key', KEY_ARN.replace('us-east-1', 'eu-west-1'))] })))
      .toThrow("TestStack/Alarms: invalid keys[0]: got a key of account 111111111111, Region eu-west-1; allowed: keys of the stack's account and Region (111111111111, us-east-1). KMS reports what happens to a key only to its own account and Region");
  });
  test('a key of another account', () => {
    expect(build((stack) => ({ keys: [kms.Key.fromKeyArn(stack, 'Key', KEY_ARN.replace('111111111111', '222222222222'))] })))
      .toThrow(/invalid keys\[0\]: got a key of account 222222222222, Region us-east-1/);
  });
  test('no activities at all', () => {
    expect(build(() => ({ activities: [] })))
      .toThrow('TestStack/Alarms: invalid activities: got []; allowed: at least one KeyActivity: an alarm set that watches nothing reports nothing. Leave activities out for the default activities (KeyActivityAlarms.DEFAULT_ACTIVITIES), or name the activities to report.');
  });
  test('stores given with no store activity', () => {
    expect(build((stack) => ({ customKeyStores: [new FakeKeyStore(stack, 'Store', 'cks-1234567890abcdef0')], activities: [KeyActivity.DISABLE_KEY] })))
      .toThrow('TestStack/Alarms: invalid customKeyStores: got 1 store(s) with activities that include no custom key store activity; allowed: customKeyStores together with DISCONNECT_CUSTOM_KEY_STORE, DELETE_CUSTOM_KEY_STORE or UPDATE_CUSTOM_KEY_STORE in activities. Add a custom key store activity, or leave customKeyStores out.');
  });
  test('cluster activities with no cluster', () => {
    expect(build(() => ({ clusterActivities: [CloudHsmActivity.DELETE_HSM] })))
      .toThrow('TestStack/Alarms: invalid clusterActivities: got 1 activities and no clusters; allowed: clusterActivities together with the clusters to watch. Give the clusters in clusters, or leave clusterActivities out.');
  });
  test('clusters with no cluster activity', () => {
    expect(build((stack) => ({ clusters: [new FakeCluster(stack, 'A', 'cluster-aaaaaaaaaaa')], clusterActivities: [] })))
      .toThrow('TestStack/Alarms: invalid clusterActivities: got []; allowed: at least one CloudHsmActivity when clusters are given.');
  });
  test('a removal policy for a topic that is given', () => {
    expect(build((stack) => ({ topic: new sns.Topic(stack, 'Topic'), removalPolicy: RemovalPolicy.DESTROY })))
      .toThrow('TestStack/Alarms: invalid removalPolicy: got destroy with a topic given; allowed: removalPolicy only when this construct creates the topic and its key.');
  });
  test('when the stack has no fixed account and Region, keys of any account and Region are accepted', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:222222222222:key/11111111-2222-3333-4444-555555555555');
    expect(() => new KeyActivityAlarms(stack, 'Alarms', { keys: [key, new kms.Key(stack, 'Own')] })).not.toThrow();
  });
});

test('a key written as a plain CfnResource of type AWS::KMS::Key, in a nested construct, is found too', () => {
  const stack = newStack();
  const nested = new Construct(stack, 'Nested');
  new CfnResource(nested, 'Key', { type: 'AWS::KMS::Key', properties: { KeyPolicy: ACCOUNT_ROOT_KEY_POLICY } });
  new KeyActivityAlarms(stack, 'Alarms', { topic: new sns.Topic(stack, 'Topic') });
  const rule = Object.values(resourcesOf(synth(stack), 'AWS::Events::Rule', 'AlarmsKeyApiCalls1'))[0];
  expect(watchedBy(rule)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^NestedKey/), 'Arn'] }]);
});
