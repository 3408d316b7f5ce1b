/**
 * Custom resource handler (Provider framework `isComplete`) of CloudHsmCluster: answers whether the
 * operation that onEvent started is done, from what DescribeClusters says now, and moves the cluster's
 * initialization on one step at a time (so an interrupted create resumes where it stopped).
 *
 * Unknown cluster and HSM states are waited through; the handlers' own deadline (55 minutes, within the
 * provider's hour) ends the wait with a message that names the cluster and every HSM's state.
 */
import { Clients, IsCompleteEvent, IsCompleteResult, defaultClients } from './clients';
import { HSMS_RESOURCE_TYPE, INITIALIZATION_RESOURCE_TYPE } from './cluster-api';
import { isHsmsComplete } from './hsms';
import { isInitializationComplete } from './initialization';

export async function isComplete(event: IsCompleteEvent, clients: Clients = defaultClients()): Promise<IsCompleteResult> {
  switch (event.ResourceType) {
    case HSMS_RESOURCE_TYPE:
      return isHsmsComplete(event, clients);
    case INITIALIZATION_RESOURCE_TYPE:
      return isInitializationComplete(event, clients);
    default:
      throw new Error(`This handler serves ${HSMS_RESOURCE_TYPE} and ${INITIALIZATION_RESOURCE_TYPE}, not ${event.ResourceType}.`);
  }
}

/** Lambda entry point. */
export const handler = (event: IsCompleteEvent) => isComplete(event);
