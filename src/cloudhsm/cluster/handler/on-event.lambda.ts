/**
 * Custom resource handler (Provider framework `onEvent`) of CloudHsmCluster: one provider serves the
 * cluster's two kinds of custom resource, told apart by their type.
 *
 * - `Custom::KmiCloudHsmInitialization`: first HSM, signed cluster certificate, InitializeCluster.
 * - `Custom::KmiCloudHsmHsms`: the cluster's HSM count, spread over its Availability Zones.
 *
 * The waits (HSMs becoming ACTIVE, the cluster becoming INITIALIZED) are in the isComplete handler.
 * Throttling is retried by the SDK's standard retry strategy; an authorization failure is reported with
 * the permission that is missing.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ClusterClients, clusterClients } from './cluster-api';
import { onHsmsEvent } from './hsms';
import { onInitializationEvent } from './initialization';
import { HSMS_RESOURCE_TYPE, INITIALIZATION_RESOURCE_TYPE } from './resource-properties';
import { byResourceType, OnEventResult } from '../../../private/handler-kit';

const route = byResourceType<CloudFormationCustomResourceEvent, ClusterClients, OnEventResult>({
  [HSMS_RESOURCE_TYPE]: onHsmsEvent,
  [INITIALIZATION_RESOURCE_TYPE]: onInitializationEvent,
});

export async function onEvent(event: CloudFormationCustomResourceEvent, clients: ClusterClients = clusterClients()): Promise<OnEventResult> {
  return route(event, clients);
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);
