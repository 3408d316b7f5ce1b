import {
  CreateKeyCommand,
  DisableKeyCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { FakeKey, FakeKms, kmsError, STORE_ID, XKS_STORE_ID } from './fake-kms';
import { RotationInput } from '../../../../src/key-store/key/handler/resource-properties';
import { rotate, SETTLE_MS } from '../../../../src/key-store/key/handler/rotate.lambda';

const ALIAS = 'alias/app-data';
const FAMILY = 'App/c8bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const POLICY = '{"Version":"2012-10-17","Statement":[{"Sid":"EnableIamPolicies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}';
const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-01-01T00:00:00Z');
const INPUT: RotationInput = { AliasName: ALIAS, KeyFamily: FAMILY, RotationPeriodInDays: 365 };

let kms: FakeKms;
let first: FakeKey;

/** A run at `days` days after the first generation was created. */
function runAt(days: number, input: RotationInput = INPUT) {
  const now = new Date(T0.getTime() + days * DAY);
  kms.now = now;
  return rotate(input, { kms: kms.client(), clock: { now: () => now.getTime(), sleep: async () => undefined } });
}

function generationsByNumber(): FakeKey[] {
  return [...kms.keys.values()].sort((a, b) => Number(a.tags['cdk-kmi:generation']) - Number(b.tags['cdk-kmi:generation']));
}

beforeEach(() => {
  kms?.mock.restore();
  kms = new FakeKms();
  kms.now = T0;
  first = kms.addKey({
    description: 'Application data key',
    policy: POLICY,
    tags: {
      'team': 'payments',
      'cdk-kmi:key-family': FAMILY,
      'cdk-kmi:generation': '1',
      'cdk-kmi:stack-id': 'arn:aws:cloudformation:us-east-1:111111111111:stack/App/x',
      'cdk-kmi:logical-id': 'DataKey1234',
      'cdk-kmi:create-request': 'request-1',
    },
  });
  kms.aliases.set(ALIAS, first.keyId);
});

afterAll(() => kms.mock.restore());

describe('within the rotation period', () => {
  test('nothing happens', async () => {
    const result = await runAt(364);
    expect(result).toEqual({ action: 'NOT_DUE', currentKeyId: first.keyId });
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(0);
    expect(kms.keys.size).toBe(1);
  });
});

describe('when the current key is due', () => {
  test('a successor is created in the same store with the same policy, description and tags, and recorded', async () => {
    const result = await runAt(365);
    expect(result.action).toBe('SUCCESSOR_CREATED');
    const successor = kms.key(result.successorKeyId!);
    expect(successor).toMatchObject({ customKeyStoreId: STORE_ID, origin: 'AWS_CLOUDHSM', policy: POLICY, description: 'Application data key' });
    expect(successor.tags).toEqual({
      'team': 'payments',
      'cdk-kmi:key-family': FAMILY,
      'cdk-kmi:generation': '2',
      'cdk-kmi:predecessor-key-id': first.keyId,
    });
    expect(first.tags['cdk-kmi:successor-key-id']).toBe(successor.keyId);
    expect(kms.mock.commandCalls(CreateKeyCommand)[0].args[0].input).toMatchObject({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', MultiRegion: false });
  });

  test('the alias stays on the current key until the successor has settled', async () => {
    const created = await runAt(365);
    expect(kms.aliases.get(ALIAS)).toBe(first.keyId);
    kms.now = new Date(kms.now.getTime() + SETTLE_MS - 1);
    const at = kms.now.getTime();
    const early = await rotate(INPUT, { kms: kms.client(), clock: { now: () => at, sleep: async () => undefined } });
    expect(early).toEqual({ action: 'WAITING_FOR_SUCCESSOR', currentKeyId: first.keyId, successorKeyId: created.successorKeyId });
    expect(kms.aliases.get(ALIAS)).toBe(first.keyId);
  });

  test('the next run moves the alias to the successor and leaves the predecessor enabled', async () => {
    const created = await runAt(365);
    const moved = await runAt(366);
    expect(moved).toEqual({ action: 'ALIAS_MOVED', currentKeyId: created.successorKeyId, successorKeyId: created.successorKeyId });
    expect(kms.aliases.get(ALIAS)).toBe(created.successorKeyId);
    expect(first.state).toBe('Enabled');
    expect(kms.mock.commandCalls(DisableKeyCommand)).toHaveLength(0);
    expect(kms.mock.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
  });

  test('runs repeated within a period change nothing more: one successor per period', async () => {
    for (const day of [365, 365.5, 366, 366.5, 367, 400, 400.5, 600, 729.5]) {
      await runAt(day);
    }
    expect(kms.keys.size).toBe(2);
    expect(kms.mock.commandCalls(UpdateAliasCommand)).toHaveLength(1);
  });

  test('over three periods the key has four generations, all enabled, and the alias names the newest', async () => {
    for (const day of [0, 200, 364, 365, 366, 367, 500, 729, 730, 731, 732, 1000, 1094, 1095, 1096, 1097]) {
      await runAt(day);
    }
    const chain = generationsByNumber();
    expect(chain.map((k) => k.tags['cdk-kmi:generation'])).toEqual(['1', '2', '3', '4']);
    expect(chain.every((k) => k.state === 'Enabled')).toBe(true);
    expect(kms.aliases.get(ALIAS)).toBe(chain[3].keyId);
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i].tags['cdk-kmi:predecessor-key-id']).toBe(chain[i - 1].keyId);
      expect(chain[i - 1].tags['cdk-kmi:successor-key-id']).toBe(chain[i].keyId);
    }
  });

  test('a run that failed after creating the successor resumes: the next run moves the alias, no second successor', async () => {
    kms.failNext('UpdateAliasCommand', kmsError('KMSInternalException', 'internal error'));
    await runAt(365);
    await expect(runAt(366)).rejects.toThrow('internal error');
    await runAt(367);
    expect(kms.keys.size).toBe(2);
    expect(kms.aliases.get(ALIAS)).not.toBe(first.keyId);
  });
});

describe('failures surface (the run throws) and leave no stray key', () => {
  test('a store that is not connected', async () => {
    kms.stores.set(STORE_ID, { type: 'AWS_CLOUDHSM', state: 'DISCONNECTED' });
    await expect(runAt(365)).rejects.toThrow(`Custom key store ${STORE_ID} is DISCONNECTED; KMS creates keys only in a CONNECTED store.`);
    expect(kms.keys.size).toBe(1);
  });

  test('a cluster without two active HSMs', async () => {
    kms.failNext('CreateKeyCommand', kmsError('CloudHsmClusterInvalidConfigurationException', 'Not enough HSMs.'));
    await expect(runAt(365)).rejects.toThrow(/at least two active HSMs in different Availability Zones/);
    expect(kms.keys.size).toBe(1);
    expect(first.tags['cdk-kmi:successor-key-id']).toBeUndefined();
  });

  test('a role that may not tag the current key fails before any key is created', async () => {
    kms.failNext('TagResourceCommand', kmsError('AccessDeniedException', 'not allowed'));
    await expect(runAt(365)).rejects.toThrow(/^kms:TagResource was denied \(AccessDeniedException\)/);
    expect(kms.mock.commandCalls(CreateKeyCommand)).toHaveLength(0);
  });

  test('a successor that cannot be recorded is named in the error', async () => {
    // The first TagResource (the run's start mark on the current key) succeeds, the second (the record) fails.
    kms.failures.set('TagResourceCommand', [undefined as any, kmsError('KMSInternalException', 'internal error')]);
    await expect(runAt(365)).rejects.toThrow(/^Created successor [0-9a-f-]{36} of key .* but could not record it .*schedule its deletion\.$/);
  });

  test('an alias that points to a key of another family', async () => {
    const other = kms.addKey({ tags: { 'cdk-kmi:key-family': 'Other/c8' } });
    kms.aliases.set(ALIAS, other.keyId);
    await expect(runAt(400)).rejects.toThrow(`The alias ${ALIAS} points to KMS key ${other.keyId}, which is not a generation of this key`);
    expect(kms.keys.size).toBe(2);
  });

  test('an alias that no longer exists', async () => {
    kms.aliases.delete(ALIAS);
    await expect(runAt(400)).rejects.toThrow(`The alias ${ALIAS} does not exist, so the current key cannot be found.`);
  });

  test('a current key that is disabled', async () => {
    first.state = 'Disabled';
    await expect(runAt(400)).rejects.toThrow(`The current key ${first.keyId} (alias ${ALIAS}) is Disabled; rotation needs it Enabled.`);
    expect(kms.keys.size).toBe(1);
  });

  test('a recorded successor that was scheduled for deletion', async () => {
    const created = await runAt(365);
    kms.key(created.successorKeyId!).state = 'PendingDeletion';
    await expect(runAt(366)).rejects.toThrow(`The successor ${created.successorKeyId} recorded on key ${first.keyId} is PendingDeletion, so the alias stays where it is.`);
    expect(kms.aliases.get(ALIAS)).toBe(first.keyId);
  });

  test('a key in an external key store', async () => {
    const xks = kms.addKey({ origin: 'EXTERNAL_KEY_STORE', customKeyStoreId: XKS_STORE_ID, tags: { 'cdk-kmi:key-family': FAMILY } });
    kms.aliases.set(ALIAS, xks.keyId);
    await expect(runAt(400)).rejects.toThrow(/has origin EXTERNAL_KEY_STORE; scheduled rotation creates successors only in CloudHSM key stores/);
  });

  test.each([
    [{ ...INPUT, AliasName: '' }],
    [{ ...INPUT, KeyFamily: '' }],
    [{ ...INPUT, RotationPeriodInDays: 'soon' }],
  ])('an invalid schedule input %p', async (input) => {
    await expect(runAt(400, input)).rejects.toThrow(/^Invalid rotation input/);
  });
});
