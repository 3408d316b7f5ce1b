/**
 * Custom resource handler (Provider framework `onEvent`) for CustomKeyStore: creates a KMS custom key
 * store (AWS CloudHSM or external key store proxy) and starts connecting it; the isComplete handler
 * waits until it is CONNECTED. The physical id is the custom key store id.
 *
 * - Create looks the store up by name first (names are unique in an account and Region), so that a
 *   create that was interrupted, or a store kept by an earlier stack, is taken over instead of
 *   failing: a store of another type, or a connected store with other connection settings, is refused.
 * - Create and Update converge the store on the properties. The name, the proxy URI path and the
 *   proxy credential change in place; anything else (cluster, kmsuser password, proxy endpoint,
 *   connectivity, VPC endpoint service) needs the store disconnected: disconnect, wait, update,
 *   connect. Secret values are read at run time and never logged or returned.
 * - KMS rotates the kmsuser password each time it connects a CloudHSM store, so the password from the
 *   secret is sent only when the store is created, when the secret changes (another secret ARN), or
 *   when the last connection failed because of kmsuser (INVALID_CREDENTIALS, USER_LOCKED_OUT,
 *   USER_LOGGED_IN, USER_NOT_FOUND).
 * - Delete keeps the store (`RemovalPolicy: RETAIN`, the default). With `DESTROY` it deletes the store
 *   only if no KMS key is in it: otherwise it fails and says which keys remain, leaving the store as it
 *   was. A store that is gone already is a success.
 */
import {
  CreateCustomKeyStoreCommand,
  CreateCustomKeyStoreRequest,
  CustomKeyStoresListEntry,
  DeleteCustomKeyStoreCommand,
  DescribeKeyCommand,
  KeyMetadata,
  KMSClient,
  ListKeysCommand,
  UpdateCustomKeyStoreRequest,
} from '@aws-sdk/client-kms';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { KMSUSER_ERROR_CODES } from './connection-errors';
import {
  callWithHint,
  connect,
  describeById,
  describeByName,
  disconnectAndWait,
  keyStoreClients,
  KeyStoreClients,
  readKmsUserPassword,
  readTrustAnchor,
  readXksCredential,
  update,
} from './key-store-calls';
import { CustomKeyStoreResourceProperties } from './resource-properties';
import { isDestroy, log, named, OnEventResult } from '../../private/handler-kit';

type Changes = Omit<UpdateCustomKeyStoreRequest, 'CustomKeyStoreId'>;

export async function onEvent(event: CloudFormationCustomResourceEvent, clients: KeyStoreClients = keyStoreClients()): Promise<OnEventResult> {
  const props = event.ResourceProperties as unknown as CustomKeyStoreResourceProperties;
  switch (event.RequestType) {
    case 'Create':
      return { PhysicalResourceId: await createOrTakeOver(clients, props) };
    case 'Update': {
      const old = event.OldResourceProperties as unknown as CustomKeyStoreResourceProperties;
      if (old.CustomKeyStoreType !== props.CustomKeyStoreType) {
        // A new store replaces the old one; CloudFormation then deletes the old one as its removal policy says.
        return { PhysicalResourceId: await createOrTakeOver(clients, props) };
      }
      const store = await describeById(clients.kms, event.PhysicalResourceId);
      if (!store) {
        log('store not found, creating it again', { customKeyStoreId: event.PhysicalResourceId });
        return { PhysicalResourceId: await createOrTakeOver(clients, props) };
      }
      await converge(clients, store, props, secretOf(old) !== secretOf(props));
      return { PhysicalResourceId: store.CustomKeyStoreId! };
    }
    case 'Delete':
      await deleteStore(clients, event.PhysicalResourceId, props);
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);

function secretOf(props: CustomKeyStoreResourceProperties): string | undefined {
  return props.CustomKeyStoreType === 'AWS_CLOUDHSM' ? props.KmsUserPasswordSecretArn : props.XksProxyCredentialSecretArn;
}

async function createOrTakeOver(clients: KeyStoreClients, props: CustomKeyStoreResourceProperties): Promise<string> {
  const existing = await describeByName(clients.kms, props.CustomKeyStoreName);
  if (existing) {
    return takeOver(clients, existing, props);
  }
  const request = await createRequest(clients, props);
  let id: string;
  try {
    const out = await callWithHint('kms:CreateCustomKeyStore', () => clients.kms.send(new CreateCustomKeyStoreCommand(request)));
    id = out.CustomKeyStoreId!;
  } catch (error) {
    // Created meanwhile by a repeated event: take that one over.
    const raced = (error as Error).name === 'CustomKeyStoreNameInUseException' && await describeByName(clients.kms, props.CustomKeyStoreName);
    if (raced) {
      return takeOver(clients, raced, props);
    }
    throw error;
  }
  log('created', { customKeyStoreId: id, name: props.CustomKeyStoreName, type: props.CustomKeyStoreType });
  await connect(clients.kms, id);
  return id;
}

async function createRequest(clients: KeyStoreClients, props: CustomKeyStoreResourceProperties): Promise<CreateCustomKeyStoreRequest> {
  if (props.CustomKeyStoreType === 'AWS_CLOUDHSM') {
    return {
      CustomKeyStoreName: props.CustomKeyStoreName,
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      CloudHsmClusterId: props.CloudHsmClusterId,
      TrustAnchorCertificate: await readTrustAnchor(clients.ssm, props.TrustAnchorParameterName!),
      KeyStorePassword: await readKmsUserPassword(clients.secrets, props.KmsUserPasswordSecretArn!),
    };
  }
  return {
    CustomKeyStoreName: props.CustomKeyStoreName,
    CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
    XksProxyUriEndpoint: props.XksProxyUriEndpoint,
    XksProxyUriPath: props.XksProxyUriPath,
    XksProxyConnectivity: props.XksProxyConnectivity,
    XksProxyVpcEndpointServiceName: props.XksProxyVpcEndpointServiceName,
    XksProxyVpcEndpointServiceOwner: props.XksProxyVpcEndpointServiceOwner,
    XksProxyAuthenticationCredential: await readXksCredential(clients.secrets, props.XksProxyCredentialSecretArn!),
  };
}

/** Takes over an existing store of the same name, when it is safe to, and converges it on the properties. */
async function takeOver(clients: KeyStoreClients, store: CustomKeyStoresListEntry, props: CustomKeyStoreResourceProperties): Promise<string> {
  const id = store.CustomKeyStoreId!;
  const name = props.CustomKeyStoreName;
  if (store.CustomKeyStoreType !== props.CustomKeyStoreType) {
    throw new Error(`A custom key store named "${name}" already exists (${id}) with type ${store.CustomKeyStoreType}, and this stack asks `
      + `for ${props.CustomKeyStoreType}. A store's type cannot change and names are unique in an account and Region: give the `
      + 'new store another customKeyStoreName (or construct id), or delete the existing store.');
  }
  const inUse = store.ConnectionState === 'CONNECTED' || store.ConnectionState === 'CONNECTING';
  const theirs = targetOfStore(store);
  const ours = targetOfProps(props);
  if (inUse && theirs !== ours) {
    throw new Error(`A custom key store named "${name}" already exists (${id}) and is ${store.ConnectionState} to ${theirs}; this stack `
      + `asks for ${ours}. Names are unique in an account and Region: choose another customKeyStoreName, or, if that store is a `
      + 'leftover of this stack, disconnect it so that the next deployment takes it over.');
  }
  log('taking over the existing store of this name', { customKeyStoreId: id, name, state: store.ConnectionState });
  await converge(clients, store, props, false);
  return id;
}

/** What an existing store connects to, to tell whether it is this stack's. */
function targetOfStore(store: CustomKeyStoresListEntry): string {
  if (store.CustomKeyStoreType === 'AWS_CLOUDHSM') {
    return `cluster ${store.CloudHsmClusterId}`;
  }
  const xks = store.XksProxyConfiguration ?? {};
  return proxyTarget(xks.UriEndpoint, xks.Connectivity, xks.VpcEndpointServiceName);
}

/** What the properties ask a store to connect to. */
function targetOfProps(props: CustomKeyStoreResourceProperties): string {
  if (props.CustomKeyStoreType === 'AWS_CLOUDHSM') {
    return `cluster ${props.CloudHsmClusterId}`;
  }
  return proxyTarget(props.XksProxyUriEndpoint, props.XksProxyConnectivity, props.XksProxyVpcEndpointServiceName);
}

function proxyTarget(endpoint?: string, connectivity?: string, serviceName?: string): string {
  return `proxy ${endpoint} (${connectivity}${serviceName ? ` ${serviceName}` : ''})`;
}

/**
 * Brings a store to the properties and starts connecting it. Changes KMS allows in any state are
 * made in place; the others disconnect the store first. A FAILED store is always disconnected and
 * connected again (KMS refuses to connect a FAILED store).
 */
async function converge(clients: KeyStoreClients, store: CustomKeyStoresListEntry, props: CustomKeyStoreResourceProperties, secretChanged: boolean) {
  const id = store.CustomKeyStoreId!;
  const failedCode = store.ConnectionState === 'FAILED' ? store.ConnectionErrorCode ?? 'UNKNOWN' : undefined;
  const inPlace: Changes = {};
  const offline: Changes = {};
  if (store.CustomKeyStoreName !== props.CustomKeyStoreName) {
    Object.assign(inPlace, { NewCustomKeyStoreName: props.CustomKeyStoreName });
  }
  if (props.CustomKeyStoreType === 'AWS_CLOUDHSM') {
    if (store.CloudHsmClusterId !== props.CloudHsmClusterId) {
      Object.assign(offline, { CloudHsmClusterId: props.CloudHsmClusterId });
    }
    if (secretChanged || (failedCode && KMSUSER_ERROR_CODES.includes(failedCode))) {
      Object.assign(offline, { KeyStorePassword: await readKmsUserPassword(clients.secrets, props.KmsUserPasswordSecretArn!) });
    }
  } else {
    const xks = store.XksProxyConfiguration ?? {};
    if (xks.UriEndpoint !== props.XksProxyUriEndpoint) {
      Object.assign(offline, { XksProxyUriEndpoint: props.XksProxyUriEndpoint });
    }
    if (xks.Connectivity !== props.XksProxyConnectivity) {
      Object.assign(offline, { XksProxyConnectivity: props.XksProxyConnectivity });
    }
    if (props.XksProxyConnectivity === 'VPC_ENDPOINT_SERVICE') {
      if (xks.VpcEndpointServiceName !== props.XksProxyVpcEndpointServiceName) {
        Object.assign(offline, { XksProxyVpcEndpointServiceName: props.XksProxyVpcEndpointServiceName });
      }
      if (props.XksProxyVpcEndpointServiceOwner && xks.VpcEndpointServiceOwner !== props.XksProxyVpcEndpointServiceOwner) {
        Object.assign(offline, { XksProxyVpcEndpointServiceOwner: props.XksProxyVpcEndpointServiceOwner });
      }
    }
    if (xks.UriPath !== props.XksProxyUriPath) {
      Object.assign(inPlace, { XksProxyUriPath: props.XksProxyUriPath });
    }
    const credential = await readXksCredential(clients.secrets, props.XksProxyCredentialSecretArn!);
    if (secretChanged || failedCode === 'INVALID_CREDENTIALS' || xks.AccessKeyId !== credential.AccessKeyId) {
      Object.assign(inPlace, { XksProxyAuthenticationCredential: credential });
    }
  }

  let disconnect = Object.keys(offline).length > 0 || failedCode !== undefined;
  if (!disconnect && Object.keys(inPlace).length > 0) {
    try {
      await update(clients.kms, id, inPlace);
      return await connectUnlessConnected(clients, store);
    } catch (error) {
      if ((error as Error).name !== 'CustomKeyStoreInvalidStateException') {
        throw error;
      }
      disconnect = true;
    }
  }
  if (!disconnect) {
    return connectUnlessConnected(clients, store);
  }
  log('disconnecting to change the store', { customKeyStoreId: id, settings: [...Object.keys(offline), ...Object.keys(inPlace)], failedCode });
  await disconnectAndWait(clients, store);
  const changes = { ...offline, ...inPlace };
  if (Object.keys(changes).length > 0) {
    await update(clients.kms, id, changes);
  }
  await connect(clients.kms, id);
}

async function connectUnlessConnected(clients: KeyStoreClients, store: CustomKeyStoresListEntry): Promise<void> {
  switch (store.ConnectionState) {
    case 'CONNECTED':
    case 'CONNECTING':
      return;
    case 'DISCONNECTING':
      await disconnectAndWait(clients, store);
      return connect(clients.kms, store.CustomKeyStoreId!);
    default:
      return connect(clients.kms, store.CustomKeyStoreId!);
  }
}

async function deleteStore(clients: KeyStoreClients, id: string, props: CustomKeyStoreResourceProperties): Promise<void> {
  if (!isDestroy(props.RemovalPolicy)) {
    log('retained', { customKeyStoreId: id });
    return;
  }
  if (!id.startsWith('cks-')) {
    log('no custom key store was created', { physicalResourceId: id });
    return;
  }
  const store = await describeById(clients.kms, id);
  if (!store) {
    log('already deleted', { customKeyStoreId: id });
    return;
  }
  const keys = await keysIn(clients.kms, id);
  if (keys.length > 0) {
    throw named('CustomKeyStoreHasCMKsException', `${storeHoldsKeys(store, keys)} The store was left ${store.ConnectionState}.`);
  }
  await disconnectAndWait(clients, store);
  try {
    await callWithHint('kms:DeleteCustomKeyStore', () => clients.kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })));
    log('deleted', { customKeyStoreId: id });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'CustomKeyStoreNotFoundException') {
      return;
    }
    if (name === 'CustomKeyStoreHasCMKsException') {
      // A key this handler could not see (its key policy does not let the handler describe it), or one created meanwhile.
      await connect(clients.kms, id);
      throw named(name, `${storeHoldsKeys(store, [])} It was connected again.`);
    }
    throw error;
  }
}

/** The keys of the account and Region whose custom key store is `id`, pending deletion included. */
async function keysIn(kms: KMSClient, id: string): Promise<KeyMetadata[]> {
  const found: KeyMetadata[] = [];
  let undescribed = 0;
  let marker: string | undefined;
  do {
    const page = await callWithHint('kms:ListKeys', () => kms.send(new ListKeysCommand({ Limit: 1000, Marker: marker })));
    const ids = (page.Keys ?? []).map((k) => k.KeyId!);
    for (let i = 0; i < ids.length; i += 10) {
      const batch = await Promise.all(ids.slice(i, i + 10).map(async (keyId) => {
        try {
          return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
        } catch (error) {
          // Deleted meanwhile, or a key policy that does not let this account's principals describe it.
          undescribed++;
          return undefined;
        }
      }));
      found.push(...batch.filter((k): k is KeyMetadata => k?.CustomKeyStoreId === id));
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  log('keys in the store', { customKeyStoreId: id, keys: found.length, undescribed });
  return found;
}

function storeHoldsKeys(store: CustomKeyStoresListEntry, keys: KeyMetadata[]): string {
  const shown = keys.slice(0, 10).map((k) => `${k.KeyId} (${k.KeyState}${k.DeletionDate ? `, deleted on ${k.DeletionDate.toISOString()}` : ''})`);
  const more = keys.length > shown.length ? ` and ${keys.length - shown.length} more` : '';
  const which = keys.length > 0 ? `${keys.length} KMS key(s): ${shown.join(', ')}${more}` : 'KMS keys';
  return `Custom key store ${store.CustomKeyStoreId} (${store.CustomKeyStoreName}) still holds ${which}, so it cannot be deleted. `
    + 'KMS deletes a custom key store only when no key is in it, and keys scheduled for deletion count until their waiting period ends. '
    + 'Schedule the deletion of its keys (ScheduleKeyDeletion) and delete again once they are gone, or keep the store: removalPolicy RETAIN.';
}
