/**
 * Custom resource handler (Provider framework `onEvent`) for `Custom::KmiCloudHsmActivation`: starts
 * the activation of a CloudHSM cluster on the client instance; `is-complete.lambda.ts`
 * waits for it.
 *
 * - Create and Update: checks the cluster (INITIALIZED, or ACTIVE: then the document only checks
 *   `kmsuser`), starts the client instance if it is stopped, and sends the activation command
 *   document with identifiers only (never a password), retrying while the instance's SSM agent has
 *   not registered yet. The `ACTIVATE` phase runs while the cluster has its first HSM only (the
 *   construct adds the others after it); the `CHECK_COVERAGE` phase runs once the other HSMs are ACTIVE
 *   and needs the cluster ACTIVE: it gives the document every HSM, so that `user list` covers them all. A client still stopping is waited for, then started. A client terminated after an earlier activation of a cluster that is now
 *   ACTIVE leaves nothing to do.
 * - Delete: nothing to undo on the HSMs; the secrets follow their removal policy.
 *
 * This handler never reads a secret: only the client instance may.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeInstancesCommand, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ActivationClients, activationClients } from './activation-calls';
import { ActivationData, ActivationProperties, physicalId } from './resource-properties';
import { call, errorName, OnEventResult } from '../../../private/handler-kit';

/** How long to wait in one invocation (the clients' clock tells the time and waits). Tests replace it. */
export interface Waiting {
  /** How long to keep retrying SendCommand while the instance has not registered with Systems Manager. */
  readonly registrationTimeoutMs: number;
  /** Pause between two tries. */
  readonly retryIntervalMs: number;
}

/** The function times out after 15 minutes; an instance registers within a few. */
const DEFAULT_WAITING: Waiting = {
  registrationTimeoutMs: 12 * 60_000,
  retryIntervalMs: 15_000,
};

/** Cluster states in which the document can run. */
const RUNNABLE_STATES = ['INITIALIZED', 'ACTIVE'];

/** How long Systems Manager may take to deliver the command to the instance. */
const DELIVERY_TIMEOUT_SECONDS = 600;

export async function onEvent(
  event: CloudFormationCustomResourceEvent, clients: ActivationClients = activationClients(), waiting: Waiting = DEFAULT_WAITING,
): Promise<OnEventResult<ActivationData>> {
  const props = event.ResourceProperties as unknown as ActivationProperties;
  if (event.RequestType === 'Delete') {
    // Activation cannot be undone and kmsuser stays for the key store; the secrets keep their removal policy.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const id = physicalId(props.ClusterId, props.Phase);
  const cluster = await describeCluster(clients, props.ClusterId);
  const state = cluster.State ?? 'UNKNOWN';
  if (props.Phase === 'CHECK_COVERAGE' && state !== 'ACTIVE') {
    // The check follows the activation, which completes only once DescribeClusters reports ACTIVE.
    throw new Error(`CloudHSM cluster ${props.ClusterId} is ${state}: the kmsuser coverage check runs on an ACTIVE cluster, after the `
      + 'activation. Activate the cluster first, then deploy again.');
  }
  if (!RUNNABLE_STATES.includes(state)) {
    throw new Error(`CloudHSM cluster ${props.ClusterId} is ${state}: activation needs it INITIALIZED (or ACTIVE, to check kmsuser). `
      + 'Initialize it first (InitializeCluster with the signed cluster certificate), then deploy again.');
  }
  const addresses = (cluster.Hsms ?? []).filter((hsm) => hsm.State === 'ACTIVE' && hsm.EniIp).map((hsm) => hsm.EniIp!);
  if (addresses.length === 0) {
    throw new Error(`CloudHSM cluster ${props.ClusterId} has no ACTIVE HSM with an IP address: activation needs at least one. `
      + 'Wait for its HSMs to become ACTIVE, then deploy again.');
  }
  const refused = await startClient(clients, props.InstanceId, waiting);
  if (refused) {
    if (state === 'ACTIVE') {
      // The client was terminated after it activated this cluster: nothing is left to do.
      return { PhysicalResourceId: id, Data: { ClusterId: props.ClusterId } };
    }
    throw new Error(`The activation client ${props.InstanceId} cannot be started (${refused}) and CloudHSM cluster ${props.ClusterId} is ${state}: `
      + 'nothing can run the activation. Activate the cluster by hand (the commands are those of ClusterActivation.manual()), '
      + 'or have CloudFormation replace the client instance, then deploy again.');
  }
  const commandId = await sendCommand(clients, props, state, addresses, event.RequestId, waiting);
  return { PhysicalResourceId: id, Data: { CommandId: commandId, ClusterId: props.ClusterId } };
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);

async function describeCluster(clients: ActivationClients, clusterId: string) {
  const described = await call('cloudhsm:DescribeClusters', () => clients.cloudhsm.send(new DescribeClustersCommand({
    Filters: { clusterIds: [clusterId] },
  })));
  const cluster = (described.Clusters ?? []).find((c) => c.ClusterId === clusterId);
  if (!cluster) {
    throw new Error(`CloudHSM cluster ${clusterId} was not found in this account and Region.`);
  }
  return cluster;
}

/**
 * Starts the client if it is stopped (a client stopped after an earlier activation). Returns why
 * EC2 refused when the instance cannot be started (terminated, or gone), undefined otherwise.
 *
 * StartInstances refuses an instance that is still `stopping` with IncorrectInstanceState, as it refuses
 * a terminated one (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html:
 * "IncorrectInstanceState: The instance is in an incorrect state for the requested action"); only a
 * `stopped` instance can be started (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html).
 * So the state is read with DescribeInstances: a stopping client is waited for and started once stopped,
 * never taken for a terminated one.
 */
async function startClient(clients: ActivationClients, instanceId: string, waiting: Waiting): Promise<string | undefined> {
  const deadline = clients.clock.now() + waiting.registrationTimeoutMs;
  for (;;) {
    try {
      await call('ec2:StartInstances', () => clients.ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] })));
      return undefined;
    } catch (error) {
      const name = errorName(error);
      if (name === 'InvalidInstanceID.NotFound') {
        return `${name}: ${(error as Error).message}`;
      }
      if (name !== 'IncorrectInstanceState') {
        throw error;
      }
      const state = await instanceState(clients, instanceId);
      // `stopped`: it stopped between the two calls, and can be started now.
      if (state !== 'stopping' && state !== 'stopped') {
        return `${name}: ${(error as Error).message} (instance state ${state ?? 'unknown'})`;
      }
      if (clients.clock.now() >= deadline) {
        throw new Error(`The activation client ${instanceId} is still ${state} after ${Math.round(waiting.registrationTimeoutMs / 60_000)} `
          + 'minutes, so it cannot be started to run the activation. Wait until it is stopped, then deploy again.');
      }
      await clients.clock.sleep(waiting.retryIntervalMs);
    }
  }
}

/** The instance's state name (`stopping`, `terminated`...), or undefined if EC2 no longer lists it. */
async function instanceState(clients: ActivationClients, instanceId: string): Promise<string | undefined> {
  try {
    const described = await call('ec2:DescribeInstances', () => clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
    return described.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId)?.State?.Name;
  } catch (error) {
    if (errorName(error) === 'InvalidInstanceID.NotFound') {
      return undefined;
    }
    throw error;
  }
}

async function sendCommand(
  clients: ActivationClients, props: ActivationProperties, state: string, addresses: string[], requestId: string, waiting: Waiting,
): Promise<string> {
  const deadline = clients.clock.now() + waiting.registrationTimeoutMs;
  const input = {
    DocumentName: props.DocumentName,
    InstanceIds: [props.InstanceId],
    Comment: `cdk-kmi: activate ${props.ClusterId}`.slice(0, 100),
    TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
    Parameters: {
      ClusterId: [props.ClusterId],
      ClusterState: [state],
      HsmIpAddresses: [addresses.join(' ')],
      AdminPasswordSecretArn: [props.AdminPasswordSecretArn],
      KmsUserPasswordSecretArn: [props.KmsUserPasswordSecretArn],
      TrustAnchorParameterName: [props.TrustAnchorParameterName],
      PackageUrl: [props.PackageUrl],
      Region: [await clients.ssm.config.region()],
      RunId: [requestId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'run'],
    },
  };
  for (;;) {
    try {
      const sent = await call('ssm:SendCommand', () => clients.ssm.send(new SendCommandCommand(input)));
      return sent.Command!.CommandId!;
    } catch (error) {
      // A new (or just started) instance is unknown to Systems Manager until its agent registers.
      if ((error as Error).name !== 'InvalidInstanceId' || clients.clock.now() >= deadline) {
        if ((error as Error).name === 'InvalidInstanceId') {
          throw new Error(`The activation client ${props.InstanceId} did not register with Systems Manager within `
            + `${Math.round(waiting.registrationTimeoutMs / 60_000)} minutes: its subnet needs a route to the ssm, ssmmessages and `
            + 'ec2messages endpoints (a NAT gateway or VPC interface endpoints) and HTTPS egress in its security group.');
        }
        throw error;
      }
      await clients.clock.sleep(waiting.retryIntervalMs);
    }
  }
}
