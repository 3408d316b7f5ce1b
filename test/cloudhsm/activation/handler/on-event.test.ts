import { DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeInstancesCommand, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import { ADMIN_ARN, allStepsSucceeded, clients, CLUSTER, clusterIs, COMMAND, completeEvent, ec2, event, fakeWaiting, INSTANCE, instanceIs, KMS_ARN, named, PASSWORD, PROPERTIES, resetFakes, run, secrets, ssm, stepsAre, cloudHsm } from './fakes';
import { isComplete, IsCompleteEvent } from '../../../../src/cloudhsm/activation/handler/is-complete.lambda';
import { onEvent } from '../../../../src/cloudhsm/activation/handler/on-event.lambda';

beforeEach(resetFakes);

describe('phases', () => {
  test('ACTIVATE on the first HSM of an INITIALIZED cluster sends it alone, under the activation\'s physical id', async () => {
    clusterIs('INITIALIZED', [{ State: 'ACTIVE', EniIp: '10.0.1.10' }]);
    const result = await onEvent(event('Create', { Phase: 'ACTIVATE' }), ...run(fakeWaiting()));
    expect(result.PhysicalResourceId).toBe(`cloudhsm-activation:${CLUSTER}`);
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.Parameters).toEqual(expect.objectContaining({
      ClusterState: ['INITIALIZED'], HsmIpAddresses: ['10.0.1.10'],
    }));
  });
  test('CHECK_COVERAGE on an ACTIVE cluster sends every ACTIVE HSM, so that user list covers them all', async () => {
    clusterIs('ACTIVE', [{ State: 'ACTIVE', EniIp: '10.0.1.10' }, { State: 'ACTIVE', EniIp: '10.0.2.10' }, { State: 'ACTIVE', EniIp: '10.0.3.10' }]);
    const result = await onEvent(event('Create', { Phase: 'CHECK_COVERAGE', HsmCount: '3' }), ...run(fakeWaiting()));
    expect(result).toEqual({ PhysicalResourceId: `cloudhsm-activation:${CLUSTER}/coverage`, Data: { CommandId: COMMAND, ClusterId: CLUSTER } });
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.Parameters).toEqual(expect.objectContaining({
      ClusterState: ['ACTIVE'], HsmIpAddresses: ['10.0.1.10 10.0.2.10 10.0.3.10'],
    }));
  });
  test.each(['INITIALIZED', 'DEGRADED'])('CHECK_COVERAGE on a cluster that is %s is refused: the check follows the activation', async (state) => {
    clusterIs(state);
    await expect(onEvent(event('Create', { Phase: 'CHECK_COVERAGE', HsmCount: '2' }), ...run(fakeWaiting())))
      .rejects.toThrow(`CloudHSM cluster ${CLUSTER} is ${state}: the kmsuser coverage check runs on an ACTIVE cluster, after the activation.`);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
  });
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
      + '(IncorrectInstanceState: The instance is not in a state from which it can be started. (instance state terminated)) '
      + `and CloudHSM cluster ${CLUSTER} is INITIALIZED: nothing can run the activation.`);
  });
  // StartInstances refuses a stopping instance with IncorrectInstanceState too (EC2 API errors-overview.html).
  test('a client still stopping is waited for and started once stopped, and the document runs: never taken for a terminated one', async () => {
    clusterIs('ACTIVE');
    const states = ['stopping', 'stopping', 'stopped'];
    instanceIs(() => states[0]);
    ec2.on(StartInstancesCommand).callsFake(() => {
      if (states.shift() !== 'stopped') {
        throw named('IncorrectInstanceState', 'The instance is not in a state from which it can be started.');
      }
      return { StartingInstances: [{ InstanceId: INSTANCE, CurrentState: { Name: 'pending' } }] };
    });
    const waiting = fakeWaiting();
    const result = await onEvent(event('Create'), ...run(waiting));
    expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(3);
    expect(ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [INSTANCE] });
    expect(waiting.slept).toEqual([15_000, 15_000]);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(result.Data).toEqual({ CommandId: COMMAND, ClusterId: CLUSTER });
  });
  test('a client that keeps stopping past the wait fails with what to do, and nothing is sent', async () => {
    clusterIs('ACTIVE');
    instanceIs(() => 'stopping');
    ec2.on(StartInstancesCommand).rejects(named('IncorrectInstanceState', 'The instance is not in a state from which it can be started.'));
    await expect(onEvent(event('Create'), ...run(fakeWaiting(60_000)))).rejects.toThrow(`The activation client ${INSTANCE} is still stopping `
      + 'after 1 minutes, so it cannot be started to run the activation. Wait until it is stopped, then deploy again.');
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
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
