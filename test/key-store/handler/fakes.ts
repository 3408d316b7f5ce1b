/**
 * A small model of KMS custom key stores behind aws-sdk-client-mock, so handler tests exercise the
 * state rules KMS documents: Connect is refused while DISCONNECTING or FAILED, Disconnect while
 * DISCONNECTING or DISCONNECTED, Update of anything but the name, URI path and proxy credential
 * needs DISCONNECTED, Delete needs DISCONNECTED and no keys, names are unique, and a CloudHSM store is
 * created only on an ACTIVE cluster (CloudHsmClusterNotActiveException,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html).
 */
import {
  CloudHsmClusterNotActiveException,
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CustomKeyStoreHasCMKsException,
  CustomKeyStoreInvalidStateException,
  CustomKeyStoreNameInUseException,
  CustomKeyStoreNotFoundException,
  CustomKeyStoresListEntry,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisconnectCustomKeyStoreCommand,
  KeyMetadata,
  KMSClient,
  ListKeysCommand,
  NotFoundException,
  UpdateCustomKeyStoreCommand,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { KeyStoreClients } from '../../../src/key-store/handler/key-store-calls';
import { CustomKeyStoreResourceProperties } from '../../../src/key-store/handler/resource-properties';
import { Clock } from '../../../src/private/handler-kit';

const kmsMock = mockClient(KMSClient);
const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);

export const CLUSTER = 'cluster-abcdefghijk';
export const OTHER_CLUSTER = 'cluster-bcdefghijkl';
export const TRUST_ANCHOR_PARAMETER = '/kmi/cluster-abcdefghijk/trust-anchor';
export const TRUST_ANCHOR = '-----BEGIN CERTIFICATE-----\nMIIBtrustanchor\n-----END CERTIFICATE-----';
export const PASSWORD_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:kmsuser-AbCdEf';
export const NEW_PASSWORD_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:kmsuser2-GhIjKl';
export const PASSWORD = 'Kmsuser0Password1';
export const NEW_PASSWORD = 'Kmsuser0Password2';
export const CREDENTIAL_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:xks-MnOpQr';
export const NEW_CREDENTIAL_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:xks2-StUvWx';
export const ACCESS_KEY_ID = 'ABCDEFGHIJKLMNOPQRST';
export const NEW_ACCESS_KEY_ID = 'ZYXWVUTSRQPONMLKJIH2';
export const SECRET_ACCESS_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG+/=';

export const CLOUDHSM_PROPS: CustomKeyStoreResourceProperties = {
  CustomKeyStoreType: 'AWS_CLOUDHSM',
  CustomKeyStoreName: 'TestStack-Store',
  RemovalPolicy: 'RETAIN',
  CloudHsmClusterId: CLUSTER,
  TrustAnchorParameterName: TRUST_ANCHOR_PARAMETER,
  KmsUserPasswordSecretArn: PASSWORD_SECRET,
};

export const XKS_PROPS: CustomKeyStoreResourceProperties = {
  CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
  CustomKeyStoreName: 'TestStack-Xks',
  RemovalPolicy: 'RETAIN',
  XksProxyUriEndpoint: 'https://xks.example.com',
  XksProxyUriPath: '/example/kms/xks/v1',
  XksProxyConnectivity: 'PUBLIC_ENDPOINT',
  XksProxyCredentialSecretArn: CREDENTIAL_SECRET,
};

/** What KMS was told about a store, besides what DescribeCustomKeyStores shows. */
export interface FakeStore extends CustomKeyStoresListEntry {
  password?: string;
  secretAccessKey?: string;
}

const IN_PLACE = ['CustomKeyStoreId', 'NewCustomKeyStoreName', 'XksProxyUriPath', 'XksProxyAuthenticationCredential'];

export class FakeKms {
  public readonly stores = new Map<string, FakeStore>();
  public keys: KeyMetadata[] = [];
  /** Key ids DescribeKey refuses (a key policy that does not trust the account). */
  public readonly hiddenKeys = new Set<string>();
  /** DescribeCustomKeyStores calls that still show DISCONNECTING after a Disconnect. */
  public disconnectingReads = 1;
  /** An error the next UpdateCustomKeyStore throws instead of updating. */
  public failNextUpdate?: Error;
  /** Keys per ListKeys page. */
  public pageSize = 1000;
  /** The state of each CloudHSM cluster, as KMS sees it; a cluster not listed is ACTIVE. */
  public readonly clusterStates = new Map<string, string>();
  private nextId = 1;
  private disconnecting = new Map<string, number>();

  constructor(public readonly mock: typeof kmsMock) {
    mock.on(DescribeCustomKeyStoresCommand).callsFake((input) => {
      const store = input.CustomKeyStoreId
        ? this.stores.get(input.CustomKeyStoreId)
        : [...this.stores.values()].find((s) => s.CustomKeyStoreName === input.CustomKeyStoreName);
      if (!store) {
        throw new CustomKeyStoreNotFoundException({ message: 'not found', $metadata: {} });
      }
      this.tick(store);
      const { password, secretAccessKey, ...visible } = store;
      return { CustomKeyStores: [structuredClone(visible)] };
    });
    mock.on(CreateCustomKeyStoreCommand).callsFake((input) => {
      const clusterState = input.CloudHsmClusterId ? this.clusterStates.get(input.CloudHsmClusterId) ?? 'ACTIVE' : 'ACTIVE';
      if (clusterState !== 'ACTIVE') {
        throw new CloudHsmClusterNotActiveException({
          message: 'The request was rejected because the CloudHSM cluster associated with the CloudHSM key store is not active.', $metadata: {},
        });
      }
      this.assertNameFree(input.CustomKeyStoreName!);
      const id = `cks-${(this.nextId++).toString(16).padStart(17, '0')}`;
      this.stores.set(id, {
        CustomKeyStoreId: id,
        CustomKeyStoreName: input.CustomKeyStoreName,
        CustomKeyStoreType: input.CustomKeyStoreType ?? 'AWS_CLOUDHSM',
        ConnectionState: 'DISCONNECTED',
        CloudHsmClusterId: input.CloudHsmClusterId,
        TrustAnchorCertificate: input.TrustAnchorCertificate,
        password: input.KeyStorePassword,
        secretAccessKey: input.XksProxyAuthenticationCredential?.RawSecretAccessKey,
        XksProxyConfiguration: input.CustomKeyStoreType === 'EXTERNAL_KEY_STORE' ? {
          UriEndpoint: input.XksProxyUriEndpoint,
          UriPath: input.XksProxyUriPath,
          Connectivity: input.XksProxyConnectivity,
          VpcEndpointServiceName: input.XksProxyVpcEndpointServiceName,
          AccessKeyId: input.XksProxyAuthenticationCredential?.AccessKeyId,
        } : undefined,
      });
      return { CustomKeyStoreId: id };
    });
    mock.on(ConnectCustomKeyStoreCommand).callsFake((input) => {
      const store = this.get(input.CustomKeyStoreId!);
      if (store.ConnectionState === 'DISCONNECTING' || store.ConnectionState === 'FAILED') {
        throw invalidState();
      }
      if (store.ConnectionState === 'DISCONNECTED') {
        store.ConnectionState = 'CONNECTING';
      }
      return {};
    });
    mock.on(DisconnectCustomKeyStoreCommand).callsFake((input) => {
      const store = this.get(input.CustomKeyStoreId!);
      if (store.ConnectionState === 'DISCONNECTING' || store.ConnectionState === 'DISCONNECTED') {
        throw invalidState();
      }
      store.ConnectionState = 'DISCONNECTING';
      delete store.ConnectionErrorCode;
      this.disconnecting.set(store.CustomKeyStoreId!, this.disconnectingReads);
      return {};
    });
    mock.on(UpdateCustomKeyStoreCommand).callsFake((input) => {
      const failure = this.failNextUpdate;
      if (failure) {
        this.failNextUpdate = undefined;
        throw failure;
      }
      const store = this.get(input.CustomKeyStoreId!);
      const offline = Object.keys(input).filter((k) => !IN_PLACE.includes(k));
      if (offline.length > 0 && store.ConnectionState !== 'DISCONNECTED') {
        throw invalidState();
      }
      if (input.NewCustomKeyStoreName) {
        this.assertNameFree(input.NewCustomKeyStoreName, store.CustomKeyStoreId);
        store.CustomKeyStoreName = input.NewCustomKeyStoreName;
      }
      store.CloudHsmClusterId = input.CloudHsmClusterId ?? store.CloudHsmClusterId;
      store.password = input.KeyStorePassword ?? store.password;
      const xks = store.XksProxyConfiguration;
      if (xks) {
        xks.UriEndpoint = input.XksProxyUriEndpoint ?? xks.UriEndpoint;
        xks.UriPath = input.XksProxyUriPath ?? xks.UriPath;
        xks.Connectivity = input.XksProxyConnectivity ?? xks.Connectivity;
        xks.VpcEndpointServiceName = input.XksProxyVpcEndpointServiceName ?? xks.VpcEndpointServiceName;
        xks.AccessKeyId = input.XksProxyAuthenticationCredential?.AccessKeyId ?? xks.AccessKeyId;
        store.secretAccessKey = input.XksProxyAuthenticationCredential?.RawSecretAccessKey ?? store.secretAccessKey;
      }
      return {};
    });
    mock.on(DeleteCustomKeyStoreCommand).callsFake((input) => {
      const store = this.get(input.CustomKeyStoreId!);
      if (store.ConnectionState !== 'DISCONNECTED') {
        throw invalidState();
      }
      if (this.keys.some((k) => k.CustomKeyStoreId === store.CustomKeyStoreId)) {
        throw new CustomKeyStoreHasCMKsException({ message: 'The custom key store has KMS keys.', $metadata: {} });
      }
      this.stores.delete(store.CustomKeyStoreId!);
      return {};
    });
    mock.on(ListKeysCommand).callsFake((input) => {
      const start = input.Marker ? Number(input.Marker) : 0;
      const page = this.keys.slice(start, start + this.pageSize);
      const more = start + this.pageSize < this.keys.length;
      return { Keys: page.map((k) => ({ KeyId: k.KeyId })), Truncated: more, NextMarker: more ? String(start + this.pageSize) : undefined };
    });
    mock.on(DescribeKeyCommand).callsFake((input) => {
      const key = this.keys.find((k) => k.KeyId === input.KeyId);
      if (!key || this.hiddenKeys.has(key.KeyId!)) {
        throw new NotFoundException({ message: 'not found', $metadata: {} });
      }
      return { KeyMetadata: key };
    });
  }

  /** Adds a store as it would be after earlier deployments. */
  public add(store: FakeStore): FakeStore {
    this.stores.set(store.CustomKeyStoreId!, store);
    return store;
  }

  /** The operations called on KMS, in order. */
  public operations(): string[] {
    return this.mock.calls().map((c) => (c.args[0].constructor.name as string).replace(/Command$/, ''));
  }

  private get(id: string): FakeStore {
    const store = this.stores.get(id);
    if (!store) {
      throw new CustomKeyStoreNotFoundException({ message: 'not found', $metadata: {} });
    }
    return store;
  }

  private tick(store: FakeStore) {
    const left = this.disconnecting.get(store.CustomKeyStoreId!);
    if (left === undefined) {
      return;
    }
    if (left === 0) {
      store.ConnectionState = 'DISCONNECTED';
      this.disconnecting.delete(store.CustomKeyStoreId!);
    } else {
      this.disconnecting.set(store.CustomKeyStoreId!, left - 1);
    }
  }

  private assertNameFree(name: string, except?: string) {
    if ([...this.stores.values()].some((s) => s.CustomKeyStoreName === name && s.CustomKeyStoreId !== except)) {
      throw new CustomKeyStoreNameInUseException({ message: `The name ${name} is in use.`, $metadata: {} });
    }
  }
}

function invalidState() {
  return new CustomKeyStoreInvalidStateException({ message: 'The custom key store is in a state that does not allow this.', $metadata: {} });
}

/** A clock that moves only when the handler sleeps. */
export class FakeClock implements Clock {
  public time = 0;
  public slept = 0;
  public now() {
    return this.time;
  }
  public async sleep(ms: number) {
    this.time += ms;
    this.slept += ms;
  }
}

export interface Fakes {
  readonly kms: FakeKms;
  readonly secrets: typeof secrets;
  readonly ssm: typeof ssm;
  readonly clock: FakeClock;
  clients(): KeyStoreClients;
}


/** Mocks KMS, Secrets Manager and SSM with the secrets and trust anchor of the constants above (call it in beforeEach). */
export function fakes(): Fakes {
  kmsMock.reset();
  secrets.reset();
  ssm.reset();
  secrets.on(GetSecretValueCommand, { SecretId: PASSWORD_SECRET }).resolves({ SecretString: PASSWORD });
  secrets.on(GetSecretValueCommand, { SecretId: NEW_PASSWORD_SECRET }).resolves({ SecretString: JSON.stringify({ password: NEW_PASSWORD }) });
  secrets.on(GetSecretValueCommand, { SecretId: CREDENTIAL_SECRET })
    .resolves({ SecretString: JSON.stringify({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }) });
  secrets.on(GetSecretValueCommand, { SecretId: NEW_CREDENTIAL_SECRET })
    .resolves({ SecretString: JSON.stringify({ accessKeyId: NEW_ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }) });
  ssm.on(GetParameterCommand, { Name: TRUST_ANCHOR_PARAMETER }).resolves({ Parameter: { Value: TRUST_ANCHOR } });
  const kms = new FakeKms(kmsMock);
  const clock = new FakeClock();
  return {
    kms,
    secrets,
    ssm,
    clock,
    clients: () => ({ kms: new KMSClient({}), secrets: new SecretsManagerClient({}), ssm: new SSMClient({}), clock }),
  };
}

type Props = CustomKeyStoreResourceProperties;

/** A CloudFormation event for the custom resource. */
export function event(type: 'Create', props: Props): CloudFormationCustomResourceEvent;
export function event(type: 'Update', props: Props, physicalId: string, old: Props): CloudFormationCustomResourceEvent;
export function event(type: 'Delete', props: Props, physicalId: string): CloudFormationCustomResourceEvent;
export function event(type: 'Create' | 'Update' | 'Delete', props: Props, physicalId?: string, old?: Props): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'StoreResource',
    ResourceType: 'Custom::KmiCustomKeyStore',
    ResourceProperties: { ServiceToken: 'token', ...props },
  };
  switch (type) {
    case 'Create': return { ...base, RequestType: 'Create' };
    case 'Update': return { ...base, RequestType: 'Update', PhysicalResourceId: physicalId!, OldResourceProperties: { ServiceToken: 'token', ...old } };
    case 'Delete': return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalId! };
  }
}

/** An isComplete request: the event with the physical id onEvent returned. */
export function isCompleteEvent(type: 'Create' | 'Update' | 'Delete', props: Props, physicalId: string) {
  return { ...event('Create', props), RequestType: type, PhysicalResourceId: physicalId } as CloudFormationCustomResourceEvent & { PhysicalResourceId: string };
}
