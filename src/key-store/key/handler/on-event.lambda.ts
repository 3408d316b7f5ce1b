/**
 * Custom resource handler (Provider framework `onEvent`) for CustomKeyStoreKey: a symmetric KMS key
 * whose key material lives in a custom key store (a CloudHSM cluster, or an external key manager
 * behind an external key store proxy), which CloudFormation cannot create.
 *
 * - Create checks that the store is CONNECTED, creates the key (CreateKey with CustomKeyStoreId and
 *   Origin AWS_CLOUDHSM, or EXTERNAL_KEY_STORE with XksKeyId) with the key policy, description and
 *   tags of the construct, and points the alias at it. The physical id is the key id.
 * - A repeated Create (same request) finds the key it made through the alias and its
 *   `cdk-kmi:create-request` tag, and resumes instead of creating a second key. If the alias cannot
 *   be created, the new key is scheduled for deletion (7 days) before the error is reported.
 * - A Create that replaces an earlier key of the same resource (store or external key changed) moves
 *   the alias from the earlier key, which CloudFormation then deletes or retains.
 * - Update applies the key policy, description and tags to every generation of the key (scheduled
 *   rotation makes successor keys) and renames the alias. A change of store, store type or external
 *   key id creates a new key: a new physical id, so CloudFormation deletes (or retains) the old one.
 * - Delete does nothing unless `RemovalPolicy` is `DESTROY`; then it deletes the alias and schedules
 *   the deletion of every generation after the pending window. Keys already pending deletion or gone
 *   are fine.
 *
 * Throttling is retried by the SDK's standard retry strategy; an authorization failure is reported
 * with the permission that is missing.
 */
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  KeyMetadata,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  Tag,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  createKey,
  describeKey,
  explainCreateKeyError,
  Generation,
  generations,
  isKeyId,
  keyClients,
  KeyClients,
  KMI_TAG_PREFIX,
  requireConnectedStore,
  Sleep,
  TAG_CREATE_REQUEST,
  TAG_GENERATION,
  TAG_KEY_FAMILY,
  TAG_LOGICAL_ID,
  TAG_STACK_ID,
  tagsOf,
  whilePrincipalsPropagate,
} from './key-calls';
import { CustomKeyStoreKeyProperties } from './resource-properties';
import { call, errorName, isDestroy, OnEventResult } from '../../../private/handler-kit';

/** The attributes of the custom resource. */
export interface KeyData {
  readonly KeyId: string;
  readonly KeyArn: string;
}

/** What onEvent answers: always with the key's attributes. */
export type KeyResult = OnEventResult<KeyData> & { readonly Data: KeyData };

/** Properties whose change needs a new key: KMS cannot move a key to another store or external key. */
const REPLACING_PROPERTIES = ['CustomKeyStoreId', 'CustomKeyStoreType', 'XksKeyId'] as const;

/** Pending window for a key this handler made and could not finish: it was never handed out. */
const ROLLBACK_PENDING_WINDOW_DAYS = 7;

export async function onEvent(event: CloudFormationCustomResourceEvent, clients: KeyClients = keyClients()): Promise<KeyResult> {
  const props = event.ResourceProperties as unknown as CustomKeyStoreKeyProperties;
  const sleep: Sleep = (ms) => clients.clock.sleep(ms);
  switch (event.RequestType) {
    case 'Create':
      return create(clients.kms, event, props, sleep);
    case 'Update': {
      const old = event.OldResourceProperties as unknown as CustomKeyStoreKeyProperties;
      if (REPLACING_PROPERTIES.some((name) => (old[name] ?? '') !== (props[name] ?? ''))) {
        return create(clients.kms, event, props, sleep);
      }
      return update(clients.kms, event.PhysicalResourceId, old, props, sleep);
    }
    case 'Delete':
      await remove(clients.kms, event.PhysicalResourceId, props);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { KeyId: event.PhysicalResourceId, KeyArn: '' } };
  }
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);

/** Who asked: the stack and logical id that own a key, and the request that created it. */
interface Requester {
  readonly stackId: string;
  readonly logicalId: string;
  readonly requestId: string;
}

async function create(
  kms: KMSClient, event: CloudFormationCustomResourceEvent, props: CustomKeyStoreKeyProperties, sleep: Sleep,
): Promise<KeyResult> {
  const requester: Requester = { stackId: event.StackId, logicalId: event.LogicalResourceId, requestId: event.RequestId };
  const aliased = await aliasTarget(kms, props.AliasName);
  if (aliased && aliased.tags[TAG_CREATE_REQUEST] === requester.requestId && ownedBy(aliased.tags, requester)) {
    // A repeated create: the key was made and aliased by this same request.
    return result(aliased.metadata);
  }
  if (aliased && !ownedBy(aliased.tags, requester)) {
    throw aliasInUse(props.AliasName, aliased.metadata.KeyId!);
  }

  await requireConnectedStore(kms, props.CustomKeyStoreId, props.CustomKeyStoreType);
  let key: KeyMetadata;
  try {
    key = await createKey(kms, {
      CustomKeyStoreId: props.CustomKeyStoreId,
      Origin: props.CustomKeyStoreType === 'EXTERNAL_KEY_STORE' ? 'EXTERNAL_KEY_STORE' : 'AWS_CLOUDHSM',
      XksKeyId: props.CustomKeyStoreType === 'EXTERNAL_KEY_STORE' ? props.XksKeyId : undefined,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      MultiRegion: false,
      Description: props.Description,
      Policy: JSON.stringify(props.Policy),
      Tags: [
        ...toKmsTags(props.Tags),
        { TagKey: TAG_KEY_FAMILY, TagValue: props.KeyFamily },
        { TagKey: TAG_GENERATION, TagValue: '1' },
        { TagKey: TAG_STACK_ID, TagValue: requester.stackId },
        { TagKey: TAG_LOGICAL_ID, TagValue: requester.logicalId },
        { TagKey: TAG_CREATE_REQUEST, TagValue: requester.requestId },
      ],
    }, sleep);
  } catch (error) {
    throw explainCreateKeyError(error, props.CustomKeyStoreId, props.XksKeyId);
  }

  try {
    if (aliased) {
      // This resource's earlier key (before a replacement) holds the alias: the new key takes it over.
      await call('kms:UpdateAlias', () => kms.send(new UpdateAliasCommand({ AliasName: props.AliasName, TargetKeyId: key.KeyId })));
    } else {
      await call('kms:CreateAlias', () => kms.send(new CreateAliasCommand({ AliasName: props.AliasName, TargetKeyId: key.KeyId })));
    }
  } catch (error) {
    await rollBack(kms, key.KeyId!, error as Error);
  }
  return result(key);
}

/** Schedules the deletion of a key that was created but could not be aliased, then reports the failure. */
async function rollBack(kms: KMSClient, keyId: string, cause: Error): Promise<never> {
  try {
    await call('kms:ScheduleKeyDeletion', () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: ROLLBACK_PENDING_WINDOW_DAYS })));
  } catch (error) {
    throw new Error(`${cause.message} The key ${keyId} created for it could not be scheduled for deletion either `
      + `(${(error as Error).message}); schedule its deletion yourself.`);
  }
  cause.message = `${cause.message} The key ${keyId} created for it is scheduled for deletion in ${ROLLBACK_PENDING_WINDOW_DAYS} days `
    + '(CancelKeyDeletion restores it).';
  throw cause;
}

async function update(
  kms: KMSClient, physicalId: string, old: CustomKeyStoreKeyProperties, props: CustomKeyStoreKeyProperties, sleep: Sleep,
): Promise<KeyResult> {
  const chain = await generations(kms, physicalId);
  const first = chain[0];
  if (!first?.metadata) {
    throw new Error(`KMS key ${physicalId} no longer exists, so it cannot be updated. Change the key's construct id `
      + '(or its store) to create a new key.');
  }
  const live = chain.filter((g) => g.metadata && g.metadata.KeyState !== 'PendingDeletion');

  if (JSON.stringify(old.Policy) !== JSON.stringify(props.Policy)) {
    for (const g of live) {
      await whilePrincipalsPropagate(sleep, () => call('kms:PutKeyPolicy',
        () => kms.send(new PutKeyPolicyCommand({ KeyId: g.keyId, PolicyName: 'default', Policy: JSON.stringify(props.Policy) }))));
    }
  }
  if (old.Description !== props.Description) {
    for (const g of live) {
      await call('kms:UpdateKeyDescription', () => kms.send(new UpdateKeyDescriptionCommand({ KeyId: g.keyId, Description: props.Description })));
    }
  }
  await updateTags(kms, live, old.Tags, props.Tags);
  await reconcileAlias(kms, chain, old.AliasName, props.AliasName);
  return result(first.metadata);
}

/** Applies added, changed and removed tags to every generation; the library's own tags are left alone. */
async function updateTags(kms: KMSClient, live: Generation[], oldTags: CustomKeyStoreKeyProperties['Tags'], newTags: CustomKeyStoreKeyProperties['Tags']): Promise<void> {
  const before = Object.fromEntries((oldTags ?? []).map((t) => [t.Key, t.Value]));
  const after = Object.fromEntries((newTags ?? []).map((t) => [t.Key, t.Value]));
  const changed = toKmsTags(newTags).filter((t) => before[t.TagKey!] !== t.TagValue);
  const removed = Object.keys(before).filter((key) => !(key in after) && !key.startsWith(KMI_TAG_PREFIX));
  for (const g of live) {
    if (changed.length > 0) {
      await call('kms:TagResource', () => kms.send(new TagResourceCommand({ KeyId: g.keyId, Tags: changed })));
    }
    if (removed.length > 0) {
      await call('kms:UntagResource', () => kms.send(new UntagResourceCommand({ KeyId: g.keyId, TagKeys: removed })));
    }
  }
}

/**
 * Makes the alias point to the current generation: creates it under its new name (or again, if it
 * was deleted) and deletes the old name if it still names one of this key's generations. The current
 * generation is the one an alias already names, else the newest enabled one.
 */
async function reconcileAlias(kms: KMSClient, chain: Generation[], oldAlias: string, newAlias: string): Promise<void> {
  const ours = (target?: AliasTarget) => target !== undefined && chain.some((g) => g.keyId === target.metadata.KeyId);
  const newTarget = await aliasTarget(kms, newAlias);
  if (newTarget && !ours(newTarget)) {
    throw aliasInUse(newAlias, newTarget.metadata.KeyId!);
  }
  const oldTarget = oldAlias !== newAlias ? await aliasTarget(kms, oldAlias) : undefined;
  if (!newTarget) {
    const current = ours(oldTarget)
      ? oldTarget!.metadata.KeyId!
      : [...chain].reverse().find((g) => g.metadata?.KeyState === 'Enabled')?.keyId ?? chain[0].keyId;
    await call('kms:CreateAlias', () => kms.send(new CreateAliasCommand({ AliasName: newAlias, TargetKeyId: current })));
  }
  if (ours(oldTarget)) {
    await call('kms:DeleteAlias', () => kms.send(new DeleteAliasCommand({ AliasName: oldAlias })));
  }
}

async function remove(kms: KMSClient, physicalId: string, props: CustomKeyStoreKeyProperties): Promise<void> {
  if (!isDestroy(props.RemovalPolicy) || !isKeyId(physicalId)) {
    return;
  }
  const chain = await generations(kms, physicalId);
  const ours = new Set(chain.map((g) => g.keyId));
  const aliased = await aliasTarget(kms, props.AliasName).catch(() => undefined);
  if (aliased && ours.has(aliased.metadata.KeyId!)) {
    await ignoreGone(call('kms:DeleteAlias', () => kms.send(new DeleteAliasCommand({ AliasName: props.AliasName }))));
  }
  const days = Number(props.PendingWindowInDays);
  for (const g of chain.filter((x) => x.metadata && x.metadata.KeyState !== 'PendingDeletion')) {
    await ignoreGone(call('kms:ScheduleKeyDeletion', () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: g.keyId, PendingWindowInDays: days }))));
  }
}

/** A delete of something already gone (or already pending deletion) succeeds. */
async function ignoreGone(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (errorName(error) !== 'NotFoundException' && errorName(error) !== 'KMSInvalidStateException') {
      throw error;
    }
  }
}

/** The key an alias points to, and that key's tags. */
interface AliasTarget {
  readonly metadata: KeyMetadata;
  readonly tags: Record<string, string>;
}

/** The key an alias points to, with its tags; undefined if there is no such alias. */
async function aliasTarget(kms: KMSClient, aliasName: string): Promise<AliasTarget | undefined> {
  let metadata: KeyMetadata | undefined;
  try {
    metadata = await describeKey(kms, aliasName);
  } catch (error) {
    if (/was denied/.test((error as Error).message)) {
      throw new Error(`The alias ${aliasName} exists and points to a key this handler may not describe, so it belongs to another key. `
        + 'Choose another alias name. ' + (error as Error).message);
    }
    throw error;
  }
  return metadata ? { metadata, tags: await tagsOf(kms, metadata.KeyId!) } : undefined;
}

function ownedBy(tags: Record<string, string>, requester: Requester): boolean {
  return tags[TAG_STACK_ID] === requester.stackId && tags[TAG_LOGICAL_ID] === requester.logicalId;
}

function aliasInUse(aliasName: string, keyId: string): Error {
  return new Error(`The alias ${aliasName} already points to KMS key ${keyId}, which this resource did not create. `
    + 'Choose another alias name, or delete that alias if it is unused.');
}

/** The stack's tags as KMS tags; tags in the library's `cdk-kmi:` namespace are its own and are not taken from the stack. */
function toKmsTags(tags: CustomKeyStoreKeyProperties['Tags']): Tag[] {
  return (tags ?? []).filter((t) => !t.Key.startsWith(KMI_TAG_PREFIX)).map((t) => ({ TagKey: t.Key, TagValue: t.Value }));
}

function result(key: KeyMetadata): KeyResult {
  return { PhysicalResourceId: key.KeyId!, Data: { KeyId: key.KeyId!, KeyArn: key.Arn! } };
}
