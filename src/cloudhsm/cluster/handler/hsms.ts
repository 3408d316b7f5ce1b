/**
 * `Custom::KmiCloudHsmHsms`: keeps `HsmCount` HSMs in an initialized cluster, spread over the
 * Availability Zones of its subnets.
 *
 * - onEvent (Create, Update) counts the HSMs that exist or are being created and creates the missing
 *   ones (each in the zone with the fewest) or deletes the extra ones (from the zone with the most), so
 *   a repeated event changes nothing more. It records the HSMs it expects and the ones it deletes.
 * - HSMs are added to an ACTIVE cluster only. Precondition, from AWS: the cluster is activated on its
 *   first HSM ("run the cluster activate command on your first HSM",
 *   https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html) and HSMs are added
 *   afterwards (https://docs.aws.amazon.com/cloudhsm/latest/userguide/add-hsm.html); CreateHsm on a
 *   cluster that has an HSM but is not yet activated fails with "already contains an HSM but has not
 *   yet been fully activated" (terraform-provider-aws issue 7437). So while the cluster is not ACTIVE,
 *   onEvent creates nothing and records `AwaitingActivation`; isComplete waits for ACTIVE (the
 *   activation, or a person with CloudHSM CLI under `ClusterActivation.manual()`), then creates the
 *   missing HSMs, and fails with a clear message when the wait runs out.
 * - A new HSM gets the users and keys of the cluster: CloudHSM creates it from a backup of the cluster
 *   ("When you add an HSM to a cluster, AWS CloudHSM ... restores the backup to the new HSM", add-hsm.html
 *   and https://docs.aws.amazon.com/cloudhsm/latest/userguide/backups.html), so `kmsuser`, created at
 *   activation on the first HSM, reaches every HSM added later, now or when the count grows.
 * - isComplete waits until every expected HSM is ACTIVE and every deleted one is gone, and fails with a
 *   message that names the cluster and each HSM's state when an HSM fails or the wait runs out.
 * - Delete with `RemovalPolicy` RETAIN changes nothing; DESTROY refuses while a KMS custom key store
 *   uses the cluster, then deletes every HSM of the cluster (the cluster can be deleted only without
 *   HSMs) and waits until they are gone. A cluster that no longer exists is fine.
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the cluster's *.lambda.ts handlers (the AWS SDK comes with the Lambda runtime) */
import { Cluster, CreateHsmCommand, Hsm } from '@aws-sdk/client-cloudhsm-v2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  ClusterClients, GONE_CLUSTER_STATES, clusterIdOf, clusterZones, deadlineFrom, deleteHsm, describeCluster, describeStates, liveHsms,
  pastDeadline, refuseWhileKeyStoresUse, remainingHsms, requireCluster,
} from './cluster-api';
import { clusterIdOfHsms, HsmsProperties, hsmsPhysicalId } from './resource-properties';
import { call, IsCompleteEvent, IsCompleteResult, isDestroy, NOT_YET, OnEventResult } from '../../../private/handler-kit';

/** Most HSMs a cluster may hold. */
export const MAX_HSM_COUNT = 32;

/** How long an HSM that CreateHsm returned may be missing from DescribeClusters before it counts as failed. */
const APPEARANCE_GRACE_MS = 5 * 60 * 1000;

export async function onHsmsEvent(event: CloudFormationCustomResourceEvent, clients: ClusterClients): Promise<OnEventResult> {
  const props = event.ResourceProperties as unknown as HsmsProperties;
  const now = clients.clock.now();
  if (event.RequestType === 'Delete') {
    const clusterId = clusterIdOfHsms(event.PhysicalResourceId) ?? clusterIdOf(props.ClusterId);
    if (isDestroy(props.RemovalPolicy)) {
      await deleteAllHsms(clients, clusterId);
    }
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { ClusterId: clusterId, Deadline: deadlineFrom(now) } };
  }
  const clusterId = clusterIdOf(props.ClusterId);
  const desired = parseHsmCount(props.HsmCount);
  const cluster = await requireCluster(clients.cloudhsm, clusterId);
  if (GONE_CLUSTER_STATES.includes(cluster.State ?? '')) {
    throw new Error(`Cannot add HSMs: ${describeStates(cluster)}.`);
  }
  const live = liveHsms(cluster);
  const deleting = live.length > desired ? chooseForDeletion(live, live.length - desired) : [];
  for (const hsm of deleting) {
    await deleteHsm(clients.cloudhsm, clusterId, hsm.HsmId!);
  }
  const missing = Math.max(0, desired - live.length);
  const awaitingActivation = missing > 0 && cluster.State !== 'ACTIVE';
  const created = awaitingActivation ? [] : await createHsms(clients, clusterId, cluster, live, missing);
  const kept = live.filter((hsm) => !deleting.includes(hsm)).map((hsm) => hsm.HsmId!);
  return {
    PhysicalResourceId: hsmsPhysicalId(clusterId),
    Data: {
      ClusterId: clusterId,
      HsmIds: [...kept, ...created].join(','),
      DeletingHsmIds: deleting.map((hsm) => hsm.HsmId!).join(','),
      StartedAt: String(now),
      Deadline: deadlineFrom(now),
      ...awaitingActivation ? { AwaitingActivation: 'true' } : {},
    },
  };
}

/** Creates `count` HSMs, each in the zone with the fewest; returns their ids. The cluster must be ACTIVE (see above). */
async function createHsms(clients: ClusterClients, clusterId: string, cluster: Cluster, live: Hsm[], count: number): Promise<string[]> {
  const created: string[] = [];
  for (const zone of chooseZones(clusterZones(cluster), live, count)) {
    const response = await call('cloudhsm:CreateHsm', () =>
      clients.cloudhsm.send(new CreateHsmCommand({ ClusterId: clusterId, AvailabilityZone: zone })));
    created.push(response.Hsm!.HsmId!);
  }
  return created;
}

/**
 * While the cluster is not ACTIVE: waits for it, then creates the missing HSMs once (by count, as onEvent
 * does, so a repeated poll creates nothing more) and returns the ids to wait for; undefined while waiting.
 */
async function hsmsOnceActive(
  clients: ClusterClients, clusterId: string, cluster: Cluster, props: HsmsProperties, data: Record<string, string>, now: number,
): Promise<string[] | undefined> {
  if (cluster.State !== 'ACTIVE') {
    if (GONE_CLUSTER_STATES.includes(cluster.State ?? '') || pastDeadline(data.Deadline, now)) {
      throw new Error(`Cannot add HSMs to cluster ${clusterId}: CloudHSM adds HSMs only to an ACTIVE cluster; now `
        + `${describeStates(cluster)}. With ClusterActivation.manual(), activate the cluster on its first HSM with CloudHSM CLI `
        + '(cluster activate) and create kmsuser (user create) within 55 minutes of the deployment, or deploy first with hsmCount: 1 '
        + '(allowSingleHsm: true), activate, then deploy again with the HSM count you want.');
    }
    return undefined;
  }
  const live = liveHsms(cluster);
  const missing = Math.max(0, parseHsmCount(props.HsmCount) - live.length);
  await createHsms(clients, clusterId, cluster, live, missing);
  return liveHsms((await requireCluster(clients.cloudhsm, clusterId))).map((hsm) => hsm.HsmId!);
}

export async function isHsmsComplete(event: IsCompleteEvent, clients: ClusterClients): Promise<IsCompleteResult> {
  const props = event.ResourceProperties as unknown as HsmsProperties;
  const data = event.Data ?? {};
  const now = clients.clock.now();
  if (event.RequestType === 'Delete') {
    if (!isDestroy(props.RemovalPolicy)) {
      return { IsComplete: true };
    }
    const clusterId = data.ClusterId ?? clusterIdOf(props.ClusterId);
    return waitUntilNoHsms(clients, clusterId, data.Deadline, now);
  }
  const clusterId = data.ClusterId ?? clusterIdOf(props.ClusterId);
  const cluster = await requireCluster(clients.cloudhsm, clusterId);
  if (data.AwaitingActivation === 'true') {
    const ids = await hsmsOnceActive(clients, clusterId, cluster, props, data, now);
    if (!ids) {
      return NOT_YET;
    }
    // From now on, wait for these HSMs as for any others.
    return isHsmsComplete({ ...event, Data: { ...data, AwaitingActivation: '', HsmIds: ids.join(','), StartedAt: String(now) } }, clients);
  }
  const expected = list(data.HsmIds);
  const deleting = list(data.DeletingHsmIds);
  const byId = new Map((cluster.Hsms ?? []).map((hsm) => [hsm.HsmId!, hsm]));

  let waiting = false;
  for (const id of expected) {
    const hsm = byId.get(id);
    if (!hsm) {
      if (now - Number(data.StartedAt ?? now) > APPEARANCE_GRACE_MS) {
        throw new Error(`HSM ${id} is no longer in cluster ${clusterId}: its creation failed or it was deleted; deploy again `
          + `to create a new one. Now: ${describeStates(cluster)}.`);
      }
      waiting = true;
    } else if (hsm.State === 'DELETE_IN_PROGRESS' || hsm.State === 'DELETED') {
      throw new Error(`HSM ${id} is being deleted while cluster ${clusterId} should keep it; deploy again to replace it. `
        + `Now: ${describeStates(cluster)}.`);
    } else if (hsm.State !== 'ACTIVE') {
      // CREATE_IN_PROGRESS, DEGRADED or a state this handler does not know yet: wait for ACTIVE.
      waiting = true;
    }
  }
  for (const id of deleting) {
    const hsm = byId.get(id);
    if (hsm && hsm.State !== 'DELETED') {
      waiting = true;
    }
  }
  if (!waiting) {
    return { IsComplete: true, Data: { ClusterId: clusterId, HsmIds: expected.join(',') } };
  }
  if (pastDeadline(data.Deadline, now)) {
    throw new Error(`Timed out waiting for ${expected.length} ACTIVE HSM(s) (${expected.join(', ')})`
      + `${deleting.length ? ` and the deletion of ${deleting.join(', ')}` : ''}: ${describeStates(cluster)}. `
      + 'HSM creation usually takes 10 to 20 minutes; deploy again to resume, the HSMs already created are kept.');
  }
  return NOT_YET;
}

/**
 * Refuses while a custom key store uses the cluster, then deletes every HSM of the cluster that is not
 * already being deleted. Nothing to do when the cluster is gone.
 */
export async function deleteAllHsms(clients: ClusterClients, clusterId: string): Promise<void> {
  const cluster = await describeCluster(clients.cloudhsm, clusterId);
  if (!cluster || GONE_CLUSTER_STATES.includes(cluster.State ?? '')) {
    return;
  }
  await refuseWhileKeyStoresUse(clients.kms, clusterId);
  for (const hsm of liveHsms(cluster)) {
    await deleteHsm(clients.cloudhsm, clusterId, hsm.HsmId!);
  }
}

/** Complete when the cluster has no HSM left (or is gone); fails with the states when the wait runs out. */
export async function waitUntilNoHsms(
  clients: ClusterClients, clusterId: string, deadline: string | undefined, now: number,
): Promise<IsCompleteResult> {
  const cluster = await describeCluster(clients.cloudhsm, clusterId);
  if (!cluster || remainingHsms(cluster).length === 0) {
    return { IsComplete: true };
  }
  if (pastDeadline(deadline, now)) {
    throw new Error(`Timed out waiting for the HSMs of cluster ${clusterId} to be deleted: ${describeStates(cluster)}. `
      + 'Deploy or delete again to resume.');
  }
  return NOT_YET;
}

function parseHsmCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_HSM_COUNT) {
    throw new Error(`HsmCount must be a whole number from 1 to ${MAX_HSM_COUNT}; got '${value}'.`);
  }
  return count;
}

/** The zones of `count` new HSMs: each in the zone that has the fewest HSMs at that point. */
export function chooseZones(zones: string[], live: Hsm[], count: number): string[] {
  if (count > 0 && zones.length === 0) {
    throw new Error('The cluster has no subnets (SubnetMapping is empty): there is no Availability Zone to create an HSM in.');
  }
  const perZone = new Map(zones.map((zone) => [zone, live.filter((hsm) => hsm.AvailabilityZone === zone).length]));
  const chosen: string[] = [];
  for (let i = 0; i < count; i++) {
    const zone = zones.reduce((best, z) => (perZone.get(z)! < perZone.get(best)! ? z : best), zones[0]);
    perZone.set(zone, perZone.get(zone)! + 1);
    chosen.push(zone);
  }
  return chosen;
}

/**
 * The HSMs to delete to remove `count`: each from the zone that has the most HSMs at that point,
 * preferring an HSM that is not ACTIVE, then the last by id.
 */
export function chooseForDeletion(live: Hsm[], count: number): Hsm[] {
  const remaining = [...live];
  const chosen: Hsm[] = [];
  for (let i = 0; i < count; i++) {
    const perZone = new Map<string, number>();
    for (const hsm of remaining) {
      perZone.set(hsm.AvailabilityZone ?? '', (perZone.get(hsm.AvailabilityZone ?? '') ?? 0) + 1);
    }
    const most = Math.max(...perZone.values());
    const candidates = remaining
      .filter((hsm) => perZone.get(hsm.AvailabilityZone ?? '') === most)
      .sort((a, b) => rank(a) - rank(b) || (b.HsmId ?? '').localeCompare(a.HsmId ?? ''));
    chosen.push(candidates[0]);
    remaining.splice(remaining.indexOf(candidates[0]), 1);
  }
  return chosen;
}

function rank(hsm: Hsm): number {
  return hsm.State === 'ACTIVE' ? 1 : 0;
}

function list(value: string | undefined): string[] {
  return value ? value.split(',').filter((s) => s.length > 0) : [];
}
