/**
 * Custom resource handler (Provider framework `isComplete`) for `Custom::KmiCloudHsmActivation`:
 * polls the activation command, step by step, until every step succeeded or one failed.
 *
 * - A step that failed, timed out or was cancelled fails the resource with a message that names the
 *   step, its status and what to check, plus the step's own `KMI: ` diagnostic line. The raw output
 *   of the tools is never surfaced (the document redacts passwords from it, and this handler does not
 *   pass it on either).
 * - Once every step succeeded and DescribeClusters reports the cluster ACTIVE, the client instance is
 *   stopped or terminated, as the construct asked, after the last phase (`CHECK_COVERAGE`): the
 *   `ACTIVATE` phase keeps it for the check that follows once the other HSMs are added.
 * - Delete, and a Create or Update that had nothing to run, are complete at once.
 */
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, GetCommandInvocationCommandOutput } from '@aws-sdk/client-ssm';
import { ActivationClients, activationClients } from './activation-calls';
import { ActivationData, ActivationProperties } from './resource-properties';
import { call, IsCompleteEvent as KitIsCompleteEvent, IsCompleteResult } from '../../../private/handler-kit';
import { ACTIVATION_STEPS, ActivationStep, DIAGNOSTIC_PREFIX } from '../cluster-activation-steps';

/** The event isComplete receives: the CloudFormation event plus what onEvent returned. */
export type IsCompleteEvent = KitIsCompleteEvent<ActivationData>;

/** Invocation statuses that are not final yet. */
const WAITING_STATUSES = ['Pending', 'InProgress', 'Delayed', 'Cancelling'];

/** Longest diagnostic surfaced from a step. */
const MAX_DIAGNOSTIC_LENGTH = 400;

export async function isComplete(event: IsCompleteEvent, clients: ActivationClients = activationClients()): Promise<IsCompleteResult> {
  const commandId = event.Data?.CommandId;
  if (event.RequestType === 'Delete' || !commandId) {
    return { IsComplete: true };
  }
  const props = event.ResourceProperties as unknown as ActivationProperties;
  for (const step of ACTIVATION_STEPS) {
    const invocation = await stepInvocation(clients, commandId, props.InstanceId, step);
    if (!invocation || WAITING_STATUSES.includes(invocation.Status ?? 'Pending')) {
      return { IsComplete: false };
    }
    if (invocation.Status !== 'Success') {
      throw new Error(failureMessage(props, commandId, step, invocation));
    }
  }
  // `cluster activate` returns before DescribeClusters reports the cluster ACTIVE, and the key store needs it
  // ACTIVE: CreateCustomKeyStore and ConnectCustomKeyStore refuse any other state with
  // CloudHsmClusterNotActiveException (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html).
  // AWS's own activation sample polls DescribeClusters until ACTIVE
  // (https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html: the cluster state changes to ACTIVE).
  const state = await clusterState(clients, props.ClusterId);
  if (state !== 'ACTIVE') {
    if (GONE_STATES.includes(state)) {
      throw new Error(`Activation of CloudHSM cluster ${props.ClusterId} ran, but the cluster is ${state}: it cannot become ACTIVE.`);
    }
    return { IsComplete: false };
  }
  if (props.Phase !== 'ACTIVATE') {
    await disposeClient(clients, props);
  }
  return { IsComplete: true };
}

/** Cluster states from which it never becomes ACTIVE. */
const GONE_STATES = ['DELETE_IN_PROGRESS', 'DELETED', 'UNKNOWN'];

/** The cluster's state as DescribeClusters reports it, `UNKNOWN` if it is not listed. */
async function clusterState(clients: ActivationClients, clusterId: string): Promise<string> {
  const described = await call('cloudhsm:DescribeClusters', () => clients.cloudhsm.send(new DescribeClustersCommand({
    Filters: { clusterIds: [clusterId] },
  })));
  return (described.Clusters ?? []).find((c) => c.ClusterId === clusterId)?.State ?? 'UNKNOWN';
}

/** Lambda entry point. */
export const handler = (event: IsCompleteEvent) => isComplete(event);

/** The invocation of one step, or undefined while Systems Manager does not know it yet. */
async function stepInvocation(clients: ActivationClients, commandId: string, instanceId: string, step: ActivationStep) {
  try {
    return await call('ssm:GetCommandInvocation', () => clients.ssm.send(new GetCommandInvocationCommand({
      CommandId: commandId,
      InstanceId: instanceId,
      PluginName: step.name,
    })));
  } catch (error) {
    // Right after SendCommand the invocation may not exist yet.
    if ((error as Error).name === 'InvocationDoesNotExist') {
      return undefined;
    }
    throw error;
  }
}

function failureMessage(props: ActivationProperties, commandId: string, step: ActivationStep, invocation: GetCommandInvocationCommandOutput): string {
  const details = invocation.StatusDetails && invocation.StatusDetails !== invocation.Status ? `, ${invocation.StatusDetails}` : '';
  const code = invocation.ResponseCode !== undefined && invocation.ResponseCode >= 0 ? `, exit code ${invocation.ResponseCode}` : '';
  const diagnostic = lastDiagnostic(invocation.StandardErrorContent) ?? lastDiagnostic(invocation.StandardOutputContent);
  return `Activation of CloudHSM cluster ${props.ClusterId} failed at step ${step.name} (${invocation.Status}${details}${code})`
    + `${diagnostic ? `: ${diagnostic}` : ''}. Check that ${step.check}. `
    + `Run Command ${commandId} on instance ${props.InstanceId} holds the step's output (passwords redacted).`;
}

/** The last line a step wrote for people (`KMI: ...`), shortened; nothing else of its output. */
function lastDiagnostic(output: string | undefined): string | undefined {
  const lines = (output ?? '').split('\n').filter((line) => line.startsWith(DIAGNOSTIC_PREFIX));
  const last = lines[lines.length - 1]?.slice(DIAGNOSTIC_PREFIX.length).trim();
  if (!last) {
    return undefined;
  }
  return last.length > MAX_DIAGNOSTIC_LENGTH ? `${last.slice(0, MAX_DIAGNOSTIC_LENGTH)}…` : last;
}

/** Stops or terminates the client once the activation succeeded, so that no instance idles. */
async function disposeClient(clients: ActivationClients, props: ActivationProperties): Promise<void> {
  switch (props.ClientAfterActivation) {
    case 'TERMINATE':
      await call('ec2:TerminateInstances', () => clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [props.InstanceId] })));
      return;
    case 'STOP':
      await call('ec2:StopInstances', () => clients.ec2.send(new StopInstancesCommand({ InstanceIds: [props.InstanceId] })));
      return;
    default:
      return;
  }
}
