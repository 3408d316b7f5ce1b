import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { Readable } from 'node:stream';
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import {
  Cluster, CloudHSMV2Client, CreateHsmCommand, DeleteHsmCommand, DescribeClustersCommand, Hsm, InitializeClusterCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { DescribeCustomKeyStoresCommand, KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, ParameterMetadata, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as x509 from '@peculiar/x509';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ClusterClients, clusterClients } from '../../../../src/cloudhsm/cluster/handler/cluster-api';
import type { IsCompleteEvent, OnEventResult } from '../../../../src/private/handler-kit';

export const CLUSTER_ID = 'cluster-abcdefghijk';
export const CLUSTER_ARN = `arn:aws:cloudhsm:us-east-1:111111111111:cluster/${CLUSTER_ID}`;
export const SECURITY_GROUP = 'sg-0123456789abcdef0';
export const NOW = new Date('2026-11-30T12:00:00Z');
export const ZONES = { 'us-east-1a': 'subnet-0000000000000000a', 'us-east-1b': 'subnet-0000000000000000b', 'us-east-1c': 'subnet-0000000000000000c' };

export const cloudhsm = mockClient(CloudHSMV2Client);
export const kms = mockClient(KMSClient);
export const secrets = mockClient(SecretsManagerClient);
export const ssm = mockClient(SSMClient);
export const pca = mockClient(ACMPCAClient);

/** The clients the handlers get, with a clock that tests move. */
export function clientsAt(now: Date = NOW): ClusterClients {
  return { ...clusterClients(), clock: { now: () => now.getTime(), sleep: async () => undefined } };
}

/** A cluster as DescribeClusters would return it; `undefined` once it is gone. */
export interface FakeAccount {
  cluster?: Cluster;
  nextHsm: number;
  /** The SSM parameters (name, description, when last written), as DescribeParameters reports them. */
  parameters: Map<string, ParameterMetadata>;
  /** The time SSM records for a PutParameter; tests move it with the handler's clock. */
  now: Date;
}

export function hsm(id: string, zone: string, state: string): Hsm {
  return { HsmId: id, AvailabilityZone: zone, ClusterId: CLUSTER_ID, SubnetId: ZONES[zone as keyof typeof ZONES], State: state };
}

export function newCluster(state: string, hsms: Hsm[] = [], certificates: Cluster['Certificates'] = {}): Cluster {
  return {
    ClusterId: CLUSTER_ID,
    State: state,
    HsmType: 'hsm2m.medium',
    SecurityGroup: SECURITY_GROUP,
    VpcId: 'vpc-0123456789abcdef0',
    SubnetMapping: { ...ZONES },
    Hsms: hsms,
    Certificates: certificates,
  };
}

/**
 * Resets the mocks and backs CloudHSM with a fake account: DescribeClusters returns the cluster,
 * CreateHsm adds an HSM (CREATE_IN_PROGRESS; a second one only to an ACTIVE cluster), DeleteHsm marks one DELETE_IN_PROGRESS, InitializeCluster
 * moves the cluster to INITIALIZE_IN_PROGRESS with the certificate; no custom key store uses it.
 */
export function fakeAccount(cluster?: Cluster): FakeAccount {
  for (const mock of [cloudhsm, kms, secrets, ssm, pca]) {
    mock.reset();
  }
  const account: FakeAccount = { cluster, nextHsm: 1, parameters: new Map(), now: NOW };
  ssm.on(PutParameterCommand).callsFake((input) => {
    account.parameters.set(input.Name!, { Name: input.Name, Description: input.Description, LastModifiedDate: account.now });
    return { Version: 1 };
  });
  ssm.on(DescribeParametersCommand).callsFake((input) => {
    const names: string[] = input.ParameterFilters?.find((f: { Key: string }) => f.Key === 'Name')?.Values ?? [];
    return { Parameters: names.flatMap((n) => account.parameters.has(n) ? [account.parameters.get(n)!] : []) };
  });
  cloudhsm.on(DescribeClustersCommand).callsFake((input) => {
    const wanted = input.Filters?.clusterIds ?? [];
    const c = account.cluster;
    return { Clusters: c && wanted.includes(c.ClusterId!) ? [structuredClone(c)] : [] };
  });
  cloudhsm.on(CreateHsmCommand).callsFake((input) => {
    // A second HSM only once the cluster is ACTIVE: the cluster is activated on its first HSM
    // (https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html), and CreateHsm has been seen to
    // refuse a second one before (terraform-provider-aws issue 7437).
    const present = (account.cluster!.Hsms ?? []).filter((h) => h.State !== 'DELETE_IN_PROGRESS' && h.State !== 'DELETED');
    if (present.length > 0 && account.cluster!.State !== 'ACTIVE') {
      throw Object.assign(new Error(`The cluster ${input.ClusterId} already contains an HSM but has not yet been fully activated.`),
        { name: 'CloudHsmInvalidRequestException' });
    }
    const created = hsm(`hsm-new${account.nextHsm++}`, input.AvailabilityZone!, 'CREATE_IN_PROGRESS');
    account.cluster!.Hsms = [...account.cluster!.Hsms ?? [], created];
    return { Hsm: created };
  });
  cloudhsm.on(DeleteHsmCommand).callsFake((input) => {
    const found = (account.cluster?.Hsms ?? []).find((h) => h.HsmId === input.HsmId);
    if (!found) {
      throw Object.assign(new Error(`HSM ${input.HsmId} not found`), { name: 'CloudHsmResourceNotFoundException' });
    }
    found.State = 'DELETE_IN_PROGRESS';
    return { HsmId: input.HsmId };
  });
  cloudhsm.on(InitializeClusterCommand).callsFake((input) => {
    account.cluster!.State = 'INITIALIZE_IN_PROGRESS';
    account.cluster!.Certificates = { ...account.cluster!.Certificates, ClusterCsr: undefined, ClusterCertificate: input.SignedCert };
    return { State: 'INITIALIZE_IN_PROGRESS' };
  });
  kms.on(DescribeCustomKeyStoresCommand).resolves({ CustomKeyStores: [] });
  return account;
}

/** Every HSM of the fake account's cluster becomes ACTIVE; deleted ones disappear. */
export function settle(account: FakeAccount): void {
  const c = account.cluster!;
  c.Hsms = (c.Hsms ?? []).filter((h) => h.State !== 'DELETE_IN_PROGRESS').map((h) => ({ ...h, State: 'ACTIVE' }));
}

type RequestType = 'Create' | 'Update' | 'Delete';

/** A Provider framework event for one of the cluster's custom resources. */
export function event(
  resourceType: string, type: RequestType, props: Record<string, string>, physicalResourceId = 'request-id', oldProps: Record<string, string> = props,
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/TestStack/1',
    RequestId: 'request-id',
    LogicalResourceId: 'Resource',
    ResourceType: resourceType,
    ResourceProperties: { ServiceToken: 'token', ...props },
  };
  if (type === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  if (type === 'Update') {
    return { ...base, RequestType: 'Update', PhysicalResourceId: physicalResourceId, OldResourceProperties: { ServiceToken: 'token', ...oldProps } };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalResourceId };
}

/** The isComplete event the framework builds from an event and the onEvent result. */
export function completing(e: CloudFormationCustomResourceEvent, result: OnEventResult): IsCompleteEvent {
  return { ...e, PhysicalResourceId: result.PhysicalResourceId, Data: result.Data };
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

/** A cluster CSR as the first HSM makes it: RSA 2048, SHA-256. */
export async function clusterCsr(): Promise<string> {
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'C=US, O=Cavium, OU=N3FIPS, CN=HSM:5.3G1941-ICM000001:PARTN:2',
    keys: keys as never,
    signingAlgorithm: RSA,
  });
  return csr.toString('pem');
}

/** An HTTP response of the CloudHSM JSON protocol, for the throttling test. */
export function jsonResponse(statusCode: number, body: unknown, errorType?: string) {
  return {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
    body: Readable.from([Buffer.from(JSON.stringify(body))]),
  };
}
