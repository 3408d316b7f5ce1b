import { CloudHSMV2Client, DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTIVATION_STEPS } from '../../../../src/cloudhsm/activation/cluster-activation-steps';
import { ActivationClients } from '../../../../src/cloudhsm/activation/handler/activation-calls';
import type { IsCompleteEvent } from '../../../../src/cloudhsm/activation/handler/is-complete.lambda';
import { Waiting } from '../../../../src/cloudhsm/activation/handler/on-event.lambda';
import { Clock } from '../../../../src/private/handler-kit';

/** Fakes of the two activation handlers' tests: AWS mocks, events, a clock that advances by each sleep. */

export const CLUSTER = 'cluster-abcdefghijk';
export const INSTANCE = 'i-0123456789abcdef0';
export const COMMAND = '11111111-2222-3333-4444-555555555555';
export const ADMIN_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:AdminPassword-AbCdEf';
export const KMS_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:KmsUserPassword-GhIjKl';
/** A password as Secrets Manager would hold it; it must never reach anything the handlers send or return. */
export const PASSWORD = 'Kn0wnPassw0rdThatMustNeverLeak00';

export const PROPERTIES = {
  ServiceToken: 'token',
  ClusterId: CLUSTER,
  InstanceId: INSTANCE,
  DocumentName: 'TestStack-ActivationDocument-AbC123',
  AdminPasswordSecretArn: ADMIN_ARN,
  KmsUserPasswordSecretArn: KMS_ARN,
  TrustAnchorParameterName: '/kmi/cluster-abcdefghijk/trust-anchor',
  PackageUrl: 'https://s3.amazonaws.com/cloudhsmv2-software/CloudHsmClient/Amzn2023/cloudhsm-cli-latest.amzn2023.x86_64.rpm',
  ClientAfterActivation: 'TERMINATE',
};

// The CloudHSM client installed here (3.332) predates the Smithy types of aws-sdk-client-mock, hence the loose type.
export const cloudHsm: any = mockClient(CloudHSMV2Client as any);
export const ssm = mockClient(SSMClient);
export const ec2 = mockClient(EC2Client);
export const secrets = mockClient(SecretsManagerClient);
/** Waiting without waiting: a clock that advances by each sleep. */
export function fakeWaiting(timeoutMs = 60_000): Waiting & { slept: number[]; clock: Clock } {
  let now = 0;
  const slept: number[] = [];
  const clock: Clock = { now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
  return { registrationTimeoutMs: timeoutMs, retryIntervalMs: 15_000, clock, slept };
}

export const clients = (clock: Clock = fakeWaiting().clock): ActivationClients => ({
  cloudhsm: new CloudHSMV2Client({ region: 'us-east-1' }),
  ssm: new SSMClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  clock,
});

/** The handler's clients and waiting, sharing the fake clock. */
export function run(waiting = fakeWaiting()): [ActivationClients, Waiting] {
  return [clients(waiting.clock), waiting];
}

export function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string> = {}): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'aaaa-bbbb',
    LogicalResourceId: 'Activation',
    ResourceType: 'Custom::KmiCloudHsmActivation',
    ResourceProperties: { ...PROPERTIES, ...props },
  };
  if (type === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  if (type === 'Update') {
    return { ...base, RequestType: 'Update', PhysicalResourceId: `cloudhsm-activation:${CLUSTER}`, OldResourceProperties: PROPERTIES };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: `cloudhsm-activation:${CLUSTER}` };
}

export const RUNNING_COMMAND = { CommandId: COMMAND, ClusterId: CLUSTER };

export function completeEvent(props: Record<string, string> = {}, data: Record<string, string> = RUNNING_COMMAND): IsCompleteEvent {
  return { ...event('Create', props), PhysicalResourceId: `cloudhsm-activation:${CLUSTER}`, Data: data as any };
}

export function clusterIs(state: string, hsms: Array<{ State: string; EniIp?: string }> = [{ State: 'ACTIVE', EniIp: '10.0.1.10' }, { State: 'ACTIVE', EniIp: '10.0.2.10' }]) {
  const described = hsms.map((h, i) => ({ HsmId: `hsm-${i}`, ClusterId: CLUSTER, ...h }));
  cloudHsm.on(DescribeClustersCommand).resolves({ Clusters: [{ ClusterId: CLUSTER, State: state as any, Hsms: described as any }] });
}

/** Each step's invocation status, by step name. */
export function stepsAre(statuses: Record<string, Record<string, unknown>>) {
  for (const step of ACTIVATION_STEPS) {
    const answer = statuses[step.name] ?? { Status: 'Pending' };
    ssm.on(GetCommandInvocationCommand, { PluginName: step.name })
      .resolves({ CommandId: COMMAND, InstanceId: INSTANCE, PluginName: step.name, ...answer } as any);
  }
}

export function allStepsSucceeded() {
  stepsAre(Object.fromEntries(ACTIVATION_STEPS.map((s) => [s.name, { Status: 'Success', ResponseCode: 0 }])));
}

export const named = (name: string, message = name) => Object.assign(new Error(message), { name });

/** The client instance's state as DescribeInstances reports it, asked anew at each call. */
export function instanceIs(state: () => string): void {
  ec2.on(DescribeInstancesCommand).callsFake(() => ({ Reservations: [{ Instances: [{ InstanceId: INSTANCE, State: { Name: state() } }] }] }));
}

/** Resets the mocks to a running client that answers SendCommand (call it in beforeEach). */
export function resetFakes(): void {
  cloudHsm.reset();
  ssm.reset();
  ec2.reset();
  secrets.reset();
  // If a handler ever read a secret, it would get the known password.
  secrets.on(GetSecretValueCommand).resolves({ SecretString: PASSWORD });
  ec2.on(StartInstancesCommand).resolves({ StartingInstances: [{ InstanceId: INSTANCE, CurrentState: { Name: 'running' } }] });
  // An activated cluster, unless a test says otherwise.
  clusterIs('ACTIVE');
  // Only consulted when StartInstances refuses: a refused client is a terminated one unless a test says otherwise.
  instanceIs(() => 'terminated');
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND } });
}
