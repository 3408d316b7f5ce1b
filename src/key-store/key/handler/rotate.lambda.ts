/**
 * Scheduled rotation of a CustomKeyStoreKey. KMS rotates neither automatically nor on demand a key
 * in a custom key store, so this rotates it the way KMS documents for such keys ("manual rotation"):
 * a new key (the successor) in the same store, with the same key policy, description and tags, and
 * the alias moved to it. Predecessors stay enabled, so everything they encrypted can be decrypted.
 *
 * An EventBridge Scheduler schedule invokes it once a day. Each run does at most one step:
 * 1. the current key (the one the alias names) is younger than the rotation period: nothing;
 * 2. it is due: create the successor and record it on the current key (`cdk-kmi:successor-key-id`);
 * 3. a recorded successor exists and has settled (at least an hour old, so that its policy and tags
 *    are in effect everywhere in KMS): move the alias to it.
 * A run repeated within a period therefore changes nothing, and a run that failed halfway resumes
 * where it stopped. Failures are thrown: the invocation fails, Lambda counts an error and the next
 * day's run tries again.
 */
import { GetKeyPolicyCommand, KeyMetadata, KMSClient, TagResourceCommand, UpdateAliasCommand } from '@aws-sdk/client-kms';
import {
  createKey,
  describeKey,
  explainCreateKeyError,
  keyClients,
  KeyClients,
  requireConnectedStore,
  Sleep,
  TAG_GENERATION,
  TAG_KEY_FAMILY,
  TAG_PREDECESSOR,
  TAG_ROTATION_STARTED,
  TAG_SUCCESSOR,
  tagsOf,
  userTags,
} from './key-calls';
import { RotationInput } from './resource-properties';
import { call } from '../../../private/handler-kit';

/** What a run did. */
export type RotationAction = 'NOT_DUE' | 'SUCCESSOR_CREATED' | 'WAITING_FOR_SUCCESSOR' | 'ALIAS_MOVED';

export interface RotationResult {
  readonly action: RotationAction;
  /** The key the alias names after the run. */
  readonly currentKeyId: string;
  /** The successor created or promoted, if any. */
  readonly successorKeyId?: string;
}

/** How long a new successor waits before the alias moves to it. */
export const SETTLE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function rotate(input: RotationInput, clients: KeyClients = keyClients()): Promise<RotationResult> {
  const { kms } = clients;
  const now = new Date(clients.clock.now());
  const periodDays = Number(input.RotationPeriodInDays);
  if (!input.AliasName || !input.KeyFamily || !Number.isInteger(periodDays) || periodDays < 1) {
    throw new Error(`Invalid rotation input ${JSON.stringify(input)}: AliasName, KeyFamily and a whole RotationPeriodInDays are required.`);
  }

  const current = await describeKey(kms, input.AliasName);
  if (!current) {
    throw new Error(`The alias ${input.AliasName} does not exist, so the current key cannot be found. `
      + 'Create it again for the newest enabled generation of the key (tag cdk-kmi:key-family '
      + `${input.KeyFamily}), or deploy the stack again, which restores it.`);
  }
  const currentId = current.KeyId!;
  const tags = await tagsOf(kms, currentId);
  if (tags[TAG_KEY_FAMILY] !== input.KeyFamily) {
    throw new Error(`The alias ${input.AliasName} points to KMS key ${currentId}, which is not a generation of this key `
      + `(its cdk-kmi:key-family tag is ${JSON.stringify(tags[TAG_KEY_FAMILY])}, not ${JSON.stringify(input.KeyFamily)}). `
      + 'Rotation stops rather than copy another key\'s policy; point the alias back to the newest generation.');
  }
  if (current.KeyState !== 'Enabled') {
    throw new Error(`The current key ${currentId} (alias ${input.AliasName}) is ${current.KeyState}; rotation needs it Enabled. `
      + 'Enable it (EnableKey, or CancelKeyDeletion then EnableKey), or point the alias to an enabled generation.');
  }
  if (current.Origin !== 'AWS_CLOUDHSM') {
    throw new Error(`The current key ${currentId} has origin ${current.Origin}; scheduled rotation creates successors only in `
      + 'CloudHSM key stores (a key in an external key store needs a new external key for each successor).');
  }

  const successorId = tags[TAG_SUCCESSOR];
  if (successorId) {
    return promote(kms, input.AliasName, current, successorId, now);
  }

  const dueAt = new Date(current.CreationDate!.getTime() + periodDays * DAY_MS);
  if (now < dueAt) {
    return { action: 'NOT_DUE', currentKeyId: currentId };
  }
  const successor = await createSuccessor(kms, current, tags, (ms) => clients.clock.sleep(ms), now);
  return { action: 'SUCCESSOR_CREATED', currentKeyId: currentId, successorKeyId: successor };
}

/** Lambda entry point: the schedule's input is the event. */
export const handler = (event: RotationInput) => rotate(event);

/** Moves the alias to the recorded successor once it has settled. */
async function promote(kms: KMSClient, aliasName: string, current: KeyMetadata, successorId: string, now: Date): Promise<RotationResult> {
  const successor = await describeKey(kms, successorId);
  if (!successor || successor.KeyState !== 'Enabled') {
    throw new Error(`The successor ${successorId} recorded on key ${current.KeyId} is ${successor ? successor.KeyState : 'gone'}, `
      + 'so the alias stays where it is. Enable the successor, or remove the cdk-kmi:successor-key-id tag from '
      + `${current.KeyId} so that the next run creates a new successor.`);
  }
  if (now.getTime() - successor.CreationDate!.getTime() < SETTLE_MS) {
    return { action: 'WAITING_FOR_SUCCESSOR', currentKeyId: current.KeyId!, successorKeyId: successorId };
  }
  await call('kms:UpdateAlias', () => kms.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: successorId })));
  return { action: 'ALIAS_MOVED', currentKeyId: successorId, successorKeyId: successorId };
}

/**
 * Creates the successor of the current key in the same store, with the same policy, description and
 * tags, and records it on the current key. The current key is tagged first, so that a role that may
 * not tag it fails before a key is made that nothing would record.
 */
async function createSuccessor(kms: KMSClient, current: KeyMetadata, tags: Record<string, string>, sleep: Sleep, now: Date): Promise<string> {
  const currentId = current.KeyId!;
  await requireConnectedStore(kms, current.CustomKeyStoreId!, 'AWS_CLOUDHSM');
  const policy = await call('kms:GetKeyPolicy', () => kms.send(new GetKeyPolicyCommand({ KeyId: currentId, PolicyName: 'default' })));
  await call('kms:TagResource', () => kms.send(new TagResourceCommand({
    KeyId: currentId,
    Tags: [{ TagKey: TAG_ROTATION_STARTED, TagValue: now.toISOString() }],
  })));
  const generation = (Number(tags[TAG_GENERATION]) || 1) + 1;
  let successor: KeyMetadata;
  try {
    successor = await createKey(kms, {
      CustomKeyStoreId: current.CustomKeyStoreId,
      Origin: 'AWS_CLOUDHSM',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      MultiRegion: false,
      Description: current.Description,
      Policy: policy.Policy,
      Tags: [
        ...userTags(tags),
        { TagKey: TAG_KEY_FAMILY, TagValue: tags[TAG_KEY_FAMILY] },
        { TagKey: TAG_GENERATION, TagValue: String(generation) },
        { TagKey: TAG_PREDECESSOR, TagValue: currentId },
      ],
    }, sleep);
  } catch (error) {
    throw explainCreateKeyError(error, current.CustomKeyStoreId!);
  }
  try {
    await call('kms:TagResource', () => kms.send(new TagResourceCommand({
      KeyId: currentId,
      Tags: [{ TagKey: TAG_SUCCESSOR, TagValue: successor.KeyId! }],
    })));
  } catch (error) {
    // The role could tag this key a moment ago, so this is rare; the next run makes another successor.
    throw new Error(`Created successor ${successor.KeyId} of key ${currentId} but could not record it on ${currentId} `
      + `(${(error as Error).message}). The next run creates another successor; ${successor.KeyId} (tagged `
      + `${TAG_PREDECESSOR} ${currentId}) is not used by anything: schedule its deletion.`);
  }
  return successor.KeyId!;
}
