import {
  CloudHsmClusterInvalidConfigurationException,
  CreateCustomKeyStoreCommand,
  KMSClient,
  UpdateCustomKeyStoreCommand,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import {
  ACCESS_KEY_ID,
  CLOUDHSM_PROPS,
  CLUSTER,
  CREDENTIAL_SECRET,
  event,
  fakes,
  Fakes,
  NEW_ACCESS_KEY_ID,
  NEW_CREDENTIAL_SECRET,
  NEW_PASSWORD,
  NEW_PASSWORD_SECRET,
  OTHER_CLUSTER,
  PASSWORD,
  PASSWORD_SECRET,
  SECRET_ACCESS_KEY,
  TRUST_ANCHOR,
  XKS_PROPS,
} from './fakes';
import { keyStoreClients } from '../../../src/key-store/handler/key-store-calls';
import { onEvent } from '../../../src/key-store/handler/on-event.lambda';

let f: Fakes;
let logged: string[];
beforeEach(() => {
  f = fakes();
  logged = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args.join(' '));
  });
});
afterEach(() => jest.restoreAllMocks());

const STORE = 'cks-0123456789abcdef0';
const updates = () => f.kms.mock.commandCalls(UpdateCustomKeyStoreCommand).map((c) => c.args[0].input);

function connected(props = CLOUDHSM_PROPS, extra: Record<string, unknown> = {}) {
  return f.kms.add({
    CustomKeyStoreId: STORE,
    CustomKeyStoreName: props.CustomKeyStoreName,
    CustomKeyStoreType: props.CustomKeyStoreType,
    ConnectionState: 'CONNECTED',
    CloudHsmClusterId: props.CloudHsmClusterId,
    XksProxyConfiguration: props.CustomKeyStoreType === 'EXTERNAL_KEY_STORE' ? {
      UriEndpoint: props.XksProxyUriEndpoint,
      UriPath: props.XksProxyUriPath,
      Connectivity: props.XksProxyConnectivity,
      VpcEndpointServiceName: props.XksProxyVpcEndpointServiceName,
      AccessKeyId: ACCESS_KEY_ID,
    } : undefined,
    ...extra,
  });
}

describe('create', () => {
  test('a CloudHSM store is created with the trust anchor from SSM and the kmsuser password from the secret, then connected', async () => {
    const result = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(result.PhysicalResourceId).toMatch(/^cks-/);
    expect(f.kms.mock.commandCalls(CreateCustomKeyStoreCommand)[0].args[0].input).toEqual({
      CustomKeyStoreName: 'TestStack-Store',
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      CloudHsmClusterId: CLUSTER,
      TrustAnchorCertificate: TRUST_ANCHOR,
      KeyStorePassword: PASSWORD,
    });
    expect(f.ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: CLOUDHSM_PROPS.TrustAnchorParameterName });
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'CreateCustomKeyStore', 'ConnectCustomKeyStore']);
    expect(f.kms.stores.get(result.PhysicalResourceId)!.ConnectionState).toBe('CONNECTING');
  });

  test('a CloudHSM store on a cluster that is not ACTIVE yet fails with what it needs (the fake KMS refuses it, as KMS does)', async () => {
    f.kms.clusterStates.set(CLUSTER, 'INITIALIZED');
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(
      'kms:CreateCustomKeyStore failed (CloudHsmClusterNotActiveException): The request was rejected because the CloudHSM cluster associated '
      + 'with the CloudHSM key store is not active. The cluster must be ACTIVE: initialized and activated, with a kmsuser crypto user.');
    expect(f.kms.stores.size).toBe(0);
  });

  test('an external key store is created with the proxy settings and the credential from the secret, then connected', async () => {
    const result = await onEvent(event('Create', XKS_PROPS), f.clients());
    expect(f.kms.mock.commandCalls(CreateCustomKeyStoreCommand)[0].args[0].input).toEqual({
      CustomKeyStoreName: 'TestStack-Xks',
      CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
      XksProxyUriEndpoint: 'https://xks.example.com',
      XksProxyUriPath: '/example/kms/xks/v1',
      XksProxyConnectivity: 'PUBLIC_ENDPOINT',
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: SECRET_ACCESS_KEY },
    });
    expect(f.kms.stores.get(result.PhysicalResourceId)!.ConnectionState).toBe('CONNECTING');
  });

  test('an external key store with VPC endpoint service connectivity names the service and its owner', async () => {
    const props = {
      ...XKS_PROPS,
      XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE' as const,
      XksProxyVpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      XksProxyVpcEndpointServiceOwner: '222222222222',
    };
    await onEvent(event('Create', props), f.clients());
    expect(f.kms.mock.commandCalls(CreateCustomKeyStoreCommand)[0].args[0].input).toMatchObject({
      XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE',
      XksProxyVpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      XksProxyVpcEndpointServiceOwner: '222222222222',
    });
  });

  test('a repeated create takes over the store the first one made: one store, the same id', async () => {
    const first = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    const second = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(f.kms.stores.size).toBe(1);
    expect(f.kms.mock.commandCalls(CreateCustomKeyStoreCommand)).toHaveLength(1);
  });

  test('a create interrupted before connecting is resumed: the store is connected, its password not sent again', async () => {
    connected(CLOUDHSM_PROPS, { ConnectionState: 'DISCONNECTED' });
    const result = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(result.PhysicalResourceId).toBe(STORE);
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'ConnectCustomKeyStore']);
    expect(f.secrets.calls()).toHaveLength(0);
  });

  test('a connected store of the same name and cluster is taken over as it is', async () => {
    connected();
    const result = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(result.PhysicalResourceId).toBe(STORE);
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });

  test('a leftover disconnected store of the same name is moved to the cluster asked for, then connected', async () => {
    connected(CLOUDHSM_PROPS, { ConnectionState: 'DISCONNECTED', CloudHsmClusterId: OTHER_CLUSTER });
    await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(f.kms.mock.commandCalls(UpdateCustomKeyStoreCommand)[0].args[0].input).toEqual({ CustomKeyStoreId: STORE, CloudHsmClusterId: CLUSTER });
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'UpdateCustomKeyStore', 'ConnectCustomKeyStore']);
  });

  test('a store left FAILED because kmsuser did not exist is disconnected, told the password from the secret, and connected', async () => {
    const store = connected(CLOUDHSM_PROPS, { ConnectionState: 'FAILED', ConnectionErrorCode: 'USER_NOT_FOUND' });
    await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(f.kms.operations()).toEqual([
      'DescribeCustomKeyStores', 'DisconnectCustomKeyStore', 'DescribeCustomKeyStores', 'DescribeCustomKeyStores',
      'UpdateCustomKeyStore', 'ConnectCustomKeyStore',
    ]);
    expect(store.password).toBe(PASSWORD);
    expect(store.ConnectionState).toBe('CONNECTING');
  });

  test('a store of the same name and another type is refused, and left alone', async () => {
    connected(XKS_PROPS, { CustomKeyStoreName: CLOUDHSM_PROPS.CustomKeyStoreName });
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(
      'A custom key store named "TestStack-Store" already exists (cks-0123456789abcdef0) with type EXTERNAL_KEY_STORE, and this stack asks '
      + 'for AWS_CLOUDHSM. A store\'s type cannot change and names are unique in an account and Region: give the new store another '
      + 'customKeyStoreName (or construct id), or delete the existing store.');
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });

  test('a connected store of the same name on another cluster is refused, and left alone', async () => {
    connected(CLOUDHSM_PROPS, { CloudHsmClusterId: OTHER_CLUSTER });
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(
      `A custom key store named "TestStack-Store" already exists (${STORE}) and is CONNECTED to cluster ${OTHER_CLUSTER}; this stack asks `
      + `for cluster ${CLUSTER}. Names are unique in an account and Region: choose another customKeyStoreName, or, if that store is a `
      + 'leftover of this stack, disconnect it so that the next deployment takes it over.');
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });

  test('a store created between the look-up and the create (a repeated event) is taken over', async () => {
    f.kms.mock.on(CreateCustomKeyStoreCommand).callsFakeOnce(() => {
      connected(CLOUDHSM_PROPS, { ConnectionState: 'DISCONNECTED' });
      throw Object.assign(new Error('name in use'), { name: 'CustomKeyStoreNameInUseException' });
    });
    const result = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    expect(result.PhysicalResourceId).toBe(STORE);
    expect(f.kms.stores.get(STORE)!.ConnectionState).toBe('CONNECTING');
  });

  test('a password in a JSON secret is read from its "password" field', async () => {
    const result = await onEvent(event('Create', { ...CLOUDHSM_PROPS, KmsUserPasswordSecretArn: NEW_PASSWORD_SECRET }), f.clients());
    expect(f.kms.stores.get(result.PhysicalResourceId)!.password).toBe(NEW_PASSWORD);
  });

  test.each([
    ['too short', 'Short1', /has 6 characters; allowed: 8 to 32 letters and digits/],
    ['too long', 'A'.repeat(33), /has 33 characters; allowed: 8 to 32 letters and digits/],
    ['seven characters (KMS would take it, CloudHSM would not)', 'Short12', /has 7 characters; allowed: 8 to 32 letters and digits/],
    ['with punctuation', 'Kmsuser-Password!', /has 17 characters, 2 of them neither a letter nor a digit; allowed: 8 to 32 letters and digits/],
    ['JSON without a password field', '{"pass":"Kmsuser0Password1"}', /holds a JSON object without a string "password" field/],
  ])('a kmsuser password secret that is %s is refused without showing the secret', async (_, value, message) => {
    f.secrets.on(GetSecretValueCommand, { SecretId: PASSWORD_SECRET }).resolves({ SecretString: value });
    const error = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(PASSWORD_SECRET);
    expect((error as Error).message).not.toContain(value);
    expect(f.kms.mock.commandCalls(CreateCustomKeyStoreCommand)).toHaveLength(0);
  });

  test.each([
    ['not JSON', 'AKIA:secret', /must hold the proxy credential as JSON \{"accessKeyId"/],
    ['an access key id with lower-case letters', JSON.stringify({ accessKeyId: 'abcdefghijklmnopqrst', secretAccessKey: SECRET_ACCESS_KEY }),
      /The accessKeyId in secret .* is not valid: it has 20 characters and must have 20 to 30, only A-Z and 2-7\./],
    ['a secret access key that is too short', JSON.stringify({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'short+/=' }),
      /The secretAccessKey in secret .* is not valid: it has 8 characters and must have 43 to 64, only a-z, A-Z, 0-9, \/, \+ and =\./],
  ])('a proxy credential secret that is %s is refused without showing the secret', async (_, value, message) => {
    f.secrets.on(GetSecretValueCommand, { SecretId: CREDENTIAL_SECRET }).resolves({ SecretString: value });
    const error = await onEvent(event('Create', XKS_PROPS), f.clients()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secret:xks-MnOpQr"');
    for (const part of [value, 'abcdefghijklmnopqrst', 'short+/=']) {
      expect((error as Error).message).not.toContain(part);
    }
  });

  test('a secret without a string value is refused', async () => {
    f.secrets.on(GetSecretValueCommand, { SecretId: PASSWORD_SECRET }).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients()))
      .rejects.toThrow(`Secret ${PASSWORD_SECRET} has no string value; store the kmsuser password as text.`);
  });

  test('a trust anchor parameter that holds no certificate is refused', async () => {
    f.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'not a certificate' } });
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(
      `SSM parameter ${CLOUDHSM_PROPS.TrustAnchorParameterName} must hold the cluster's trust anchor certificate in PEM `
      + '(-----BEGIN CERTIFICATE----- ..., at most 5000 characters); it holds 17 characters that are not one.');
  });

  test('a secret the handler may not read is reported with the permission that is missing', async () => {
    f.secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(
      'secretsmanager:GetSecretValue was denied (AccessDeniedException): the custom resource\'s role, or a key or resource policy, SCP or '
      + 'permissions boundary, does not allow it. User is not authorized');
  });

  test('a cluster KMS refuses is reported with what the cluster needs', async () => {
    f.kms.mock.on(CreateCustomKeyStoreCommand).rejects(new CloudHsmClusterInvalidConfigurationException({ message: 'Invalid cluster.', $metadata: {} }));
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(
      /^kms:CreateCustomKeyStore failed \(CloudHsmClusterInvalidConfigurationException\): Invalid cluster\. Creating a store, or moving it to another cluster, needs at least two active HSMs in different Availability Zones/);
  });

  test('other errors pass through unchanged', async () => {
    f.kms.mock.on(CreateCustomKeyStoreCommand).rejects(Object.assign(new Error('boom'), { name: 'KMSInternalException' }));
    await expect(onEvent(event('Create', CLOUDHSM_PROPS), f.clients())).rejects.toThrow(/^boom$/);
  });
});

describe('update', () => {
  test('a new name is changed in place: no disconnection', async () => {
    connected();
    const result = await onEvent(event('Update', { ...CLOUDHSM_PROPS, CustomKeyStoreName: 'Renamed' }, STORE, CLOUDHSM_PROPS), f.clients());
    expect(result.PhysicalResourceId).toBe(STORE);
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'UpdateCustomKeyStore']);
    expect(f.kms.mock.commandCalls(UpdateCustomKeyStoreCommand)[0].args[0].input).toEqual({ CustomKeyStoreId: STORE, NewCustomKeyStoreName: 'Renamed' });
    expect(f.secrets.calls()).toHaveLength(0);
  });

  test('a new kmsuser password secret disconnects the store, waits, tells KMS the password, and connects it', async () => {
    const store = connected();
    await onEvent(event('Update', { ...CLOUDHSM_PROPS, KmsUserPasswordSecretArn: NEW_PASSWORD_SECRET }, STORE, CLOUDHSM_PROPS), f.clients());
    expect(f.kms.operations()).toEqual([
      'DescribeCustomKeyStores', 'DisconnectCustomKeyStore', 'DescribeCustomKeyStores', 'DescribeCustomKeyStores',
      'UpdateCustomKeyStore', 'ConnectCustomKeyStore',
    ]);
    expect(updates()).toEqual([{ CustomKeyStoreId: STORE, KeyStorePassword: NEW_PASSWORD }]);
    expect(store.ConnectionState).toBe('CONNECTING');
    expect(f.clock.slept).toBe(5_000);
  });

  test('a new cluster disconnects the store, moves it, and connects it, without sending the password (KMS rotated it)', async () => {
    connected();
    await onEvent(event('Update', { ...CLOUDHSM_PROPS, CloudHsmClusterId: OTHER_CLUSTER }, STORE, CLOUDHSM_PROPS), f.clients());
    expect(updates()).toEqual([{ CustomKeyStoreId: STORE, CloudHsmClusterId: OTHER_CLUSTER }]);
    expect(f.kms.operations()).toContain('DisconnectCustomKeyStore');
    expect(f.secrets.calls()).toHaveLength(0);
  });

  test('a new proxy endpoint and connectivity disconnect the store, update it, and connect it', async () => {
    const store = connected(XKS_PROPS);
    const props = {
      ...XKS_PROPS,
      XksProxyUriEndpoint: 'https://xks.internal.example.com',
      XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE' as const,
      XksProxyVpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    };
    await onEvent(event('Update', props, STORE, XKS_PROPS), f.clients());
    expect(f.kms.mock.commandCalls(UpdateCustomKeyStoreCommand)[0].args[0].input).toEqual({
      CustomKeyStoreId: STORE,
      XksProxyUriEndpoint: 'https://xks.internal.example.com',
      XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE',
      XksProxyVpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    });
    expect(f.kms.operations().slice(-3)).toEqual(['DescribeCustomKeyStores', 'UpdateCustomKeyStore', 'ConnectCustomKeyStore']);
    expect(f.kms.operations()).toContain('DisconnectCustomKeyStore');
    expect(store.ConnectionState).toBe('CONNECTING');
  });

  test('a new proxy URI path and credential secret change in place: no disconnection', async () => {
    const store = connected(XKS_PROPS);
    const props = { ...XKS_PROPS, XksProxyUriPath: '/other/kms/xks/v1', XksProxyCredentialSecretArn: NEW_CREDENTIAL_SECRET };
    await onEvent(event('Update', props, STORE, XKS_PROPS), f.clients());
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'UpdateCustomKeyStore']);
    expect(f.kms.mock.commandCalls(UpdateCustomKeyStoreCommand)[0].args[0].input).toEqual({
      CustomKeyStoreId: STORE,
      XksProxyUriPath: '/other/kms/xks/v1',
      XksProxyAuthenticationCredential: { AccessKeyId: NEW_ACCESS_KEY_ID, RawSecretAccessKey: SECRET_ACCESS_KEY },
    });
    expect(store.ConnectionState).toBe('CONNECTED');
  });

  test('an in-place change KMS refuses in the store\'s state is made while disconnected instead', async () => {
    const store = connected(XKS_PROPS);
    f.kms.failNextUpdate = Object.assign(new Error('state'), { name: 'CustomKeyStoreInvalidStateException' });
    await onEvent(event('Update', { ...XKS_PROPS, XksProxyUriPath: '/other/kms/xks/v1' }, STORE, XKS_PROPS), f.clients());
    expect(f.kms.operations()).toEqual([
      'DescribeCustomKeyStores', 'UpdateCustomKeyStore', 'DisconnectCustomKeyStore', 'DescribeCustomKeyStores', 'DescribeCustomKeyStores',
      'UpdateCustomKeyStore', 'ConnectCustomKeyStore',
    ]);
    expect(store.XksProxyConfiguration!.UriPath).toBe('/other/kms/xks/v1');
  });

  test('the removal policy written in the earlier spelling (retain) and now in RETAIN changes nothing in KMS', async () => {
    connected();
    const earlier = { ...CLOUDHSM_PROPS, RemovalPolicy: 'retain' } as unknown as typeof CLOUDHSM_PROPS;
    await onEvent(event('Update', CLOUDHSM_PROPS, STORE, earlier), f.clients());
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });

  test('a change of removal policy only changes nothing in KMS', async () => {
    connected();
    await onEvent(event('Update', { ...CLOUDHSM_PROPS, RemovalPolicy: 'DESTROY' }, STORE, CLOUDHSM_PROPS), f.clients());
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });

  test('a store left FAILED by network errors is disconnected and connected again, its password not sent', async () => {
    const store = connected(CLOUDHSM_PROPS, { ConnectionState: 'FAILED', ConnectionErrorCode: 'NETWORK_ERRORS' });
    await onEvent(event('Update', { ...CLOUDHSM_PROPS, RemovalPolicy: 'DESTROY' }, STORE, CLOUDHSM_PROPS), f.clients());
    expect(f.kms.operations()).toEqual([
      'DescribeCustomKeyStores', 'DisconnectCustomKeyStore', 'DescribeCustomKeyStores', 'DescribeCustomKeyStores', 'ConnectCustomKeyStore',
    ]);
    expect(f.secrets.calls()).toHaveLength(0);
    expect(store.ConnectionState).toBe('CONNECTING');
  });

  test.each(['INVALID_CREDENTIALS', 'USER_LOCKED_OUT', 'USER_LOGGED_IN', 'USER_NOT_FOUND'])(
    'a store left FAILED with %s is told the kmsuser password from the secret again', async (code) => {
      const store = connected(CLOUDHSM_PROPS, { ConnectionState: 'FAILED', ConnectionErrorCode: code, password: 'stale' });
      await onEvent(event('Update', { ...CLOUDHSM_PROPS, RemovalPolicy: 'DESTROY' }, STORE, CLOUDHSM_PROPS), f.clients());
      expect(store.password).toBe(PASSWORD);
      expect(store.ConnectionState).toBe('CONNECTING');
    });

  test('an external key store left FAILED with INVALID_CREDENTIALS is sent the credential from the secret again', async () => {
    const store = connected(XKS_PROPS, { ConnectionState: 'FAILED', ConnectionErrorCode: 'INVALID_CREDENTIALS', secretAccessKey: 'stale' });
    await onEvent(event('Update', { ...XKS_PROPS, RemovalPolicy: 'DESTROY' }, STORE, XKS_PROPS), f.clients());
    expect(store.secretAccessKey).toBe(SECRET_ACCESS_KEY);
    expect(store.ConnectionState).toBe('CONNECTING');
  });

  test('a disconnected store (an earlier failure) is connected', async () => {
    const store = connected(CLOUDHSM_PROPS, { ConnectionState: 'DISCONNECTED' });
    await onEvent(event('Update', { ...CLOUDHSM_PROPS, RemovalPolicy: 'DESTROY' }, STORE, CLOUDHSM_PROPS), f.clients());
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'ConnectCustomKeyStore']);
    expect(store.ConnectionState).toBe('CONNECTING');
  });

  test('a store that takes longer than 8 minutes to disconnect fails the update, after waiting', async () => {
    connected();
    f.kms.disconnectingReads = 1000;
    await expect(onEvent(event('Update', { ...CLOUDHSM_PROPS, CloudHsmClusterId: OTHER_CLUSTER }, STORE, CLOUDHSM_PROPS), f.clients()))
      .rejects.toThrow(`Custom key store ${STORE} did not disconnect within 8 minutes (it is DISCONNECTING); deploy again to continue.`);
    expect(f.clock.time).toBeGreaterThanOrEqual(8 * 60_000);
    expect(f.kms.mock.commandCalls(UpdateCustomKeyStoreCommand)).toHaveLength(0);
  });

  test('a store deleted outside the stack is created again (a new physical id)', async () => {
    const result = await onEvent(event('Update', CLOUDHSM_PROPS, STORE, CLOUDHSM_PROPS), f.clients());
    expect(result.PhysicalResourceId).not.toBe(STORE);
    expect(f.kms.stores.get(result.PhysicalResourceId)!.ConnectionState).toBe('CONNECTING');
  });

  test('a change of type makes a new store, which needs a name of its own', async () => {
    connected(CLOUDHSM_PROPS);
    const props = { ...XKS_PROPS, CustomKeyStoreName: CLOUDHSM_PROPS.CustomKeyStoreName };
    await expect(onEvent(event('Update', props, STORE, CLOUDHSM_PROPS), f.clients())).rejects.toThrow(/with type AWS_CLOUDHSM, and this stack asks for EXTERNAL_KEY_STORE/);
    const renamed = await onEvent(event('Update', XKS_PROPS, STORE, CLOUDHSM_PROPS), f.clients());
    expect(renamed.PhysicalResourceId).not.toBe(STORE);
    expect(f.kms.stores.get(STORE)!.ConnectionState).toBe('CONNECTED');
  });
});

describe('delete', () => {
  const destroy = { ...CLOUDHSM_PROPS, RemovalPolicy: 'DESTROY' as const };
  const key = (id: string, store: string | undefined, extra: Record<string, unknown> = {}) =>
    ({ KeyId: id, CustomKeyStoreId: store, KeyState: 'Enabled', ...extra }) as any;

  test('with RETAIN calls nothing', async () => {
    connected();
    const result = await onEvent(event('Delete', CLOUDHSM_PROPS, STORE), f.clients());
    expect(result.PhysicalResourceId).toBe(STORE);
    expect(f.kms.mock.calls()).toHaveLength(0);
    expect(f.secrets.calls()).toHaveLength(0);
    expect(f.kms.stores.get(STORE)!.ConnectionState).toBe('CONNECTED');
  });

  test('a store deployed with the earlier spelling (destroy) is still deleted, and one with retain kept', async () => {
    connected();
    await onEvent(event('Delete', { ...CLOUDHSM_PROPS, RemovalPolicy: 'retain' } as unknown as typeof CLOUDHSM_PROPS, STORE), f.clients());
    expect(f.kms.mock.calls()).toHaveLength(0);
    await onEvent(event('Delete', { ...CLOUDHSM_PROPS, RemovalPolicy: 'destroy' } as unknown as typeof CLOUDHSM_PROPS, STORE), f.clients());
    expect(f.kms.operations()).toContain('DeleteCustomKeyStore');
    expect(f.kms.stores.has(STORE)).toBe(false);
  });

  test('with DESTROY looks for keys in the store, disconnects it, waits, and deletes it', async () => {
    connected();
    f.kms.keys = [key('11111111-1111-1111-1111-111111111111', undefined), key('22222222-2222-2222-2222-222222222222', 'cks-other')];
    await onEvent(event('Delete', destroy, STORE), f.clients());
    expect(f.kms.operations()).toEqual([
      'DescribeCustomKeyStores', 'ListKeys', 'DescribeKey', 'DescribeKey', 'DisconnectCustomKeyStore', 'DescribeCustomKeyStores',
      'DescribeCustomKeyStores', 'DeleteCustomKeyStore',
    ]);
    expect(f.kms.stores.has(STORE)).toBe(false);
  });

  test('with DESTROY refuses while keys remain, names them, and leaves the store connected', async () => {
    connected();
    f.kms.keys = [
      key('11111111-1111-1111-1111-111111111111', STORE),
      key('22222222-2222-2222-2222-222222222222', STORE, { KeyState: 'PendingDeletion', DeletionDate: new Date('2030-01-31T00:00:00Z') }),
    ];
    await expect(onEvent(event('Delete', destroy, STORE), f.clients())).rejects.toThrow(
      `Custom key store ${STORE} (TestStack-Store) still holds 2 KMS key(s): 11111111-1111-1111-1111-111111111111 (Enabled), `
      + '22222222-2222-2222-2222-222222222222 (PendingDeletion, deleted on 2030-01-31T00:00:00.000Z), so it cannot be deleted. '
      + 'KMS deletes a custom key store only when no key is in it, and keys scheduled for deletion count until their waiting period ends. '
      + 'Schedule the deletion of its keys (ScheduleKeyDeletion) and delete again once they are gone, or keep the store: removalPolicy RETAIN. '
      + 'The store was left CONNECTED.');
    expect(f.kms.operations()).not.toContain('DisconnectCustomKeyStore');
    expect(f.kms.stores.get(STORE)!.ConnectionState).toBe('CONNECTED');
  });

  test('with DESTROY finds keys on every page of ListKeys', async () => {
    connected();
    f.kms.pageSize = 2;
    f.kms.keys = [key('a', undefined), key('b', undefined), key('c', undefined), key('d', STORE)];
    await expect(onEvent(event('Delete', destroy, STORE), f.clients())).rejects.toThrow(/still holds 1 KMS key\(s\): d \(Enabled\)/);
  });

  test('with DESTROY, a key the handler could not describe makes the delete fail: the store is connected again', async () => {
    const store = connected();
    f.kms.keys = [key('hidden', STORE)];
    f.kms.hiddenKeys.add('hidden');
    await expect(onEvent(event('Delete', destroy, STORE), f.clients())).rejects.toThrow(
      `Custom key store ${STORE} (TestStack-Store) still holds KMS keys, so it cannot be deleted. `
      + 'KMS deletes a custom key store only when no key is in it, and keys scheduled for deletion count until their waiting period ends. '
      + 'Schedule the deletion of its keys (ScheduleKeyDeletion) and delete again once they are gone, or keep the store: removalPolicy RETAIN. '
      + 'It was connected again.');
    expect(store.ConnectionState).toBe('CONNECTING');
  });

  test('with DESTROY, a store already deleted is a success', async () => {
    await onEvent(event('Delete', destroy, STORE), f.clients());
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores']);
  });

  test('with DESTROY, a disconnected store is deleted without disconnecting', async () => {
    connected(CLOUDHSM_PROPS, { ConnectionState: 'DISCONNECTED' });
    await onEvent(event('Delete', destroy, STORE), f.clients());
    expect(f.kms.operations()).toEqual(['DescribeCustomKeyStores', 'ListKeys', 'DeleteCustomKeyStore']);
  });

  test('a repeated delete succeeds', async () => {
    connected();
    await onEvent(event('Delete', destroy, STORE), f.clients());
    await onEvent(event('Delete', destroy, STORE), f.clients());
    expect(f.kms.stores.size).toBe(0);
  });

  test('the delete of a create that never returned a store id calls nothing', async () => {
    await onEvent(event('Delete', destroy, 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'), f.clients());
    expect(f.kms.mock.calls()).toHaveLength(0);
  });
});

describe('secrets', () => {
  test('never appear in a response or in the logs', async () => {
    const created = await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    const xks = await onEvent(event('Create', XKS_PROPS), f.clients());
    const updated = await onEvent(event('Update', { ...CLOUDHSM_PROPS, KmsUserPasswordSecretArn: NEW_PASSWORD_SECRET }, created.PhysicalResourceId, CLOUDHSM_PROPS), f.clients());
    const text = JSON.stringify([created, xks, updated]) + logged.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [PASSWORD, NEW_PASSWORD, SECRET_ACCESS_KEY]) {
      expect(text).not.toContain(secret);
    }
  });

  test('are read only from the secrets the properties name', async () => {
    await onEvent(event('Create', CLOUDHSM_PROPS), f.clients());
    await onEvent(event('Create', XKS_PROPS), f.clients());
    expect(f.secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([PASSWORD_SECRET, CREDENTIAL_SECRET]);
  });
});

test('the default clients retry throttling with more attempts than the SDK default', async () => {
  const clients = keyStoreClients();
  expect(await clients.kms.config.maxAttempts()).toBe(8);
  expect(clients.kms).toBeInstanceOf(KMSClient);
});
