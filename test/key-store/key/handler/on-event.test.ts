import { Readable } from 'node:stream';
import {
  CreateKeyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { HttpResponse } from '@smithy/protocol-http';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { FakeKms, kmsError, STORE_ID, XKS_STORE_ID } from './fake-kms';
import { onEvent } from '../../../../src/key-store/key/handler/on-event.lambda';
import { CustomKeyStoreKeyProperties } from '../../../../src/key-store/key/handler/resource-properties';
import { SYSTEM_CLOCK } from '../../../../src/private/handler-kit';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/App/0a1b2c3d-0000-0000-0000-000000000000';
const ALIAS = 'alias/app-data';
const FAMILY = 'App/c8aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] };

let kms: FakeKms;
const sleeps: number[] = [];
const clients = () => ({ kms: kms.client(), clock: { now: () => Date.now(), sleep: async (ms: number) => { sleeps.push(ms); } } });

function props(overrides: Partial<CustomKeyStoreKeyProperties> = {}): CustomKeyStoreKeyProperties {
  return {
    CustomKeyStoreId: STORE_ID,
    CustomKeyStoreType: 'AWS_CLOUDHSM',
    AliasName: ALIAS,
    Description: 'Application data key',
    Policy: POLICY,
    KeyFamily: FAMILY,
    PendingWindowInDays: '30',
    RemovalPolicy: 'RETAIN',
    RotationPeriodInDays: '365',
    ...overrides,
  };
}

let requests = 0;
function create(p: CustomKeyStoreKeyProperties = props(), requestId = `request-${++requests}`): CloudFormationCustomResourceEvent {
  return {
    RequestType: 'Create',
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: 'DataKey1234',
    ResourceType: 'Custom::KmiCustomKeyStoreKey',
    ResourceProperties: { ServiceToken: 'token', ...p } as any,
  };
}

function update(physicalId: string, old: CustomKeyStoreKeyProperties, p: CustomKeyStoreKeyProperties): CloudFormationCustomResourceEvent {
  return {
    ...create(p),
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    OldResourceProperties: { ServiceToken: 'token', ...old } as any,
  } as CloudFormationCustomResourceEvent;
}

function remove(physicalId: string, p: CustomKeyStoreKeyProperties): CloudFormationCustomResourceEvent {
  return { ...create(p), RequestType: 'Delete', PhysicalResourceId: physicalId } as CloudFormationCustomResourceEvent;
}

/** A key made by a create, plus a successor made by a rotation: two generations, the alias on the second. */
async function twoGenerations(p = props()) {
  const first = (await onEvent(create(p), clients())).PhysicalResourceId;
  const second = kms.addKey({
    tags: { ...kms.key(first).tags, 'cdk-kmi:generation': '2', 'cdk-kmi:predecessor-key-id': first, 'cdk-kmi:create-request': '' },
    policy: kms.key(first).policy,
  });
  delete second.tags['cdk-kmi:create-request'];
  kms.key(first).tags['cdk-kmi:successor-key-id'] = second.keyId;
  kms.aliases.set(p.AliasName, second.keyId);
  return { first, second: second.keyId };
}

beforeEach(() => {
  kms?.mock.restore();
  kms = new FakeKms();
  sleeps.length = 0;
});

afterAll(() => kms.mock.restore());

describe('create', () => {
  test('creates the key in the CloudHSM key store with the policy, description and tags, and aliases it', async () => {
    const result = await onEvent(create(props({ Tags: [{ Key: 'team', Value: 'payments' }] }), 'request-a'), clients());
    const input = kms.mock.commandCalls(CreateKeyCommand)[0].args[0].input;
    expect(input).toMatchObject({
      CustomKeyStoreId: STORE_ID,
      Origin: 'AWS_CLOUDHSM',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      MultiRegion: false,
      Description: 'Application data key',
    });
    expect(input.XksKeyId).toBeUndefined();
    expect(JSON.parse(input.Policy!)).toEqual(POLICY);
    const key = kms.key(result.PhysicalResourceId);
    expect(key.tags).toEqual({
      'team': 'payments',
      'cdk-kmi:key-family': FAMILY,
      'cdk-kmi:generation': '1',
      'cdk-kmi:stack-id': STACK_ID,
      'cdk-kmi:logical-id': 'DataKey1234',
      'cdk-kmi:create-request': 'request-a',
    });
    expect(kms.aliases.get(ALIAS)).toBe(key.keyId);
    expect(result).toEqual({ PhysicalResourceId: key.keyId, Data: { KeyId: key.keyId, KeyArn: key.arn } });
  });

  test('a stack tag in the library\'s cdk-kmi: namespace does not replace the bookkeeping tags', async () => {
    await onEvent(create(props({ Tags: [{ Key: 'cdk-kmi:key-family', Value: 'Forged' }, { Key: 'team', Value: 'payments' }] })), clients());
    const tags = kms.mock.commandCalls(CreateKeyCommand)[0].args[0].input.Tags!;
    expect(tags.filter((t) => t.TagKey === 'cdk-kmi:key-family')).toEqual([{ TagKey: 'cdk-kmi:key-family', TagValue: FAMILY }]);
    expect(tags).toContainEqual({ TagKey: 'team', TagValue: 'payments' });
  });

  test('creates the key in an external key store with its external key id', async () => {
    const result = await onEvent(create(props({ CustomKeyStoreId: XKS_STORE_ID, CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksKeyId: 'ekm-key-1' })), clients());
    expect(kms.mock.commandCalls(CreateKeyCommand)[0].args[0].input).toMatchObject({
      CustomKeyStoreId: XKS_STORE_ID,
      Origin: 'EXTERNAL_KEY_STORE',
      XksKeyId: 'ekm-key-1',
    });
    expect(kms.key(result.PhysicalResourceId).origin).toBe('EXTERNAL_KEY_STORE');
  });

  test.each([
    ['DISCONNECTED', undefined, /is DISCONNECTED; KMS creates keys only in a CONNECTED store\. Connect it \(ConnectCustomKeyStore, or deploy its CustomKeyStore/],
    ['CONNECTING', undefined, /is CONNECTING; .*Wait until it is CONNECTED/],
    ['FAILED', 'USER_LOGGED_IN', /is FAILED \(ConnectionErrorCode USER_LOGGED_IN\); .*Fix the cause named by the ConnectionErrorCode, disconnect the store/],
  ] as const)('refuses a store that is %s, naming the fix, before creating anything', async (state, errorCode, message) => {
    kms.stores.set(STORE_ID, { type: 'AWS_CLOUDHSM', state, errorCode });
    await expect(onEvent(create(), clients())).rejects.toThrow(new RegExp(`^Custom key store ${STORE_ID} ${message.source}`));
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(0);
    expect(kms.aliases.size).toBe(0);
  });

  test('refuses a store that does not exist', async () => {
    await expect(onEvent(create(props({ CustomKeyStoreId: 'cks-00000000000000000' })), clients()))
      .rejects.toThrow('Custom key store cks-00000000000000000 does not exist in this account and Region: pass the id of an existing store');
  });

  test('refuses a store of another type than declared', async () => {
    await expect(onEvent(create(props({ CustomKeyStoreId: XKS_STORE_ID })), clients()))
      .rejects.toThrow(`Custom key store ${XKS_STORE_ID} is of type EXTERNAL_KEY_STORE, not AWS_CLOUDHSM`);
  });

  test('a repeated create of the same request resumes with the key it made instead of making a second', async () => {
    const event = create();
    const first = await onEvent(event, clients());
    const again = await onEvent(event, clients());
    expect(again).toEqual(first);
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(1);
    expect(kms.keys.size).toBe(1);
  });

  test('refuses an alias that names a key this resource did not create, before creating anything', async () => {
    const other = kms.addKey({ tags: { owner: 'someone else' } });
    kms.aliases.set(ALIAS, other.keyId);
    await expect(onEvent(create(), clients()))
      .rejects.toThrow(`The alias ${ALIAS} already points to KMS key ${other.keyId}, which this resource did not create. Choose another alias name`);
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(0);
  });

  test('refuses an alias whose key the handler may not describe (another key\'s)', async () => {
    kms.undescribable.add(ALIAS);
    await expect(onEvent(create(), clients()))
      .rejects.toThrow(`The alias ${ALIAS} exists and points to a key this handler may not describe, so it belongs to another key. Choose another alias name.`);
  });

  test('schedules the deletion of the new key when its alias cannot be created, and says so', async () => {
    kms.failNext('CreateAliasCommand', kmsError('LimitExceededException', 'Too many aliases.'));
    await expect(onEvent(create(), clients())).rejects.toThrow(/^Too many aliases\. The key [0-9a-f-]{36} created for it is scheduled for deletion in 7 days/);
    const [key] = kms.keys.values();
    expect(key.state).toBe('PendingDeletion');
    expect(key.pendingWindowInDays).toBe(7);
  });

  test.each([
    ['CloudHsmClusterInvalidConfigurationException', /at least two active HSMs in different Availability Zones\. Add HSMs/],
    ['XksKeyAlreadyInUseException', /external key ekm-1 is already the key material of another KMS key; each KMS key needs an external key of its own/],
    ['XksKeyNotFoundException', /the external key manager has no key with id ekm-1\. Create the AES-256 key there, or correct xksKeyId/],
    ['XksKeyInvalidConfigurationException', /external key ekm-1 must be an enabled 256-bit AES key/],
    ['XksProxyUriUnreachableException', /KMS could not use the external key store proxy/],
  ])('explains %s from CreateKey', async (name, message) => {
    kms.failNext('CreateKeyCommand', kmsError(name, 'KMS says no.'), 2);
    const p = name.startsWith('Xks')
      ? props({ CustomKeyStoreId: XKS_STORE_ID, CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksKeyId: 'ekm-1' })
      : props();
    await expect(onEvent(create(p), clients())).rejects.toThrow(message);
    await expect(onEvent(create(p), clients())).rejects.toThrow(/KMS says no\.$/);
  });

  test('waits for IAM while KMS does not yet see a role the key policy names', async () => {
    kms.failNext('CreateKeyCommand', kmsError('MalformedPolicyDocumentException', 'Policy contains a statement with one or more invalid principals.'), 2);
    const result = await onEvent(create(), clients());
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(3);
    expect(sleeps).toEqual([2000, 4000]);
    expect(kms.keys.size).toBe(1);
    expect(kms.aliases.get(ALIAS)).toBe(result.PhysicalResourceId);
  });

  test('gives up on principals that stay invalid (about two minutes), with KMS\'s message', async () => {
    kms.failNext('CreateKeyCommand', kmsError('MalformedPolicyDocumentException', 'Policy contains a statement with one or more invalid principals.'), 10);
    await expect(onEvent(create(), clients())).rejects.toThrow('Policy contains a statement with one or more invalid principals.');
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(7);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(119_000);
  });

  test('a malformed policy for another reason is not retried', async () => {
    kms.failNext('CreateKeyCommand', kmsError('MalformedPolicyDocumentException', 'Statement is missing an Effect.'));
    await expect(onEvent(create(), clients())).rejects.toThrow('Statement is missing an Effect.');
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(1);
  });

  test('names the permission that is missing', async () => {
    kms.failNext('CreateKeyCommand', kmsError('AccessDeniedException', 'User is not authorized to perform kms:CreateKey.'));
    await expect(onEvent(create(), clients())).rejects.toThrow(/^kms:CreateKey was denied \(AccessDeniedException\): the custom resource's role, or a key or resource policy, SCP or permissions boundary/);
  });
});

describe('update', () => {
  test('a new description is given to every generation', async () => {
    const { first, second } = await twoGenerations();
    const result = await onEvent(update(first, props(), props({ Description: 'New description' })), clients());
    expect(result.PhysicalResourceId).toBe(first);
    expect(kms.key(first).description).toBe('New description');
    expect(kms.key(second).description).toBe('New description');
    expect(kms.mock.commandCalls(PutKeyPolicyCommand)).toHaveLength(0);
  });

  test('a new policy is put on every generation that is not pending deletion', async () => {
    const { first, second } = await twoGenerations();
    const third = kms.addKey({ state: 'PendingDeletion', tags: { 'cdk-kmi:key-family': FAMILY } });
    kms.key(second).tags['cdk-kmi:successor-key-id'] = third.keyId;
    const policy = { ...POLICY, Statement: [...POLICY.Statement, { Sid: 'More', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/App' }, Action: 'kms:Decrypt', Resource: '*' }] };
    await onEvent(update(first, props(), props({ Policy: policy })), clients());
    expect(JSON.parse(kms.key(first).policy)).toEqual(policy);
    expect(JSON.parse(kms.key(second).policy)).toEqual(policy);
    expect(third.policy).not.toContain('More');
    expect(kms.mock.commandCalls(UpdateKeyDescriptionCommand)).toHaveLength(0);
  });

  test('tags added, changed and removed reach every generation, and the bookkeeping tags stay', async () => {
    const before = props({ Tags: [{ Key: 'team', Value: 'payments' }, { Key: 'old', Value: 'x' }] });
    const { first, second } = await twoGenerations(before);
    await onEvent(update(first, before, props({ Tags: [{ Key: 'team', Value: 'ledger' }, { Key: 'cost-center', Value: '42' }] })), clients());
    for (const id of [first, second]) {
      expect(kms.key(id).tags).toMatchObject({ 'team': 'ledger', 'cost-center': '42', 'cdk-kmi:key-family': FAMILY });
      expect(kms.key(id).tags.old).toBeUndefined();
    }
  });

  test('a renamed alias names the current generation, and the old name is deleted', async () => {
    const { first, second } = await twoGenerations();
    await onEvent(update(first, props(), props({ AliasName: 'alias/renamed' })), clients());
    expect(kms.aliases.get('alias/renamed')).toBe(second);
    expect(kms.aliases.has(ALIAS)).toBe(false);
  });

  test('an alias deleted outside the stack is created again, on the newest enabled generation', async () => {
    const { first, second } = await twoGenerations();
    kms.aliases.delete(ALIAS);
    await onEvent(update(first, props(), props()), clients());
    expect(kms.aliases.get(ALIAS)).toBe(second);
  });

  test('a new alias name that another key holds is refused', async () => {
    const { first } = await twoGenerations();
    const other = kms.addKey({});
    kms.aliases.set('alias/taken', other.keyId);
    await expect(onEvent(update(first, props(), props({ AliasName: 'alias/taken' })), clients()))
      .rejects.toThrow(`The alias alias/taken already points to KMS key ${other.keyId}, which this resource did not create.`);
    expect(kms.aliases.get(ALIAS)).toBeDefined();
  });

  test('another store replaces the key: a new physical id, the alias moves, the old key is left to CloudFormation', async () => {
    const first = (await onEvent(create(), clients())).PhysicalResourceId;
    kms.stores.set('cks-99999999999999999', { type: 'AWS_CLOUDHSM', state: 'CONNECTED' });
    const result = await onEvent(update(first, props(), props({ CustomKeyStoreId: 'cks-99999999999999999' })), clients());
    expect(result.PhysicalResourceId).not.toBe(first);
    expect(kms.key(result.PhysicalResourceId).customKeyStoreId).toBe('cks-99999999999999999');
    expect(kms.aliases.get(ALIAS)).toBe(result.PhysicalResourceId);
    expect(kms.key(first).state).toBe('Enabled');
  });

  test('another external key replaces the key', async () => {
    const xks = props({ CustomKeyStoreId: XKS_STORE_ID, CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksKeyId: 'ekm-1' });
    const first = (await onEvent(create(xks), clients())).PhysicalResourceId;
    const result = await onEvent(update(first, xks, { ...xks, XksKeyId: 'ekm-2' }), clients());
    expect(result.PhysicalResourceId).not.toBe(first);
    expect(kms.key(result.PhysicalResourceId).xksKeyId).toBe('ekm-2');
    expect(kms.aliases.get(ALIAS)).toBe(result.PhysicalResourceId);
  });

  test('a changed rotation period or removal policy changes nothing in KMS', async () => {
    const first = (await onEvent(create(), clients())).PhysicalResourceId;
    kms.mock.resetHistory();
    await onEvent(update(first, props(), props({ RotationPeriodInDays: '90', RemovalPolicy: 'DESTROY', PendingWindowInDays: '7' })), clients());
    const changes = kms.mock.calls().map((c) => c.args[0].constructor.name).filter((name) => !/^(Describe|List)/.test(name));
    expect(changes).toEqual([]);
  });

  test('a key that no longer exists cannot be updated', async () => {
    await expect(onEvent(update('22222222-2222-2222-2222-222222222222', props(), props({ Description: 'x' })), clients()))
      .rejects.toThrow('KMS key 22222222-2222-2222-2222-222222222222 no longer exists, so it cannot be updated.');
  });
});

describe('delete', () => {
  test('with RETAIN leaves every key and the alias alone', async () => {
    const { first } = await twoGenerations();
    kms.mock.resetHistory();
    await onEvent(remove(first, props()), clients());
    expect(kms.mock.calls()).toHaveLength(0);
    expect([...kms.keys.values()].every((k) => k.state === 'Enabled')).toBe(true);
  });

  test('with DESTROY deletes the alias and schedules every generation for deletion after the pending window', async () => {
    const p = props({ RemovalPolicy: 'DESTROY', PendingWindowInDays: '14' });
    const { first, second } = await twoGenerations(p);
    await onEvent(remove(first, p), clients());
    expect(kms.aliases.has(ALIAS)).toBe(false);
    for (const id of [first, second]) {
      expect(kms.key(id)).toMatchObject({ state: 'PendingDeletion', pendingWindowInDays: 14 });
    }
  });

  test('with DESTROY succeeds when keys are already pending deletion or gone', async () => {
    const p = props({ RemovalPolicy: 'DESTROY' });
    const { first, second } = await twoGenerations(p);
    kms.key(first).state = 'PendingDeletion';
    kms.keys.delete(second);
    await expect(onEvent(remove(first, p), clients())).resolves.toBeDefined();
    await expect(onEvent(remove(first, p), clients())).resolves.toBeDefined();
    kms.keys.delete(first);
    await expect(onEvent(remove(first, p), clients())).resolves.toBeDefined();
  });

  test('with DESTROY a key pending deletion is not scheduled again', async () => {
    const p = props({ RemovalPolicy: 'DESTROY' });
    const first = (await onEvent(create(p), clients())).PhysicalResourceId;
    kms.key(first).state = 'PendingDeletion';
    await onEvent(remove(first, p), clients());
    expect(kms.mock.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
  });

  test('with DESTROY, after a replacement, leaves the alias to the new key', async () => {
    const p = props({ RemovalPolicy: 'DESTROY' });
    const old = (await onEvent(create(p), clients())).PhysicalResourceId;
    kms.stores.set('cks-99999999999999999', { type: 'AWS_CLOUDHSM', state: 'CONNECTED' });
    const replaced = (await onEvent(update(old, p, { ...p, CustomKeyStoreId: 'cks-99999999999999999' }), clients())).PhysicalResourceId;
    await onEvent(remove(old, p), clients());
    expect(kms.key(old).state).toBe('PendingDeletion');
    expect(kms.aliases.get(ALIAS)).toBe(replaced);
    expect(kms.key(replaced).state).toBe('Enabled');
  });

  test('the delete of a create that failed (no key id) does nothing', async () => {
    await onEvent(remove('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', props({ RemovalPolicy: 'DESTROY' })), clients());
    expect(kms.mock.calls()).toHaveLength(0);
  });
});

describe('throttling', () => {
  test('is retried by the SDK\'s standard retry strategy (real client, fake HTTP)', async () => {
    kms.mock.restore();
    const json = (status: number, body: object, type?: string) => new HttpResponse({
      statusCode: status,
      headers: { 'content-type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-errortype': type } : {}) },
      body: Readable.from([Buffer.from(JSON.stringify(body))]),
    });
    const keyId = '33333333-3333-3333-3333-333333333333';
    const responses = [
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException'),
      json(200, { KeyMetadata: { KeyId: keyId, KeyState: 'Enabled' } }),
      json(200, { Tags: [], Truncated: false }),
      json(400, { __type: 'NotFoundException', message: 'Alias does not exist' }, 'NotFoundException'),
      json(200, { KeyId: keyId, KeyState: 'PendingDeletion', PendingWindowInDays: 30 }),
    ];
    const sent: string[] = [];
    const realKms = new KMSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: any) => {
          sent.push(request.headers['x-amz-target']);
          return { response: responses.shift()! };
        },
      } as any,
    });
    const p = props({ RemovalPolicy: 'DESTROY' });
    await onEvent(remove(keyId, p), { kms: realKms, clock: SYSTEM_CLOCK });
    expect(sent).toEqual([
      'TrentService.DescribeKey', 'TrentService.DescribeKey', 'TrentService.ListResourceTags',
      'TrentService.DescribeKey', 'TrentService.ScheduleKeyDeletion',
    ]);
    expect(responses).toHaveLength(0);
  });
});
