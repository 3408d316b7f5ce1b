/**
 * KMS calls shared by the two handlers of `CustomKeyStoreKey`: the custom resource (create, update,
 * delete) and the scheduled rotation. Plain module (no aws-cdk-lib), bundled into both handlers.
 *
 * A key in a custom key store cannot rotate in KMS, so it rotates by successor keys: each generation
 * is a KMS key of its own. The generations of one `CustomKeyStoreKey` form a chain recorded in tags:
 * every generation carries the key family, its generation number and its predecessor; a generation
 * that has a successor names it. The first generation is the custom resource's physical id, so the
 * whole chain is found from it without searching the account.
 */
// Bundled into the two handlers only; the Lambda runtime provides the AWS SDK.
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  CreateKeyCommand,
  CreateKeyCommandInput,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  KeyMetadata,
  KMSClient,
  ListResourceTagsCommand,
  Tag,
} from '@aws-sdk/client-kms';
import { call, Clock, defaultClients, errorName, HandlerClients } from '../../../private/handler-kit';
import { KMI_TAG_PREFIX, TAG_SUCCESSOR } from '../custom-key-store-key-tags';

export * from '../custom-key-store-key-tags';

/** Longest chain walked; a yearly rotation reaches it in a thousand years, a loop of tags at once. */
const MAX_GENERATIONS = 1000;

/** One generation of a key: its metadata (undefined if the key is gone) and its tags. */
export interface Generation {
  readonly keyId: string;
  readonly metadata?: KeyMetadata;
  readonly tags: Record<string, string>;
}

/** The clients of the key handlers (from the handler kit). */
export type KeyClients = Pick<HandlerClients, 'kms' | 'clock'>;

/** The key handlers' clients, with the kit's retry policy and the system clock. */
export function keyClients(): KeyClients {
  return defaultClients({ kms: KMSClient });
}

/** How a handler waits between attempts: its clock's sleep. */
export type Sleep = Clock['sleep'];

/** The key, or undefined if KMS has no key (or alias) by that id. */
export async function describeKey(kms: KMSClient, keyId: string): Promise<KeyMetadata | undefined> {
  try {
    const described = await call('kms:DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
    return described.KeyMetadata;
  } catch (error) {
    if (errorName(error) === 'NotFoundException') {
      return undefined;
    }
    throw error;
  }
}

/** Every tag of a key, as a record. */
export async function tagsOf(kms: KMSClient, keyId: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let marker: string | undefined;
  do {
    const page = await call('kms:ListResourceTags', () => kms.send(new ListResourceTagsCommand({ KeyId: keyId, Marker: marker })));
    for (const tag of page.Tags ?? []) {
      tags[tag.TagKey!] = tag.TagValue ?? '';
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return tags;
}

/** The tags that are not the library's bookkeeping: those a successor copies from its predecessor. */
export function userTags(tags: Record<string, string>): Tag[] {
  return Object.entries(tags)
    .filter(([key]) => !key.startsWith(KMI_TAG_PREFIX))
    .map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

/**
 * Every generation of a key, oldest first, following the successor tags from the first generation.
 * A key that no longer exists ends the chain (it is listed without metadata).
 */
export async function generations(kms: KMSClient, firstKeyId: string): Promise<Generation[]> {
  const chain: Generation[] = [];
  const seen = new Set<string>();
  let keyId: string | undefined = firstKeyId;
  while (keyId && !seen.has(keyId) && chain.length < MAX_GENERATIONS) {
    seen.add(keyId);
    const metadata = await describeKey(kms, keyId);
    if (!metadata) {
      chain.push({ keyId, tags: {} });
      break;
    }
    const tags = await tagsOf(kms, metadata.KeyId!);
    chain.push({ keyId: metadata.KeyId!, metadata, tags });
    keyId = tags[TAG_SUCCESSOR];
  }
  return chain;
}

/**
 * Checks that the custom key store exists, is of the expected type and is CONNECTED: KMS creates
 * keys only in a connected store.
 */
export async function requireConnectedStore(kms: KMSClient, storeId: string, expectedType?: string): Promise<void> {
  let stores;
  try {
    stores = await call('kms:DescribeCustomKeyStores', () => kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId })));
  } catch (error) {
    if (errorName(error) === 'CustomKeyStoreNotFoundException') {
      throw new Error(`Custom key store ${storeId} does not exist in this account and Region: pass the id of an existing store `
        + '(a CustomKeyStore of the same app, or one created and connected beforehand).');
    }
    throw error;
  }
  const store = stores.CustomKeyStores?.[0];
  if (!store) {
    throw new Error(`Custom key store ${storeId} does not exist in this account and Region.`);
  }
  if (expectedType && store.CustomKeyStoreType && store.CustomKeyStoreType !== expectedType) {
    throw new Error(`Custom key store ${storeId} is of type ${store.CustomKeyStoreType}, not ${expectedType}: `
      + 'give the key the store it was declared with.');
  }
  if (store.ConnectionState !== 'CONNECTED') {
    const code = store.ConnectionErrorCode ? ` (ConnectionErrorCode ${store.ConnectionErrorCode})` : '';
    throw new Error(`Custom key store ${storeId} is ${store.ConnectionState}${code}; KMS creates keys only in a CONNECTED store. `
      + howToConnect(store.ConnectionState));
  }
}

function howToConnect(state?: string): string {
  switch (state) {
    case 'CONNECTING':
      return 'Wait until it is CONNECTED (up to 20 minutes for a CloudHSM store) and deploy again; '
        + 'in one app, make the key depend on the CustomKeyStore that connects it.';
    case 'FAILED':
      return 'Fix the cause named by the ConnectionErrorCode, disconnect the store (DisconnectCustomKeyStore), connect it '
        + '(ConnectCustomKeyStore, or deploy its CustomKeyStore again) and deploy again.';
    default:
      return 'Connect it (ConnectCustomKeyStore, or deploy its CustomKeyStore, which connects it) and deploy again.';
  }
}

/**
 * Creates a key, waiting for IAM: a key policy that names a role created in the same deployment is
 * refused as "invalid principals" until the role is visible to KMS, which can take a little while.
 */
export async function createKey(kms: KMSClient, input: CreateKeyCommandInput, sleep: Sleep): Promise<KeyMetadata> {
  const created = await whilePrincipalsPropagate(sleep, () => call('kms:CreateKey', () => kms.send(new CreateKeyCommand(input))));
  return created.KeyMetadata!;
}

/** Delays between attempts while IAM propagates principals to KMS: about two minutes in all. */
const PROPAGATION_DELAYS_MS = [2_000, 4_000, 8_000, 15_000, 30_000, 60_000];

/** Retries a call that sends a key policy while KMS does not yet see a principal that it names. */
export async function whilePrincipalsPropagate<T>(sleep: Sleep, send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const invalidPrincipal = errorName(error) === 'MalformedPolicyDocumentException' && /principal/i.test((error as Error).message);
      if (!invalidPrincipal || attempt >= PROPAGATION_DELAYS_MS.length) {
        throw error;
      }
      await sleep(PROPAGATION_DELAYS_MS[attempt]);
    }
  }
}

/** What a failed CreateKey in a custom key store means and how to fix it. */
export function explainCreateKeyError(error: unknown, storeId: string, xksKeyId?: string): Error {
  const name = errorName(error);
  const message = (error as Error)?.message ?? String(error);
  const explain = (text: string) => new Error(`CreateKey in custom key store ${storeId} failed (${name}): ${text} ${message}`);
  switch (name) {
    case 'CloudHsmClusterInvalidConfigurationException':
      return explain('KMS creates keys only when the store\'s CloudHSM cluster has at least two active HSMs in different '
        + 'Availability Zones. Add HSMs (CloudHsmCluster hsmCount, or CreateHsm) and deploy again.');
    case 'CustomKeyStoreInvalidStateException':
      return explain('the store is not CONNECTED. Connect it (ConnectCustomKeyStore, or deploy its CustomKeyStore) and deploy again.');
    case 'XksKeyNotFoundException':
      return explain(`the external key manager has no key with id ${xksKeyId}. Create the AES-256 key there, or correct xksKeyId.`);
    case 'XksKeyInvalidConfigurationException':
      return explain(`external key ${xksKeyId} must be an enabled 256-bit AES key that can encrypt and decrypt. Fix it in the external key manager.`);
    case 'XksKeyAlreadyInUseException':
      return explain(`external key ${xksKeyId} is already the key material of another KMS key; each KMS key needs an external key of its own.`);
    case 'XksProxyUriUnreachableException':
    case 'XksProxyInvalidResponseException':
    case 'XksProxyIncorrectAuthenticationCredentialException':
    case 'XksProxyInvalidConfigurationException':
      return explain('KMS could not use the external key store proxy. Check the proxy, its credential and its key manager, then deploy again.');
    default:
      return error instanceof Error ? error : new Error(message);
  }
}

/** True for an id that names a KMS key (key id or multi-Region key id), not an alias or a framework marker. */
export function isKeyId(id: string): boolean {
  return /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(id);
}
