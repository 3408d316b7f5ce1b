import { CloudHSMV2Client, CreateHsmCommand, DeleteHsmCommand, DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeCustomKeyStoresCommand } from '@aws-sdk/client-kms';
import { HttpRequest } from '@smithy/protocol-http';
import {
  CLUSTER_ARN, CLUSTER_ID, NOW, clientsAt, cloudhsm, completing, event, fakeAccount, hsm, jsonResponse, kms, newCluster, settle,
} from './fakes';
import { chooseForDeletion, chooseZones } from '../../../../src/cloudhsm/cluster/handler/hsms';
import { isComplete } from '../../../../src/cloudhsm/cluster/handler/is-complete.lambda';
import { onEvent } from '../../../../src/cloudhsm/cluster/handler/on-event.lambda';

const TYPE = 'Custom::KmiCloudHsmHsms';
const props = (count: number, removal = 'RETAIN', clusterId = CLUSTER_ID) => ({ ClusterId: clusterId, HsmCount: String(count), RemovalPolicy: removal });
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

/** An initialized cluster with its first HSM, as the initialization leaves it. */
const initialized = () => newCluster('INITIALIZED', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]);
/** The same cluster once activated on that HSM, as the activation leaves it: HSMs can be added now. */
const activated = () => newCluster('ACTIVE', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]);

describe('create', () => {
  test('adds the missing HSMs, each in the zone with the fewest, and records what it expects', async () => {
    const account = fakeAccount(activated());
    const result = await onEvent(event(TYPE, 'Create', props(3)), clientsAt());
    expect(cloudhsm.commandCalls(CreateHsmCommand).map((c) => c.args[0].input)).toEqual([
      { ClusterId: CLUSTER_ID, AvailabilityZone: 'us-east-1b' },
      { ClusterId: CLUSTER_ID, AvailabilityZone: 'us-east-1c' },
    ]);
    expect(result).toEqual({
      PhysicalResourceId: `${CLUSTER_ID}/hsms`,
      Data: {
        ClusterId: CLUSTER_ID,
        HsmIds: 'hsm-first,hsm-new1,hsm-new2',
        DeletingHsmIds: '',
        StartedAt: String(NOW.getTime()),
        Deadline: String(NOW.getTime() + 55 * 60_000),
      },
    });
    expect(account.cluster!.Hsms).toHaveLength(3);
  });
  test('accepts the cluster ARN as ClusterId (what Ref gives)', async () => {
    fakeAccount(activated());
    const result = await onEvent(event(TYPE, 'Create', props(2, 'RETAIN', CLUSTER_ARN)), clientsAt());
    expect(result.PhysicalResourceId).toBe(`${CLUSTER_ID}/hsms`);
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(1);
  });
  test('a repeated create adds nothing more: HSMs being created count', async () => {
    const account = fakeAccount(activated());
    const e = event(TYPE, 'Create', props(2));
    await onEvent(e, clientsAt());
    const second = await onEvent(e, clientsAt());
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(1);
    expect(account.cluster!.Hsms).toHaveLength(2);
    expect(second.Data!.HsmIds).toBe('hsm-first,hsm-new1');
  });
  test('more HSMs than zones are spread evenly', async () => {
    const account = fakeAccount(activated());
    account.cluster!.SubnetMapping = { 'us-east-1a': 'subnet-0000000000000000a', 'us-east-1b': 'subnet-0000000000000000b' };
    await onEvent(event(TYPE, 'Create', props(4)), clientsAt());
    const zones = account.cluster!.Hsms!.map((h) => h.AvailabilityZone).sort();
    expect(zones).toEqual(['us-east-1a', 'us-east-1a', 'us-east-1b', 'us-east-1b']);
  });
  test('a cluster that does not exist is an error naming it', async () => {
    fakeAccount(undefined);
    await expect(onEvent(event(TYPE, 'Create', props(2)), clientsAt()))
      .rejects.toThrow(`CloudHSM cluster ${CLUSTER_ID} does not exist (DescribeClusters returned nothing for it).`);
  });
  test('a cluster being deleted gets no HSMs', async () => {
    fakeAccount(newCluster('DELETE_IN_PROGRESS'));
    await expect(onEvent(event(TYPE, 'Create', props(2)), clientsAt()))
      .rejects.toThrow(`Cannot add HSMs: cluster ${CLUSTER_ID} is DELETE_IN_PROGRESS; no HSMs.`);
  });
  test.each(['0', '33', '2.5', 'two'])('HsmCount %p is refused', async (count) => {
    fakeAccount(activated());
    await expect(onEvent(event(TYPE, 'Create', { ...props(2), HsmCount: count }), clientsAt()))
      .rejects.toThrow(`HsmCount must be a whole number from 1 to 32; got '${count}'.`);
  });
  test('a ClusterId that is neither an id nor an ARN is refused', async () => {
    fakeAccount(activated());
    await expect(onEvent(event(TYPE, 'Create', props(2, 'RETAIN', 'my-cluster')), clientsAt()))
      .rejects.toThrow('\'my-cluster\' is not a CloudHSM cluster id (cluster-[2-7a-zA-Z]{11,16}) or cluster ARN.');
  });
  test('surfaces access denied with the missing permission', async () => {
    fakeAccount(activated());
    cloudhsm.on(CreateHsmCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'CloudHsmAccessDeniedException' }));
    await expect(onEvent(event(TYPE, 'Create', props(2)), clientsAt()))
      .rejects.toThrow('cloudhsm:CreateHsm was denied (CloudHsmAccessDeniedException): the custom resource\'s role, or a key or resource policy, SCP or '
        + 'permissions boundary, does not allow it. User is not authorized');
  });
});

describe('HSMs are added only once the cluster is ACTIVE', () => {
  // The cluster is activated on its first HSM, then HSMs are added
  // (https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html, add-hsm.html).
  test('the fake CloudHSM refuses a second HSM before activation, as CloudHSM does', async () => {
    fakeAccount(initialized());
    await expect(clientsAt().cloudhsm.send(new CreateHsmCommand({ ClusterId: CLUSTER_ID, AvailabilityZone: 'us-east-1b' })))
      .rejects.toThrow(`The cluster ${CLUSTER_ID} already contains an HSM but has not yet been fully activated.`);
  });
  test('on an INITIALIZED cluster, create calls no CreateHsm and records that it awaits the activation', async () => {
    fakeAccount(initialized());
    const result = await onEvent(event(TYPE, 'Create', props(3)), clientsAt());
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);
    expect(result.Data).toEqual(expect.objectContaining({ HsmIds: 'hsm-first', AwaitingActivation: 'true' }));
  });
  test('isComplete waits while the cluster is INITIALIZED, then adds the missing HSMs once, then completes when they are ACTIVE', async () => {
    const account = fakeAccount(initialized());
    const e = event(TYPE, 'Create', props(3));
    const waiting = completing(e, await onEvent(e, clientsAt()));
    expect(await isComplete(waiting, clientsAt(minutes(5)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);

    account.cluster!.State = 'ACTIVE';
    expect(await isComplete(waiting, clientsAt(minutes(10)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(CreateHsmCommand).map((c) => c.args[0].input.AvailabilityZone)).toEqual(['us-east-1b', 'us-east-1c']);
    // A repeated poll counts the HSMs being created: nothing more is created.
    expect(await isComplete(waiting, clientsAt(minutes(11)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(2);

    settle(account);
    expect(await isComplete(waiting, clientsAt(minutes(30)))).toEqual({
      IsComplete: true, Data: { ClusterId: CLUSTER_ID, HsmIds: 'hsm-first,hsm-new1,hsm-new2' },
    });
  });
  test('a cluster never activated ends the wait with what to do', async () => {
    fakeAccount(initialized());
    const e = event(TYPE, 'Create', props(2));
    const waiting = completing(e, await onEvent(e, clientsAt()));
    await expect(isComplete(waiting, clientsAt(minutes(56)))).rejects.toThrow(
      `Cannot add HSMs to cluster ${CLUSTER_ID}: CloudHSM adds HSMs only to an ACTIVE cluster; now cluster ${CLUSTER_ID} is INITIALIZED; `
      + 'HSMs: hsm-first in us-east-1a ACTIVE. With ClusterActivation.manual(), activate the cluster on its first HSM with CloudHSM CLI '
      + '(cluster activate) and create kmsuser (user create) within 55 minutes of the deployment, or deploy first with hsmCount: 1 '
      + '(allowSingleHsm: true), activate, then deploy again with the HSM count you want.');
  });
  test('a count that needs no new HSM completes on an INITIALIZED cluster (allowSingleHsm)', async () => {
    fakeAccount(initialized());
    const e = event(TYPE, 'Create', props(1));
    const result = await onEvent(e, clientsAt());
    expect(result.Data!.AwaitingActivation).toBeUndefined();
    expect(await isComplete(completing(e, result), clientsAt(minutes(1)))).toEqual({
      IsComplete: true, Data: { ClusterId: CLUSTER_ID, HsmIds: 'hsm-first' },
    });
  });
});

describe('isComplete after create', () => {
  async function started(count = 2) {
    const account = fakeAccount(activated());
    const e = event(TYPE, 'Create', props(count));
    return { account, waiting: completing(e, await onEvent(e, clientsAt())) };
  }

  test('waits while an HSM is CREATE_IN_PROGRESS', async () => {
    const { waiting } = await started();
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
  });
  test('is complete when every expected HSM is ACTIVE, with the HSM ids', async () => {
    const { account, waiting } = await started();
    settle(account);
    expect(await isComplete(waiting, clientsAt(minutes(15)))).toEqual({
      IsComplete: true, Data: { ClusterId: CLUSTER_ID, HsmIds: 'hsm-first,hsm-new1' },
    });
  });
  test.each(['DEGRADED', 'REPAIR_IN_PROGRESS'])('tolerates an HSM state %p by waiting', async (state) => {
    const { account, waiting } = await started();
    account.cluster!.Hsms![1].State = state;
    expect(await isComplete(waiting, clientsAt(minutes(5)))).toEqual({ IsComplete: false });
  });
  test('tolerates a cluster state it does not know by waiting', async () => {
    const { account, waiting } = await started();
    account.cluster!.State = 'MODIFY_IN_PROGRESS';
    expect(await isComplete(waiting, clientsAt(minutes(5)))).toEqual({ IsComplete: false });
  });
  test('an HSM not listed yet right after CreateHsm is waited for', async () => {
    const { account, waiting } = await started();
    account.cluster!.Hsms = account.cluster!.Hsms!.slice(0, 1);
    expect(await isComplete(waiting, clientsAt(minutes(2)))).toEqual({ IsComplete: false });
  });
  test('an HSM that disappeared (its creation failed) ends the wait with the states', async () => {
    const { account, waiting } = await started();
    account.cluster!.Hsms = account.cluster!.Hsms!.slice(0, 1);
    await expect(isComplete(waiting, clientsAt(minutes(10))))
      .rejects.toThrow(`HSM hsm-new1 is no longer in cluster ${CLUSTER_ID}: its creation failed or it was deleted; deploy again to create a new one. `
        + `Now: cluster ${CLUSTER_ID} is ACTIVE; HSMs: hsm-first in us-east-1a ACTIVE.`);
  });
  test('an expected HSM being deleted ends the wait', async () => {
    const { account, waiting } = await started();
    account.cluster!.Hsms![1].State = 'DELETE_IN_PROGRESS';
    await expect(isComplete(waiting, clientsAt(minutes(3)))).rejects.toThrow(/^HSM hsm-new1 is being deleted while cluster cluster-abcdefghijk should keep it/);
  });
  test('the deadline ends the wait with a message that names the cluster and each HSM\'s state', async () => {
    const { account, waiting } = await started();
    account.cluster!.Hsms![1].StateMessage = 'Waiting for capacity';
    await expect(isComplete(waiting, clientsAt(minutes(56))))
      .rejects.toThrow('Timed out waiting for 2 ACTIVE HSM(s) (hsm-first, hsm-new1): cluster cluster-abcdefghijk is ACTIVE; HSMs: '
        + 'hsm-first in us-east-1a ACTIVE, hsm-new1 in us-east-1b CREATE_IN_PROGRESS (Waiting for capacity). HSM creation usually takes '
        + '10 to 20 minutes; deploy again to resume, the HSMs already created are kept.');
  });
});

describe('update', () => {
  const three = () => newCluster('ACTIVE', [
    hsm('hsm-a', 'us-east-1a', 'ACTIVE'), hsm('hsm-b', 'us-east-1b', 'ACTIVE'), hsm('hsm-c', 'us-east-1b', 'ACTIVE'),
  ]);
  test('scaling up adds HSMs', async () => {
    fakeAccount(newCluster('ACTIVE', [hsm('hsm-a', 'us-east-1a', 'ACTIVE'), hsm('hsm-b', 'us-east-1b', 'ACTIVE')]));
    const result = await onEvent(event(TYPE, 'Update', props(3), `${CLUSTER_ID}/hsms`, props(2)), clientsAt());
    expect(cloudhsm.commandCalls(CreateHsmCommand).map((c) => c.args[0].input.AvailabilityZone)).toEqual(['us-east-1c']);
    expect(result.PhysicalResourceId).toBe(`${CLUSTER_ID}/hsms`);
    expect(result.Data!.HsmIds).toBe('hsm-a,hsm-b,hsm-new1');
  });
  test('scaling down deletes from the zone with the most HSMs and waits until they are gone', async () => {
    const account = fakeAccount(three());
    const e = event(TYPE, 'Update', props(2), `${CLUSTER_ID}/hsms`, props(3));
    const result = await onEvent(e, clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand).map((c) => c.args[0].input)).toEqual([{ ClusterId: CLUSTER_ID, HsmId: 'hsm-c' }]);
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);
    expect(result.Data).toEqual(expect.objectContaining({ HsmIds: 'hsm-a,hsm-b', DeletingHsmIds: 'hsm-c' }));
    const waiting = completing(e, result);
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    settle(account);
    expect(await isComplete(waiting, clientsAt(minutes(6)))).toEqual({ IsComplete: true, Data: { ClusterId: CLUSTER_ID, HsmIds: 'hsm-a,hsm-b' } });
  });
  test('scaling down prefers an HSM that is not ACTIVE', async () => {
    const cluster = three();
    cluster.Hsms![1].State = 'DEGRADED';
    fakeAccount(cluster);
    await onEvent(event(TYPE, 'Update', props(2), `${CLUSTER_ID}/hsms`, props(3)), clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand).map((c) => c.args[0].input.HsmId)).toEqual(['hsm-b']);
  });
  test('a new cluster id gives a new physical id (CloudFormation then deletes the old one)', async () => {
    fakeAccount(activated());
    const result = await onEvent(event(TYPE, 'Update', props(2), 'cluster-zzzzzzzzzzz/hsms', props(2, 'RETAIN', 'cluster-zzzzzzzzzzz')), clientsAt());
    expect(result.PhysicalResourceId).toBe(`${CLUSTER_ID}/hsms`);
  });
});

describe('delete', () => {
  test('with RETAIN leaves the HSMs alone and is complete at once', async () => {
    fakeAccount(activated());
    const e = event(TYPE, 'Delete', props(2, 'RETAIN'), `${CLUSTER_ID}/hsms`);
    const result = await onEvent(e, clientsAt());
    expect(cloudhsm.calls()).toHaveLength(0);
    expect(kms.calls()).toHaveLength(0);
    expect(await isComplete(completing(e, result), clientsAt())).toEqual({ IsComplete: true });
  });
  test('with DESTROY deletes every HSM of the cluster and waits until none is left', async () => {
    const account = fakeAccount(newCluster('ACTIVE', [hsm('hsm-a', 'us-east-1a', 'ACTIVE'), hsm('hsm-b', 'us-east-1b', 'ACTIVE')]));
    const e = event(TYPE, 'Delete', props(2, 'DESTROY'), `${CLUSTER_ID}/hsms`);
    const result = await onEvent(e, clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand).map((c) => c.args[0].input.HsmId)).toEqual(['hsm-a', 'hsm-b']);
    const waiting = completing(e, result);
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    settle(account);
    expect(await isComplete(waiting, clientsAt(minutes(5)))).toEqual({ IsComplete: true });
  });
  test('with DESTROY is refused while a KMS custom key store uses the cluster, before deleting anything', async () => {
    fakeAccount(activated());
    kms.on(DescribeCustomKeyStoresCommand)
      .resolvesOnce({ CustomKeyStores: [{ CustomKeyStoreId: 'cks-other', CloudHsmClusterId: 'cluster-zzzzzzzzzzz' }], Truncated: true, NextMarker: 'm1' })
      .resolvesOnce({ CustomKeyStores: [{ CustomKeyStoreId: 'cks-1234567890abcdef0', CloudHsmClusterId: CLUSTER_ID }], Truncated: false });
    await expect(onEvent(event(TYPE, 'Delete', props(2, 'DESTROY'), `${CLUSTER_ID}/hsms`), clientsAt()))
      .rejects.toThrow(`CloudHSM cluster ${CLUSTER_ID} is used by the KMS custom key store(s) cks-1234567890abcdef0: its HSMs are not deleted, `
        + 'as every KMS key in those stores would become unusable. Delete the custom key store(s) first (schedule deletion of their keys, '
        + 'disconnect, DeleteCustomKeyStore), or keep the cluster with RemovalPolicy.RETAIN.');
    expect(kms.commandCalls(DescribeCustomKeyStoresCommand)[1].args[0].input).toEqual({ Marker: 'm1' });
    expect(cloudhsm.commandCalls(DeleteHsmCommand)).toHaveLength(0);
  });
  test('with DESTROY succeeds when the cluster is already gone', async () => {
    fakeAccount(undefined);
    const e = event(TYPE, 'Delete', props(2, 'DESTROY'), `${CLUSTER_ID}/hsms`);
    const result = await onEvent(e, clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand)).toHaveLength(0);
    expect(await isComplete(completing(e, result), clientsAt())).toEqual({ IsComplete: true });
  });
  test('with DESTROY, an HSM already deleted by someone else is fine', async () => {
    const account = fakeAccount(activated());
    cloudhsm.on(DeleteHsmCommand).callsFake(() => {
      account.cluster!.Hsms = [];
      throw Object.assign(new Error('HSM not found'), { name: 'CloudHsmResourceNotFoundException' });
    });
    const e = event(TYPE, 'Delete', props(2, 'DESTROY'), `${CLUSTER_ID}/hsms`);
    const result = await onEvent(e, clientsAt());
    expect(await isComplete(completing(e, result), clientsAt())).toEqual({ IsComplete: true });
  });
  test('a repeated DESTROY delete deletes nothing twice', async () => {
    fakeAccount(activated());
    const e = event(TYPE, 'Delete', props(2, 'DESTROY'), `${CLUSTER_ID}/hsms`);
    await onEvent(e, clientsAt());
    await onEvent(e, clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand)).toHaveLength(1);
  });
  test('the delete of a create that never returned (physical id = request id) uses the ClusterId property', async () => {
    fakeAccount(activated());
    await onEvent(event(TYPE, 'Delete', props(2, 'DESTROY'), 'request-id'), clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand).map((c) => c.args[0].input)).toEqual([{ ClusterId: CLUSTER_ID, HsmId: 'hsm-first' }]);
  });
  test('the deadline ends a DESTROY wait with the states', async () => {
    fakeAccount(activated());
    const e = event(TYPE, 'Delete', props(2, 'DESTROY'), `${CLUSTER_ID}/hsms`);
    const result = await onEvent(e, clientsAt());
    await expect(isComplete(completing(e, result), clientsAt(minutes(60))))
      .rejects.toThrow(`Timed out waiting for the HSMs of cluster ${CLUSTER_ID} to be deleted: cluster ${CLUSTER_ID} is ACTIVE; `
        + 'HSMs: hsm-first in us-east-1a DELETE_IN_PROGRESS. Deploy or delete again to resume.');
  });
});

describe('placement', () => {
  test('new HSMs go to the zones with the fewest', () => {
    expect(chooseZones(['a', 'b', 'c'], [hsm('h1', 'a', 'ACTIVE'), hsm('h2', 'a', 'ACTIVE'), hsm('h3', 'b', 'ACTIVE')], 3)).toEqual(['c', 'b', 'c']);
  });
  test('a cluster without zones cannot place an HSM', () => {
    expect(() => chooseZones([], [], 1)).toThrow('The cluster has no subnets (SubnetMapping is empty): there is no Availability Zone to create an HSM in.');
  });
  test('deletions keep the zones balanced', () => {
    const live = [hsm('h1', 'a', 'ACTIVE'), hsm('h2', 'a', 'ACTIVE'), hsm('h3', 'a', 'ACTIVE'), hsm('h4', 'b', 'ACTIVE')];
    expect(chooseForDeletion(live, 2).map((h) => h.HsmId)).toEqual(['h3', 'h2']);
  });
});

describe('dispatch', () => {
  test('a resource type the handlers do not serve is refused', async () => {
    await expect(onEvent(event('Custom::Other', 'Create', {}), clientsAt()))
      .rejects.toThrow('This handler serves Custom::KmiCloudHsmHsms and Custom::KmiCloudHsmInitialization, not Custom::Other.');
    await expect(isComplete({ ...event('Custom::Other', 'Create', {}), PhysicalResourceId: 'x' }, clientsAt()))
      .rejects.toThrow('This handler serves Custom::KmiCloudHsmHsms and Custom::KmiCloudHsmInitialization, not Custom::Other.');
  });
});

describe('throttling', () => {
  test('is retried by the SDK\'s standard retry strategy (real client, fake HTTP)', async () => {
    fakeAccount(activated());
    cloudhsm.restore();
    const sent: string[] = [];
    const responses = [
      jsonResponse(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException'),
      jsonResponse(200, { Clusters: [activated()] }),
      jsonResponse(200, { Hsm: hsm('hsm-new1', 'us-east-1b', 'CREATE_IN_PROGRESS') }),
    ];
    const real = new CloudHSMV2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: HttpRequest) => {
          sent.push(String(request.headers['x-amz-target']));
          return { response: responses.shift()! };
        },
      },
    });
    const result = await onEvent(event(TYPE, 'Create', props(2)), { ...clientsAt(), cloudhsm: real });
    expect(sent).toEqual(['BaldrApiService.DescribeClusters', 'BaldrApiService.DescribeClusters', 'BaldrApiService.CreateHsm']);
    expect(result.Data!.HsmIds).toBe('hsm-first,hsm-new1');
  });
});

describe('request shapes', () => {
  test('DescribeClusters filters on the one cluster', async () => {
    fakeAccount(activated());
    await onEvent(event(TYPE, 'Create', props(2)), clientsAt());
    expect(cloudhsm.commandCalls(DescribeClustersCommand)[0].args[0].input).toEqual({ Filters: { clusterIds: [CLUSTER_ID] } });
  });
});
