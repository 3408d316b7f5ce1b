/**
 * CloudHSM and KMS calls shared by the CloudHsmCluster custom resource handlers: reading a cluster,
 * its live HSMs, the custom key stores that use it, and describing states for people.
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the cluster's *.lambda.ts handlers (the AWS SDK comes with the Lambda runtime) */
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { Cluster, CloudHSMV2Client, DeleteHsmCommand, DescribeClustersCommand, Hsm } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeCustomKeyStoresCommand, KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
/* eslint-enable import/no-extraneous-dependencies */
import { call, defaultClients, HandlerClients } from '../../../private/handler-kit';

/** The clients of the cluster's handlers (from the handler kit). */
export type ClusterClients = Pick<HandlerClients, 'cloudhsm' | 'kms' | 'secrets' | 'ssm' | 'pca' | 'clock'>;

/** The cluster handlers' clients, with the kit's retry policy and the system clock. */
export function clusterClients(): ClusterClients {
  return defaultClients({ cloudhsm: CloudHSMV2Client, kms: KMSClient, secrets: SecretsManagerClient, ssm: SSMClient, pca: ACMPCAClient });
}

/** How long the handlers wait for one operation before giving up with their own message (the provider allows 1 hour). */
export const WAIT_LIMIT_MS = 55 * 60 * 1000;

/** HSM states that no longer count as an HSM of the cluster. */
const GONE_HSM_STATES = ['DELETE_IN_PROGRESS', 'DELETED'];

/** Cluster states in which the cluster is gone or going. */
export const GONE_CLUSTER_STATES = ['DELETE_IN_PROGRESS', 'DELETED'];

/** Cluster states in which the cluster has been initialized (its certificate is signed by the trust anchor). */
export const INITIALIZED_CLUSTER_STATES = ['INITIALIZED', 'ACTIVE'];

/**
 * The cluster id of a `ClusterId` property: a cluster id, or a cluster ARN
 * (`arn:aws:cloudhsm:<region>:<account>:cluster/<id>`), which is what `Ref` gives.
 */
export function clusterIdOf(value: string): string {
  const id = value.slice(value.lastIndexOf('/') + 1);
  if (!/^cluster-[2-7a-zA-Z]{11,16}$/.test(id)) {
    throw new Error(`'${value}' is not a CloudHSM cluster id (cluster-[2-7a-zA-Z]{11,16}) or cluster ARN.`);
  }
  return id;
}

/** The cluster, or undefined when it does not exist (any more). */
export async function describeCluster(cloudhsm: CloudHSMV2Client, clusterId: string): Promise<Cluster | undefined> {
  const described = await call('cloudhsm:DescribeClusters', () =>
    cloudhsm.send(new DescribeClustersCommand({ Filters: { clusterIds: [clusterId] } })));
  return (described.Clusters ?? []).find((c) => c.ClusterId === clusterId);
}

/** The cluster; an error naming it when it does not exist. */
export async function requireCluster(cloudhsm: CloudHSMV2Client, clusterId: string): Promise<Cluster> {
  const cluster = await describeCluster(cloudhsm, clusterId);
  if (!cluster) {
    throw new Error(`CloudHSM cluster ${clusterId} does not exist (DescribeClusters returned nothing for it).`);
  }
  return cluster;
}

/** HSMs of the cluster that exist or are being created (not being deleted). */
export function liveHsms(cluster: Cluster): Hsm[] {
  return (cluster.Hsms ?? []).filter((hsm) => !GONE_HSM_STATES.includes(hsm.State ?? ''));
}

/** HSMs of the cluster that are not deleted yet (being deleted included). */
export function remainingHsms(cluster: Cluster): Hsm[] {
  return (cluster.Hsms ?? []).filter((hsm) => hsm.State !== 'DELETED');
}

/** The Availability Zones of the cluster's subnets, sorted. */
export function clusterZones(cluster: Cluster): string[] {
  return Object.keys(cluster.SubnetMapping ?? {}).sort();
}

/**
 * The cluster's state and each HSM's state, for messages: `cluster-x is UNINITIALIZED (message);
 * HSMs: hsm-a in us-east-1a CREATE_IN_PROGRESS`.
 */
export function describeStates(cluster: Cluster): string {
  const hsms = cluster.Hsms ?? [];
  const hsmText = hsms.length === 0
    ? 'no HSMs'
    : `HSMs: ${hsms.map((h) => `${h.HsmId} in ${h.AvailabilityZone} ${h.State}${h.StateMessage ? ` (${h.StateMessage})` : ''}`).join(', ')}`;
  return `cluster ${cluster.ClusterId} is ${cluster.State}${cluster.StateMessage ? ` (${cluster.StateMessage})` : ''}; ${hsmText}`;
}

/** Deletes an HSM; one that is already gone is fine. */
export async function deleteHsm(cloudhsm: CloudHSMV2Client, clusterId: string, hsmId: string): Promise<void> {
  try {
    await call('cloudhsm:DeleteHsm', () => cloudhsm.send(new DeleteHsmCommand({ ClusterId: clusterId, HsmId: hsmId })));
  } catch (error) {
    if ((error as Error).name !== 'CloudHsmResourceNotFoundException') {
      throw error;
    }
  }
}

/** The ids of the KMS custom key stores associated with the cluster. */
export async function customKeyStoresUsing(kms: KMSClient, clusterId: string): Promise<string[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await call('kms:DescribeCustomKeyStores', () => kms.send(new DescribeCustomKeyStoresCommand({ Marker: marker })));
    for (const store of page.CustomKeyStores ?? []) {
      if (store.CloudHsmClusterId === clusterId && store.CustomKeyStoreId) {
        ids.push(store.CustomKeyStoreId);
      }
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return ids;
}

/**
 * Refuses to destroy a cluster while a KMS custom key store uses it: deleting its HSMs would make every
 * KMS key in that store unusable.
 */
export async function refuseWhileKeyStoresUse(kms: KMSClient, clusterId: string): Promise<void> {
  const stores = await customKeyStoresUsing(kms, clusterId);
  if (stores.length > 0) {
    throw new Error(`CloudHSM cluster ${clusterId} is used by the KMS custom key store(s) ${stores.join(', ')}: `
      + 'its HSMs are not deleted, as every KMS key in those stores would become unusable. Delete the custom key store(s) first '
      + '(schedule deletion of their keys, disconnect, DeleteCustomKeyStore), or keep the cluster with RemovalPolicy.RETAIN.');
  }
}

/** Milliseconds since the epoch, as the handlers record deadlines. */
export function deadlineFrom(nowMs: number): string {
  return String(nowMs + WAIT_LIMIT_MS);
}

/** True when a recorded deadline has passed. */
export function pastDeadline(deadline: string | undefined, nowMs: number): boolean {
  return deadline !== undefined && Number(deadline) > 0 && nowMs > Number(deadline);
}

