import { Readable } from 'node:stream';
import { CloudHSMV2Client, DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HttpResponse } from '@smithy/protocol-http';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTIVATION_STEPS } from '../../../../src/cloudhsm/activation/cluster-activation-steps';
import { ActivationClients } from '../../../../src/cloudhsm/activation/handler/activation-calls';
import { isComplete, IsCompleteEvent } from '../../../../src/cloudhsm/activation/handler/is-complete.lambda';
import { onEvent, Waiting } from '../../../../src/cloudhsm/activation/handler/on-event.lambda';
import { Clock } from '../../../../src/private/handler-kit';

const CLUSTER = 'cluster-abcdefghijk';
const INSTANCE = 'i-0123456789abcdef0';
const COMMAND = '11111111-2222-3333-4444-555555555555';
const ADMIN_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:AdminPassword-AbCdEf';
const KMS_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:KmsUserPassword-GhIjKl';
/** A password as Secrets Manager would hold it; it must never reach anything the handlers send or return. */
const PASSWORD = 'Kn0wnPassw0rdThatMustNeverLeak00';

const PROPERTIES = {
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
const cloudHsm: any = mockClient(CloudHSMV2Client as any);
const ssm = mockClient(SSMClient);
const ec2 = mockClient(EC2Client);
const secrets = mockClient(SecretsManagerClient);
/** Waiting without waiting: a clock that advances by each sleep. */
function fakeWaiting(timeoutMs = 60_000): Waiting & { slept: number[]; clock: Clock } {
  let now = 0;
  const slept: number[] = [];
  const clock: Clock = { now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
  return { registrationTimeoutMs: timeoutMs, retryIntervalMs: 15_000, clock, slept };
}

const clients = (clock: Clock = fakeWaiting().clock): ActivationClients => ({
  cloudhsm: new CloudHSMV2Client({ region: 'us-east-1' }),
  ssm: new SSMClient({ region: 'us-east-1' }),
  ec2: new EC2Client({ region: 'us-east-1' }),
  clock,
});

/** The handler's clients and waiting, sharing the fake clock. */
function run(waiting = fakeWaiting()): [ActivationClients, Waiting] {
  return [clients(waiting.clock), waiting];
}

function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string> = {}): CloudFormationCustomResourceEvent {
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

const RUNNING_COMMAND = { CommandId: COMMAND, ClusterId: CLUSTER };

function completeEvent(props: Record<string, string> = {}, data: Record<string, string> = RUNNING_COMMAND): IsCompleteEvent {
  return { ...event('Create', props), PhysicalResourceId: `cloudhsm-activation:${CLUSTER}`, Data: data as any };
}

function clusterIs(state: string, hsms: Array<{ State: string; EniIp?: string }> = [{ State: 'ACTIVE', EniIp: '10.0.1.10' }, { State: 'ACTIVE', EniIp: '10.0.2.10' }]) {
  const described = hsms.map((h, i) => ({ HsmId: `hsm-${i}`, ClusterId: CLUSTER, ...h }));
  cloudHsm.on(DescribeClustersCommand).resolves({ Clusters: [{ ClusterId: CLUSTER, State: state as any, Hsms: described as any }] });
}

/** Each step's invocation status, by step name. */
function stepsAre(statuses: Record<string, Record<string, unknown>>) {
  for (const step of ACTIVATION_STEPS) {
    const answer = statuses[step.name] ?? { Status: 'Pending' };
    ssm.on(GetCommandInvocationCommand, { PluginName: step.name })
      .resolves({ CommandId: COMMAND, InstanceId: INSTANCE, PluginName: step.name, ...answer } as any);
  }
}

function allStepsSucceeded() {
  stepsAre(Object.fromEntries(ACTIVATION_STEPS.map((s) => [s.name, { Status: 'Success', ResponseCode: 0 }])));
}

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

beforeEach(() => {
  cloudHsm.reset();
  ssm.reset();
  ec2.reset();
  secrets.reset();
  // If a handler ever read a secret, it would get the known password.
  secrets.on(GetSecretValueCommand).resolves({ SecretString: PASSWORD });
  ec2.on(StartInstancesCommand).resolves({ StartingInstances: [{ InstanceId: INSTANCE, CurrentState: { Name: 'running' } }] });
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: COMMAND } });
});

describe('create', () => {
  test('sends the activation document to the client with identifiers only, and returns the command id', async () => {
    clusterIs('INITIALIZED');
    const result = await onEvent(event('Create'), ...run(fakeWaiting()));
    expect(result).toEqual({ PhysicalResourceId: `cloudhsm-activation:${CLUSTER}`, Data: { CommandId: COMMAND, ClusterId: CLUSTER } });
    expect(cloudHsm.commandCalls(DescribeClustersCommand)[0].args[0].input).toEqual({ Filters: { clusterIds: [CLUSTER] } });
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input).toEqual({
      DocumentName: PROPERTIES.DocumentName,
      InstanceIds: [INSTANCE],
      Comment: `cdk-kmi: activate ${CLUSTER}`,
      TimeoutSeconds: 600,
      Parameters: {
        ClusterId: [CLUSTER],
        ClusterState: ['INITIALIZED'],
        HsmIpAddresses: ['10.0.1.10 10.0.2.10'],
        AdminPasswordSecretArn: [ADMIN_ARN],
        KmsUserPasswordSecretArn: [KMS_ARN],
        TrustAnchorParameterName: [PROPERTIES.TrustAnchorParameterName],
        PackageUrl: [PROPERTIES.PackageUrl],
        Region: ['us-east-1'],
        RunId: ['aaaa-bbbb'],
      },
    });
  });
  test('configures only the ACTIVE HSMs that have an address', async () => {
    clusterIs('INITIALIZED', [{ State: 'ACTIVE', EniIp: '10.0.1.10' }, { State: 'CREATE_IN_PROGRESS', EniIp: '10.0.2.10' }, { State: 'ACTIVE' }]);
    await onEvent(event('Create'), ...run(fakeWaiting()));
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.Parameters!.HsmIpAddresses).toEqual(['10.0.1.10']);
  });
  test('starts the client first (a stopped client from an earlier activation runs again)', async () => {
    clusterIs('INITIALIZED');
    await onEvent(event('Create'), ...run(fakeWaiting()));
    expect(ec2.commandCalls(StartInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [INSTANCE] });
  });
  test('retries while the client has not registered with Systems Manager, then sends', async () => {
    clusterIs('INITIALIZED');
    ssm.on(SendCommandCommand)
      .rejectsOnce(named('InvalidInstanceId', 'Instances not in a valid state for account'))
      .rejectsOnce(named('InvalidInstanceId', 'Instances not in a valid state for account'))
      .resolves({ Command: { CommandId: COMMAND } });
    const waiting = fakeWaiting();
    const result = await onEvent(event('Create'), ...run(waiting));
    expect(result.Data!.CommandId).toBe(COMMAND);
    expect(waiting.slept).toEqual([15_000, 15_000]);
  });
  test('a client that never registers fails with what its subnet needs', async () => {
    clusterIs('INITIALIZED');
    ssm.on(SendCommandCommand).rejects(named('InvalidInstanceId'));
    await expect(onEvent(event('Create'), ...run(fakeWaiting(60_000))))
      .rejects.toThrow(`The activation client ${INSTANCE} did not register with Systems Manager within 1 minutes: its subnet needs a route to `
        + 'the ssm, ssmmessages and ec2messages endpoints (a NAT gateway or VPC interface endpoints) and HTTPS egress in its security group.');
  });
  test('an ACTIVE cluster is sent as ACTIVE: the document then only checks kmsuser', async () => {
    clusterIs('ACTIVE');
    await onEvent(event('Create'), ...run(fakeWaiting()));
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.Parameters!.ClusterState).toEqual(['ACTIVE']);
  });
  test.each(['UNINITIALIZED', 'INITIALIZE_IN_PROGRESS', 'DEGRADED', 'MODIFY_IN_PROGRESS'])('a cluster that is %s is refused with what to do', async (state) => {
    clusterIs(state);
    await expect(onEvent(event('Create'), ...run(fakeWaiting())))
      .rejects.toThrow(`CloudHSM cluster ${CLUSTER} is ${state}: activation needs it INITIALIZED (or ACTIVE, to check kmsuser). Initialize it first`);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
  });
  test('a cluster without an ACTIVE HSM is refused', async () => {
    clusterIs('INITIALIZED', [{ State: 'CREATE_IN_PROGRESS' }]);
    await expect(onEvent(event('Create'), ...run(fakeWaiting()))).rejects.toThrow(`CloudHSM cluster ${CLUSTER} has no ACTIVE HSM with an IP address`);
  });
  test('a cluster that does not exist is named', async () => {
    cloudHsm.on(DescribeClustersCommand).resolves({ Clusters: [] });
    await expect(onEvent(event('Create'), ...run(fakeWaiting()))).rejects.toThrow(`CloudHSM cluster ${CLUSTER} was not found in this account and Region.`);
  });
  test('access denied names the permission', async () => {
    cloudHsm.on(DescribeClustersCommand).rejects(named('AccessDeniedException', 'User is not authorized'));
    await expect(onEvent(event('Create'), ...run(fakeWaiting())))
      .rejects.toThrow('cloudhsm:DescribeClusters was denied (AccessDeniedException): the custom resource\'s role, or a key or resource policy, SCP or permissions boundary, does not allow it. User is not authorized');
  });
  test('a terminated client and an ACTIVE cluster: nothing to run, the activation is done', async () => {
    clusterIs('ACTIVE');
    ec2.on(StartInstancesCommand).rejects(named('IncorrectInstanceState', 'The instance is not in a state from which it can be started.'));
    const result = await onEvent(event('Create'), ...run(fakeWaiting()));
    expect(result).toEqual({ PhysicalResourceId: `cloudhsm-activation:${CLUSTER}`, Data: { ClusterId: CLUSTER } });
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
  });
  test('a client that cannot be started and an INITIALIZED cluster fail with what to do', async () => {
    clusterIs('INITIALIZED');
    ec2.on(StartInstancesCommand).rejects(named('IncorrectInstanceState', 'The instance is not in a state from which it can be started.'));
    await expect(onEvent(event('Create'), ...run(fakeWaiting()))).rejects.toThrow(`The activation client ${INSTANCE} cannot be started `
      + `(IncorrectInstanceState: The instance is not in a state from which it can be started.) and CloudHSM cluster ${CLUSTER} is INITIALIZED: `
      + 'nothing can run the activation.');
  });
});

describe('update', () => {
  test('runs the document again (it is idempotent) and keeps the physical id', async () => {
    clusterIs('ACTIVE');
    const result = await onEvent(event('Update', { InstanceId: 'i-0fedcba9876543210' }), ...run(fakeWaiting()));
    expect(result.PhysicalResourceId).toBe(`cloudhsm-activation:${CLUSTER}`);
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.InstanceIds).toEqual(['i-0fedcba9876543210']);
  });
});

describe('delete', () => {
  test('calls nothing: activation cannot be undone and the secrets follow their removal policy', async () => {
    const result = await onEvent(event('Delete'), ...run(fakeWaiting()));
    expect(result).toEqual({ PhysicalResourceId: `cloudhsm-activation:${CLUSTER}` });
    expect([...cloudHsm.calls(), ...ssm.calls(), ...ec2.calls()]).toHaveLength(0);
  });
  test('is complete at once', async () => {
    const result = await isComplete({ ...event('Delete'), PhysicalResourceId: `cloudhsm-activation:${CLUSTER}` } as IsCompleteEvent, clients());
    expect(result).toEqual({ IsComplete: true });
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('isComplete', () => {
  test('is not complete while a step is in progress', async () => {
    stepsAre({ InstallCloudHsmCli: { Status: 'Success' }, InstallTrustAnchor: { Status: 'InProgress' } });
    expect(await isComplete(completeEvent(), clients())).toEqual({ IsComplete: false });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
  test('is not complete while the command is pending delivery', async () => {
    stepsAre({});
    expect(await isComplete(completeEvent(), clients())).toEqual({ IsComplete: false });
  });
  test('is not complete while Systems Manager does not know the invocation yet', async () => {
    ssm.on(GetCommandInvocationCommand).rejects(named('InvocationDoesNotExist'));
    expect(await isComplete(completeEvent(), clients())).toEqual({ IsComplete: false });
  });
  test('polls each step of the command on the client', async () => {
    allStepsSucceeded();
    await isComplete(completeEvent(), clients());
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((c) => c.args[0].input)).toEqual(ACTIVATION_STEPS.map((s) => ({
      CommandId: COMMAND, InstanceId: INSTANCE, PluginName: s.name,
    })));
  });
  test('is complete when every step succeeded, and terminates the client (the default)', async () => {
    allStepsSucceeded();
    expect(await isComplete(completeEvent(), clients())).toEqual({ IsComplete: true });
    expect(ec2.commandCalls(TerminateInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [INSTANCE] });
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
  });
  test('stops the client when asked to', async () => {
    allStepsSucceeded();
    await isComplete(completeEvent({ ClientAfterActivation: 'STOP' }), clients());
    expect(ec2.commandCalls(StopInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [INSTANCE] });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
  test('leaves the client running when asked to', async () => {
    allStepsSucceeded();
    await isComplete(completeEvent({ ClientAfterActivation: 'KEEP_RUNNING' }), clients());
    expect(ec2.calls()).toHaveLength(0);
  });
  test('is complete at once when onEvent had nothing to run', async () => {
    expect(await isComplete(completeEvent({}, { ClusterId: CLUSTER }), clients())).toEqual({ IsComplete: true });
    expect([...ssm.calls(), ...ec2.calls()]).toHaveLength(0);
  });
  test('a failed step fails the activation, naming the step, its diagnostic and what to check', async () => {
    stepsAre({
      InstallCloudHsmCli: { Status: 'Success' },
      InstallTrustAnchor: { Status: 'Success' },
      ConfigureCli: { Status: 'Success' },
      ActivateCluster: {
        Status: 'Failed',
        StatusDetails: 'Failed',
        ResponseCode: 1,
        StandardOutputContent: '',
        StandardErrorContent: '{\n  "error_code": 1,\n  "data": "The cluster is already activated"\n}\nKMI: cluster activate did not succeed for cluster-abcdefghijk (exit code 0)\n',
      },
    });
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(
      `Activation of CloudHSM cluster ${CLUSTER} failed at step ActivateCluster (Failed, exit code 1): `
      + 'cluster activate did not succeed for cluster-abcdefghijk (exit code 0). Check that the cluster must be INITIALIZED with the certificate '
      + `signed by the trust anchor in the SSM parameter, and the client role must be able to read the admin password secret (secretsmanager:GetSecretValue, kms:Decrypt through Secrets Manager). Run Command ${COMMAND} on instance ${INSTANCE} holds the step's output (passwords redacted).`);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });
  test('the first step that failed is named, not a later one that was not run', async () => {
    stepsAre({
      InstallCloudHsmCli: { Status: 'Failed', ResponseCode: 1, StandardErrorContent: 'KMI: could not download https://x.example/cli.rpm (curl: (7) Failed to connect)\n' },
      InstallTrustAnchor: { Status: 'Failed', ResponseCode: 1, StandardErrorContent: 'KMI: not run: the step InstallCloudHsmCli did not succeed\n' },
    });
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(
      /failed at step InstallCloudHsmCli \(Failed, exit code 1\): could not download https:\/\/x\.example\/cli\.rpm \(curl: \(7\) Failed to connect\)\. Check that the client instance downloads the CloudHSM CLI package over HTTPS/);
  });
  test('a step that timed out is named with its status details', async () => {
    stepsAre({ InstallCloudHsmCli: { Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1 } });
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(
      `Activation of CloudHSM cluster ${CLUSTER} failed at step InstallCloudHsmCli (TimedOut, ExecutionTimedOut). Check that the client instance downloads`);
  });
  test('a command that was never delivered is named with its status details', async () => {
    stepsAre({ InstallCloudHsmCli: { Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut' } });
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(/failed at step InstallCloudHsmCli \(TimedOut, DeliveryTimedOut\)/);
  });
  test('a cancelled step fails the activation', async () => {
    stepsAre({ InstallCloudHsmCli: { Status: 'Success' }, InstallTrustAnchor: { Status: 'Cancelled' } });
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(`Activation of CloudHSM cluster ${CLUSTER} failed at step InstallTrustAnchor (Cancelled). Check that`);
  });
  test('a long diagnostic is shortened', async () => {
    stepsAre({ InstallCloudHsmCli: { Status: 'Failed', StandardErrorContent: `KMI: ${'x'.repeat(1000)}\n` } });
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(new RegExp(`\\(Failed\\): ${'x'.repeat(400)}…\\. Check`));
  });
  test('access denied on the invocation names the permission', async () => {
    ssm.on(GetCommandInvocationCommand).rejects(named('AccessDeniedException', 'not authorized'));
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(/^ssm:GetCommandInvocation was denied \(AccessDeniedException\)/);
  });
  test('access denied on terminating the client names the permission', async () => {
    allStepsSucceeded();
    ec2.on(TerminateInstancesCommand).rejects(named('UnauthorizedOperation', 'You are not authorized'));
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(/^ec2:TerminateInstances was denied \(UnauthorizedOperation\)/);
  });
});

describe('secrets', () => {
  test('a password never reaches the command parameters, the responses, the errors or the logs, and no secret is read', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged.push(args.map((a) => JSON.stringify(a)).join(' ')); }));
    try {
      clusterIs('INITIALIZED');
      const created = await onEvent(event('Create'), ...run(fakeWaiting()));
      // The tools on the client misbehave: the raw output of a step holds the password.
      stepsAre({
        InstallCloudHsmCli: { Status: 'Success', StandardOutputContent: `debug ${PASSWORD}\nKMI: CloudHSM CLI installed\n` },
        InstallTrustAnchor: { Status: 'Success' },
        ConfigureCli: { Status: 'Success' },
        ActivateCluster: { Status: 'Failed', ResponseCode: 1, StandardOutputContent: `aws-cloudhsm > cluster activate --password ${PASSWORD}\n`, StandardErrorContent: `error for ${PASSWORD}\n` },
      });
      const failure = await isComplete(completeEvent(), clients()).then(() => 'no error', (e: Error) => e.message);
      allStepsSucceeded();
      const completed = await isComplete(completeEvent(), clients());
      const requests = [...ssm.calls(), ...ec2.calls()].map((c) => c.args[0].input);
      const everything = JSON.stringify([created, failure, completed, logged, requests]);
      expect(failure).toMatch(/failed at step ActivateCluster/);
      expect(everything).not.toContain(PASSWORD);
      expect(secrets.calls()).toHaveLength(0);
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });
});

describe('throttling', () => {
  test('is retried by the SDK\'s standard retry strategy (real client, fake HTTP)', async () => {
    ssm.restore();
    const json = (statusCode: number, body: unknown) => new HttpResponse({
      statusCode, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify(body))]),
    });
    const responses = [
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }),
      ...ACTIVATION_STEPS.map((s) => json(200, { CommandId: COMMAND, InstanceId: INSTANCE, PluginName: s.name, Status: 'Success' })),
    ];
    const sent: string[] = [];
    const realSsm = new SSMClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: any) => {
          const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString();
          sent.push(`${request.headers['x-amz-target']} ${JSON.parse(body).PluginName}`);
          return { response: responses.shift()! };
        },
      } as any,
    });
    const result = await isComplete(completeEvent({ ClientAfterActivation: 'KEEP_RUNNING' }), { ...clients(), ssm: realSsm });
    expect(result).toEqual({ IsComplete: true });
    expect(sent.slice(0, 2)).toEqual(['AmazonSSM.GetCommandInvocation InstallCloudHsmCli', 'AmazonSSM.GetCommandInvocation InstallCloudHsmCli']);
    expect(sent).toHaveLength(ACTIVATION_STEPS.length + 1);
  });
});
