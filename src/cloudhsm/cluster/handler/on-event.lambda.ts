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
import { Clients, OnEventResult, defaultClients } from './clients';
import { HSMS_RESOURCE_TYPE, INITIALIZATION_RESOURCE_TYPE } from './cluster-api';
import { onHsmsEvent } from './hsms';
import { onInitializationEvent } from './initialization';

export async function onEvent(event: CloudFormationCustomResourceEvent, clients: Clients = defaultClients()): Promise<OnEventResult> {
  switch (event.ResourceType) {
    case HSMS_RESOURCE_TYPE:
      return onHsmsEvent(event, clients);
    case INITIALIZATION_RESOURCE_TYPE:
      return onInitializationEvent(event, clients);
    default:
      throw new Error(`This handler serves ${HSMS_RESOURCE_TYPE} and ${INITIALIZATION_RESOURCE_TYPE}, not ${event.ResourceType}.`);
  }
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);
