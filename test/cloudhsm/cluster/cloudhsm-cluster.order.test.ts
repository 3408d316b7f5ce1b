/**
 * The order in which CloudFormation creates the cluster's custom resources, replayed against fakes that
 * enforce each step's documented precondition:
 * - InitializeCluster needs the first HSM (the CSR exists only then; initialize-cluster.html);
 * - `cluster activate` runs on the first HSM of an INITIALIZED cluster (activate-cluster.html);
 * - CreateHsm refuses a second HSM before the cluster is ACTIVE (the fake of ./handler/fakes.ts,
 *   terraform-provider-aws issue 7437); the real HSMs handler runs here;
 * - the kmsuser coverage check needs every HSM ACTIVE;
 * - CreateCustomKeyStore needs an ACTIVE cluster with two ACTIVE HSMs in different zones
 *   (CloudHsmClusterNotActiveException, CloudHsmClusterInvalidConfigurationException:
 *   https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html).
 * The order comes from the synthesized template (DependsOn, Ref and Fn::GetAtt), so a construct that
 * puts the HSMs before the activation, or the key store before either, fails here.
 */
import { CreateHsmCommand } from '@aws-sdk/client-cloudhsm-v2';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CLUSTER_ID, clientsAt, completing, event, fakeAccount, FakeAccount, newCluster, NOW, settle } from './handler/fakes';
import { ClusterActivation } from '../../../src/cloudhsm/activation/cluster-activation';
import { CloudHsmCluster } from '../../../src/cloudhsm/cluster/cloudhsm-cluster';
import { isComplete } from '../../../src/cloudhsm/cluster/handler/is-complete.lambda';
import { onEvent } from '../../../src/cloudhsm/cluster/handler/on-event.lambda';
import { CustomKeyStore, KeyStoreSource } from '../../../src/index';
import { newStack, synth } from '../../util/app';

/** The custom resources of a cluster and its key store, by logical id, in the order CloudFormation may create them. */
function creationOrder(template: Template): Array<{ id: string; type: string; props: Record<string, any> }> {
  const resources: Record<string, any> = template.toJSON().Resources;
  const dependsOn = (id: string): string[] => {
    const found = new Set<string>([resources[id].DependsOn ?? []].flat());
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (v && typeof v === 'object') {
        for (const [k, inner] of Object.entries(v)) {
          if (k === 'Ref' && typeof inner === 'string' && resources[inner]) found.add(inner);
          else if (k === 'Fn::GetAtt' && Array.isArray(inner) && resources[inner[0]]) found.add(inner[0]);
          else walk(inner);
        }
      }
    };
    walk(resources[id].Properties);
    return [...found];
  };
  const order: string[] = [];
  const visit = (id: string, path: string[] = []): void => {
    if (order.includes(id)) return;
    expect(path).not.toContain(id);
    dependsOn(id).forEach((d) => visit(d, [...path, id]));
    order.push(id);
  };
  Object.keys(resources).sort().forEach((id) => visit(id));
  return order.filter((id) => resources[id].Type.startsWith('Custom::Kmi'))
    .map((id) => ({ id, type: resources[id].Type, props: resources[id].Properties }));
}

const at = (minutes: number) => clientsAt(new Date(NOW.getTime() + minutes * 60_000));

/** Creates one custom resource to completion against the fake account; throws what the step's precondition says. */
async function create(account: FakeAccount, resource: { type: string; props: Record<string, any> }, hsmCount: number): Promise<void> {
  const cluster = account.cluster!;
  const activeHsms = () => (cluster.Hsms ?? []).filter((h) => h.State === 'ACTIVE');
  switch (resource.type) {
    case 'Custom::KmiCloudHsmInitialization':
      // The initialization creates the first HSM (CreateHsm on an empty cluster), signs the CSR and initializes.
      await at(0).cloudhsm.send(new CreateHsmCommand({ ClusterId: CLUSTER_ID, AvailabilityZone: 'us-east-1a' }));
      settle(account);
      cluster.State = 'INITIALIZED';
      return;
    case 'Custom::KmiCloudHsmActivation':
      if (resource.props.Phase === 'CHECK_COVERAGE') {
        if (cluster.State !== 'ACTIVE' || activeHsms().length !== hsmCount) {
          throw new Error(`coverage check before every HSM is ACTIVE: ${cluster.State}, ${activeHsms().length} ACTIVE HSM(s)`);
        }
        return;
      }
      if (cluster.State !== 'INITIALIZED' || activeHsms().length !== 1) {
        throw new Error(`cluster activate needs an INITIALIZED cluster with its first HSM: ${cluster.State}, ${activeHsms().length} HSM(s)`);
      }
      cluster.State = 'ACTIVE';
      return;
    case 'Custom::KmiCloudHsmHsms': {
      const e = event(resource.type, 'Create', { ClusterId: CLUSTER_ID, HsmCount: resource.props.HsmCount, RemovalPolicy: 'RETAIN' });
      const waiting = completing(e, await onEvent(e, at(0)));
      for (let minute = 1; ; minute += 1) {
        const done = await isComplete(waiting, at(minute));
        if (done.IsComplete) return;
        settle(account);
      }
    }
    case 'Custom::KmiCustomKeyStore': {
      const zones = new Set(activeHsms().map((h) => h.AvailabilityZone));
      if (cluster.State !== 'ACTIVE') throw new Error('CloudHsmClusterNotActiveException');
      if (zones.size < 2) throw new Error('CloudHsmClusterInvalidConfigurationException: two ACTIVE HSMs in different zones');
      return;
    }
    default:
      throw new Error(`no stand-in for ${resource.type}`);
  }
}

function clusterWithStore(activation?: ClusterActivation) {
  const stack = newStack();
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
  });
  const cluster = new CloudHsmCluster(stack, 'Hsm', { vpc, activation });
  const kmsUserPassword = activation ? secretsmanager.Secret.fromSecretNameV2(stack, 'KmsUserPassword', 'cloudhsm/kmsuser') : undefined;
  new CustomKeyStore(stack, 'Store', { source: KeyStoreSource.cloudHsm({ cluster, kmsUserPassword }) });
  return synth(stack);
}

describe('deployment order', () => {
  test('the template creates initialization, activation on the first HSM, the other HSMs, the coverage check, then the key store', async () => {
    const order = creationOrder(clusterWithStore());
    expect(order.map((r) => `${r.type}${r.props.Phase ? `/${r.props.Phase}` : ''}`)).toEqual([
      'Custom::KmiCloudHsmInitialization',
      'Custom::KmiCloudHsmActivation/ACTIVATE',
      'Custom::KmiCloudHsmHsms',
      'Custom::KmiCloudHsmActivation/CHECK_COVERAGE',
      'Custom::KmiCustomKeyStore',
    ]);
    const account = fakeAccount(newCluster('UNINITIALIZED'));
    for (const resource of order) {
      await create(account, resource, 2);
    }
    expect(account.cluster!.State).toBe('ACTIVE');
    expect(account.cluster!.Hsms!.map((h) => h.State)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  test('the order before this fix (HSMs before the activation) fails against the same fakes', async () => {
    const order = creationOrder(clusterWithStore());
    const byType = (type: string, phase?: string) => order.find((r) => r.type === type && r.props.Phase === phase)!;
    const old = [
      byType('Custom::KmiCloudHsmInitialization'),
      byType('Custom::KmiCloudHsmHsms'),
      byType('Custom::KmiCloudHsmActivation', 'ACTIVATE'),
    ];
    const account = fakeAccount(newCluster('UNINITIALIZED'));
    await expect((async () => {
      for (const resource of old) {
        await create(account, resource, 2);
      }
    })()).rejects.toThrow(`Cannot add HSMs to cluster ${CLUSTER_ID}: CloudHSM adds HSMs only to an ACTIVE cluster`);
    expect(account.cluster!.Hsms).toHaveLength(1);
  });

  test('with ClusterActivation.manual(), the HSMs resource comes after the initialization and waits for the person who activates', async () => {
    const order = creationOrder(clusterWithStore(ClusterActivation.manual()));
    expect(order.map((r) => r.type)).toEqual(['Custom::KmiCloudHsmInitialization', 'Custom::KmiCloudHsmHsms', 'Custom::KmiCustomKeyStore']);
    const account = fakeAccount(newCluster('UNINITIALIZED'));
    await create(account, order[0], 2);
    const hsms = order[1];
    const e = event(hsms.type, 'Create', { ClusterId: CLUSTER_ID, HsmCount: hsms.props.HsmCount, RemovalPolicy: 'RETAIN' });
    const waiting = completing(e, await onEvent(e, at(0)));
    expect(await isComplete(waiting, at(10))).toEqual({ IsComplete: false });
    account.cluster!.State = 'ACTIVE'; // cluster activate with CloudHSM CLI
    expect(await isComplete(waiting, at(20))).toEqual({ IsComplete: false });
    settle(account);
    expect((await isComplete(waiting, at(40))).IsComplete).toBe(true);
    await create(account, order[2], 2);
  });
});
