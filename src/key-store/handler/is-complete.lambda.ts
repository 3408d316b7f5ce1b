/**
 * Custom resource handler (Provider framework `isComplete`) for CustomKeyStore: called every 30
 * seconds after onEvent until the store is CONNECTED (a CloudHSM store can take 20 minutes).
 *
 * - CONNECTED: done.
 * - CONNECTING, DISCONNECTING: not yet.
 * - DISCONNECTED: connects it (again), then not yet.
 * - FAILED: fails the deployment with the ConnectionErrorCode, what it means and what to fix. The
 *   store is left FAILED, so that its code stays visible in KMS; the next deployment that reaches it
 *   disconnects it, fixes what it can and connects it again.
 * - Delete events: done (onEvent finished the work).
 */

import { connect, connectionFailedError, describeById, keyStoreClients, KeyStoreClients } from './key-store-calls';
import { IsCompleteEvent, IsCompleteResult, log } from '../../private/handler-kit';

export async function isComplete(event: IsCompleteEvent, clients: KeyStoreClients = keyStoreClients()): Promise<IsCompleteResult> {
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const id = event.PhysicalResourceId;
  const store = await describeById(clients.kms, id);
  if (!store) {
    throw new Error(`Custom key store ${id} does not exist any more: it was deleted outside this stack while it was connecting.`);
  }
  log('connection state', { customKeyStoreId: id, state: store.ConnectionState });
  switch (store.ConnectionState) {
    case 'CONNECTED':
      return { IsComplete: true };
    case 'FAILED':
      throw connectionFailedError(store);
    case 'DISCONNECTED':
      try {
        await connect(clients.kms, id);
      } catch (error) {
        // The state read was stale (it is DISCONNECTING or FAILED by now): the next call sees it.
        if ((error as Error).name !== 'CustomKeyStoreInvalidStateException') {
          throw error;
        }
      }
      return { IsComplete: false };
    default:
      return { IsComplete: false };
  }
}

/** Lambda entry point. */
export const handler = (event: IsCompleteEvent) => isComplete(event);
