import { Readable } from 'node:stream';
import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCommandInvocationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HttpResponse } from '@smithy/protocol-http';
import { allStepsSucceeded, clients, cloudHsm, CLUSTER, clusterIs, COMMAND, completeEvent, ec2, INSTANCE, named, resetFakes, ssm, stepsAre } from './fakes';
import { ACTIVATION_STEPS } from '../../../../src/cloudhsm/activation/cluster-activation-steps';
import { isComplete } from '../../../../src/cloudhsm/activation/handler/is-complete.lambda';

beforeEach(resetFakes);

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
  // CreateCustomKeyStore needs an ACTIVE cluster (CloudHsmClusterNotActiveException, API_CreateCustomKeyStore.html).
  test('is not complete, and keeps the client, until DescribeClusters reports the cluster ACTIVE after every step succeeded', async () => {
    allStepsSucceeded();
    clusterIs('INITIALIZED');
    expect(await isComplete(completeEvent(), clients())).toEqual({ IsComplete: false });
    expect(cloudHsm.commandCalls(DescribeClustersCommand)[0].args[0].input).toEqual({ Filters: { clusterIds: [CLUSTER] } });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
    clusterIs('ACTIVE');
    expect(await isComplete(completeEvent(), clients())).toEqual({ IsComplete: true });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(1);
  });
  test('the ACTIVATE phase keeps the client for the coverage check that follows', async () => {
    allStepsSucceeded();
    clusterIs('ACTIVE');
    expect(await isComplete(completeEvent({ Phase: 'ACTIVATE', ClientAfterActivation: 'STOP' }), clients())).toEqual({ IsComplete: true });
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
  });
  test('the CHECK_COVERAGE phase stops or terminates the client as asked, once every step succeeded', async () => {
    allStepsSucceeded();
    clusterIs('ACTIVE');
    expect(await isComplete(completeEvent({ Phase: 'CHECK_COVERAGE', HsmCount: '2' }), clients())).toEqual({ IsComplete: true });
    expect(ec2.commandCalls(TerminateInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [INSTANCE] });
  });
  test('a cluster deleted meanwhile fails the activation: it cannot become ACTIVE', async () => {
    allStepsSucceeded();
    clusterIs('DELETE_IN_PROGRESS');
    await expect(isComplete(completeEvent(), clients())).rejects.toThrow(
      `Activation of CloudHSM cluster ${CLUSTER} ran, but the cluster is DELETE_IN_PROGRESS: it cannot become ACTIVE.`);
    expect(ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
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
