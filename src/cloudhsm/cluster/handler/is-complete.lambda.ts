/**
 * Custom resource handler (Provider framework `isComplete`) of CloudHsmCluster: answers whether the
 * operation that onEvent started is done, from what DescribeClusters says now, and moves the cluster's
 * initialization on one step at a time (so an interrupted create resumes where it stopped).
 *
 * Unknown cluster and HSM states are waited through; the handlers' own deadline (55 minutes, within the
 * provider's hour) ends the wait with a message that names the cluster and every HSM's state.
 */
import { ClusterClients, clusterClients } from './cluster-api';
import { isHsmsComplete } from './hsms';
import { isInitializationComplete } from './initialization';
import { HSMS_RESOURCE_TYPE, INITIALIZATION_RESOURCE_TYPE } from './resource-properties';
import { byResourceType, IsCompleteEvent, IsCompleteResult } from '../../../private/handler-kit';

const route = byResourceType<IsCompleteEvent, ClusterClients, IsCompleteResult>({
  [HSMS_RESOURCE_TYPE]: isHsmsComplete,
  [INITIALIZATION_RESOURCE_TYPE]: isInitializationComplete,
});

export async function isComplete(event: IsCompleteEvent, clients: ClusterClients = clusterClients()): Promise<IsCompleteResult> {
  return route(event, clients);
}

/** Lambda entry point. */
export const handler = (event: IsCompleteEvent) => isComplete(event);
