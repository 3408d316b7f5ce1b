/**
 * `Custom::KmiCloudHsmInitialization`: creates the cluster's first HSM, signs the cluster CSR with the
 * trust anchor and calls InitializeCluster, then waits for INITIALIZED.
 *
 * Trust anchors (`TrustAnchor` property):
 * - `SELF_MANAGED`: a self-signed root made by this handler with @peculiar/x509; its certificate and
 *   private key are kept in the Secrets Manager secret `CaSecretArn` (created once, reused after).
 * - `PRIVATE_CA`: an AWS Private CA root (`CertificateAuthorityArn`) issues the cluster certificate.
 * - `EXTERNAL`: the user signs the CSR. Without `SignedCertificate` the resource completes with the
 *   cluster UNINITIALIZED and the CSR as the `ClusterCsr` attribute; a later deploy with
 *   `SignedCertificate` and `TrustAnchorCertificate` initializes the cluster.
 *
 * The trust anchor certificate is written to the SSM parameter `TrustAnchorParameterName` before
 * InitializeCluster. onEvent prepares (the self-managed root, checks of a Private CA or of the given
 * certificates, the first HSM); isComplete moves the cluster one step at a time from what
 * DescribeClusters says, so a repeated or interrupted create resumes where it stopped, and a cluster
 * already initialized by the same trust anchor is accepted as it is. InitializeCluster is called once
 * per operation, even while DescribeClusters still reports UNINITIALIZED after it (again only after 15
 * minutes without progress). A cluster initialized by another
 * trust anchor is refused: its trust anchor cannot change.
 *
 * Delete with RETAIN changes nothing. DESTROY refuses while a KMS custom key store uses the cluster,
 * deletes its HSMs, waits until they are gone, and deletes the parameter if it still describes this
 * cluster (a replacement cluster writes the same parameter first).
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the cluster's *.lambda.ts handlers (the AWS SDK comes with the Lambda runtime) */
import { createHash } from 'node:crypto';
import {
  CertificateAuthority as PrivateCertificateAuthority, DescribeCertificateAuthorityCommand, GetCertificateAuthorityCertificateCommand,
  GetCertificateCommand, IssueCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import { Cluster, CreateHsmCommand, InitializeClusterCommand } from '@aws-sdk/client-cloudhsm-v2';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DeleteParameterCommand, DescribeParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  ClusterClients, GONE_CLUSTER_STATES, INITIALIZED_CLUSTER_STATES, clusterIdOf, clusterZones, deadlineFrom, describeStates,
  liveHsms, pastDeadline, requireCluster,
} from './cluster-api';
import { deleteAllHsms, waitUntilNoHsms } from './hsms';
import { clusterIdOfInitialization, InitializationProperties, initializationPhysicalId } from './resource-properties';
import {
  CertificateAuthority, certifiesCsrKey, checkTrustAnchor, createTrustAnchor, daysLeft, isSignedBy, issuerOf, normalizePem, parseStoredAuthority,
  signClusterCsr, storeAuthority,
} from './trust-anchor-pki';
import { call, IsCompleteEvent, IsCompleteResult, isDestroy, NOT_YET, OnEventResult, ResponseData } from '../../../private/handler-kit';

/** The Private CA template of end-entity certificates, as the CloudHSM cluster certificate is. */
const END_ENTITY_TEMPLATE = 'template/EndEntityCertificate/V1';
const DEFAULT_VALIDITY_DAYS = 3652;

export async function onInitializationEvent(event: CloudFormationCustomResourceEvent, clients: ClusterClients): Promise<OnEventResult> {
  const props = event.ResourceProperties as unknown as InitializationProperties;
  const now = new Date(clients.clock.now());
  if (event.RequestType === 'Delete') {
    const clusterId = clusterIdOfInitialization(event.PhysicalResourceId) ?? clusterIdOf(props.ClusterId);
    if (isDestroy(props.RemovalPolicy)) {
      await deleteAllHsms(clients, clusterId);
      await deleteParameterOf(clients, props.TrustAnchorParameterName, clusterId);
    }
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { ClusterId: clusterId, Deadline: deadlineFrom(now.getTime()) } };
  }

  const clusterId = clusterIdOf(props.ClusterId);
  const cluster = await requireCluster(clients.cloudhsm, clusterId);
  await prepareTrustAnchor(clients, props, now);
  const data: Record<string, string> = {
    ClusterId: clusterId,
    StartedAt: String(now.getTime()),
    Deadline: deadlineFrom(now.getTime()),
  };
  if (cluster.State === 'UNINITIALIZED' && (cluster.Hsms ?? []).length === 0) {
    data.FirstHsmId = await createFirstHsm(clients, cluster);
  }
  return { PhysicalResourceId: initializationPhysicalId(clusterId), Data: data };
}

export async function isInitializationComplete(event: IsCompleteEvent, clients: ClusterClients): Promise<IsCompleteResult> {
  const props = event.ResourceProperties as unknown as InitializationProperties;
  const data = event.Data ?? {};
  const now = new Date(clients.clock.now());
  const clusterId = data.ClusterId ?? clusterIdOf(props.ClusterId);
  if (event.RequestType === 'Delete') {
    return isDestroy(props.RemovalPolicy) ? waitUntilNoHsms(clients, clusterId, data.Deadline, now.getTime()) : { IsComplete: true };
  }

  const cluster = await requireCluster(clients.cloudhsm, clusterId);
  const state = cluster.State ?? '';
  if (GONE_CLUSTER_STATES.includes(state)) {
    throw new Error(`Cannot initialize: ${describeStates(cluster)}.`);
  }
  if (INITIALIZED_CLUSTER_STATES.includes(state)) {
    return completeInitialized(clients, props, cluster);
  }
  if (state === 'UNINITIALIZED') {
    const result = await advanceUninitialized(clients, props, cluster, now, Number(data.StartedAt ?? 0));
    if (result) {
      return result;
    }
  }
  // INITIALIZE_IN_PROGRESS, CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, DEGRADED, or a state this handler
  // does not know yet: wait, within the deadline.
  if (pastDeadline(data.Deadline, now.getTime())) {
    throw new Error(`Timed out waiting for cluster ${clusterId} to be initialized: ${describeStates(cluster)}. `
      + 'Creating the first HSM takes 10 to 20 minutes and initialization a few more; deploy again to resume where it stopped.');
  }
  return NOT_YET;
}

/**
 * One step on an UNINITIALIZED cluster: create the first HSM if it has none, wait for its CSR, then
 * sign it and call InitializeCluster. Returns undefined to keep waiting, or the final answer.
 */
async function advanceUninitialized(
  clients: ClusterClients, props: InitializationProperties, cluster: Cluster, now: Date, startedAt: number,
): Promise<IsCompleteResult | undefined> {
  const clusterId = cluster.ClusterId!;
  if ((cluster.Hsms ?? []).length === 0) {
    // onEvent found the cluster still being created, or the first HSM failed and was removed.
    await createFirstHsm(clients, cluster);
    return undefined;
  }
  const csr = cluster.Certificates?.ClusterCsr;
  if (!csr || liveHsms(cluster).length === 0) {
    return undefined;
  }
  if (props.TrustAnchor === 'EXTERNAL' && !props.SignedCertificate) {
    // Nothing to sign with: the deploy ends here, the CSR goes to the user.
    return { IsComplete: true, Data: attributes(props, cluster, { Initialized: 'false', ClusterCsr: csr }) };
  }
  const signed = await signedCertificateFor(clients, props, csr, now);
  if (!signed) {
    return undefined;
  }
  const anchor = await trustAnchorOf(clients, props);
  if (!certifiesCsrKey(signed, csr)) {
    throw new Error(`The signed certificate does not certify the public key of cluster ${clusterId}'s current CSR. `
      + (props.TrustAnchor === 'EXTERNAL'
        ? 'The first HSM may have been replaced since the CSR was issued, which changes the CSR: sign the CSR of the cluster now '
          + '(DescribeClusters Certificates.ClusterCsr, or the ClusterCsr output of a deploy without signedCertificate) and deploy again.'
        : 'This is unexpected: deploy again to sign the current CSR.'));
  }
  if (!isSignedBy(signed, anchor)) {
    throw new Error(`The signed certificate of cluster ${clusterId} was not signed by the trust anchor directly: CloudHSM needs `
      + 'the trust anchor (a self-signed root) to be the issuer of the cluster certificate.');
  }
  // InitializeCluster only starts the initialization: DescribeClusters may still report UNINITIALIZED
  // at the next poll, and what a second call does is not documented
  // (https://docs.aws.amazon.com/cloudhsm/latest/APIReference/API_InitializeCluster.html). The call is
  // therefore made once per operation: the trust anchor parameter, written just before it, records when.
  const requestedAt = await initializationRequestedAt(clients, props.TrustAnchorParameterName, clusterId);
  if (requestedAt !== undefined && requestedAt >= startedAt && now.getTime() - requestedAt < REINITIALIZE_AFTER_MS) {
    return undefined;
  }
  await putTrustAnchorParameter(clients, props.TrustAnchorParameterName, anchor, clusterId);
  await call('cloudhsm:InitializeCluster', () => clients.cloudhsm.send(new InitializeClusterCommand({
    ClusterId: clusterId,
    SignedCert: signed,
    TrustAnchor: anchor,
  })));
  return undefined;
}

/** The cluster is INITIALIZED or ACTIVE: accept it if its certificate was signed by this trust anchor. */
async function completeInitialized(clients: ClusterClients, props: InitializationProperties, cluster: Cluster): Promise<IsCompleteResult> {
  const clusterId = cluster.ClusterId!;
  if (props.TrustAnchor === 'EXTERNAL' && !props.TrustAnchorCertificate) {
    throw new Error(`Cluster ${clusterId} is already ${cluster.State}, initialized outside this deployment: give its trust anchor `
      + 'and cluster certificate with ClusterTrustAnchor.external({ trustAnchorCertificate, signedCertificate }).');
  }
  const anchor = await trustAnchorOf(clients, props);
  const clusterCertificate = cluster.Certificates?.ClusterCertificate;
  if (clusterCertificate && !isSignedBy(clusterCertificate, anchor)) {
    throw new Error(`Cluster ${clusterId} is already ${cluster.State} with a cluster certificate issued by '${issuerOf(clusterCertificate)}', `
      + 'not by the trust anchor of this deployment. A cluster\'s trust anchor cannot change: keep the trust anchor it was '
      + 'initialized with, or create a new cluster.');
  }
  await putTrustAnchorParameter(clients, props.TrustAnchorParameterName, anchor, clusterId);
  return { IsComplete: true, Data: attributes(props, cluster, { Initialized: 'true', ClusterCsr: '' }) };
}

function attributes(props: InitializationProperties, cluster: Cluster, extra: ResponseData): ResponseData {
  return {
    ClusterId: cluster.ClusterId!,
    SecurityGroupId: cluster.SecurityGroup ?? '',
    TrustAnchorParameterName: props.TrustAnchorParameterName,
    ...extra,
  };
}

/** onEvent's part: the self-managed root exists; a Private CA or the given certificates can serve. */
async function prepareTrustAnchor(clients: ClusterClients, props: InitializationProperties, now: Date): Promise<void> {
  switch (props.TrustAnchor) {
    case 'SELF_MANAGED':
      await ensureSelfManagedAuthority(clients, props, now);
      return;
    case 'PRIVATE_CA':
      await privateCaCertificate(clients, props.CertificateAuthorityArn!, now);
      return;
    case 'EXTERNAL':
      if (props.SignedCertificate || props.TrustAnchorCertificate) {
        if (!props.SignedCertificate || !props.TrustAnchorCertificate) {
          throw new Error('Give both the signed cluster certificate and the trust anchor certificate, or neither.');
        }
        checkTrustAnchor(props.TrustAnchorCertificate, now, 'The given trust anchor certificate');
        if (!isSignedBy(props.SignedCertificate, props.TrustAnchorCertificate)) {
          throw new Error('The given signed certificate was not issued and signed by the given trust anchor certificate directly.');
        }
      }
      return;
    default:
      throw new Error(`Unknown TrustAnchor '${String(props.TrustAnchor)}': expected SELF_MANAGED, PRIVATE_CA or EXTERNAL.`);
  }
}

/** The trust anchor certificate (PEM) of the mode. */
async function trustAnchorOf(clients: ClusterClients, props: InitializationProperties): Promise<string> {
  switch (props.TrustAnchor) {
    case 'SELF_MANAGED':
      return normalizePem((await storedAuthority(clients, props.CaSecretArn!)).certificatePem);
    case 'PRIVATE_CA':
      return privateCaCertificate(clients, props.CertificateAuthorityArn!, new Date(clients.clock.now()));
    default:
      return normalizePem(props.TrustAnchorCertificate!);
  }
}

/** The cluster certificate for the CSR, or undefined while a Private CA is still issuing it. */
async function signedCertificateFor(clients: ClusterClients, props: InitializationProperties, csr: string, now: Date): Promise<string | undefined> {
  const validityDays = Number(props.ValidityDays ?? DEFAULT_VALIDITY_DAYS);
  switch (props.TrustAnchor) {
    case 'SELF_MANAGED':
      return signClusterCsr(csr, await storedAuthority(clients, props.CaSecretArn!), validityDays, now);
    case 'PRIVATE_CA':
      return issueWithPrivateCa(clients, props.CertificateAuthorityArn!, csr, validityDays, now);
    default:
      return normalizePem(props.SignedCertificate!);
  }
}

/** Creates the root once: a secret that already holds one keeps it (a repeated create reuses it). */
async function ensureSelfManagedAuthority(clients: ClusterClients, props: InitializationProperties, now: Date): Promise<CertificateAuthority> {
  const secretArn = props.CaSecretArn!;
  const existing = parseStoredAuthority(await secretString(clients, secretArn));
  if (existing) {
    return existing;
  }
  const authority = await createTrustAnchor({
    commonName: props.CommonName ?? 'cdk-kmi CloudHSM trust anchor',
    keySize: Number(props.KeySize ?? 4096),
    validityDays: Number(props.ValidityDays ?? DEFAULT_VALIDITY_DAYS),
    now,
  });
  await call('secretsmanager:PutSecretValue', () => clients.secrets.send(new PutSecretValueCommand({
    SecretId: secretArn,
    SecretString: storeAuthority(authority),
  })));
  return authority;
}

async function storedAuthority(clients: ClusterClients, secretArn: string): Promise<CertificateAuthority> {
  const authority = parseStoredAuthority(await secretString(clients, secretArn));
  if (!authority) {
    throw new Error(`The secret ${secretArn} holds no trust anchor (certificate and private key): it was changed outside this `
      + 'deployment. Restore its previous version (the one whose certificate signed the cluster), or create a new cluster.');
  }
  return authority;
}

async function secretString(clients: ClusterClients, secretArn: string): Promise<string | undefined> {
  const value = await call('secretsmanager:GetSecretValue', () => clients.secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));
  return value.SecretString;
}

/**
 * The certificate of a Private CA that can be a CloudHSM trust anchor: an ACTIVE root whose key is RSA
 * 2048 or 4096 and whose certificate passes the trust anchor checks.
 */
async function privateCaCertificate(clients: ClusterClients, caArn: string, now: Date): Promise<string> {
  const described = await call('acm-pca:DescribeCertificateAuthority', () =>
    clients.pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn })));
  const ca: PrivateCertificateAuthority = described.CertificateAuthority ?? {};
  const keyAlgorithm = ca.CertificateAuthorityConfiguration?.KeyAlgorithm;
  const problems = [
    ...(ca.Type === 'ROOT' ? [] : [`it is a ${ca.Type} CA; CloudHSM needs the root that signs the cluster certificate directly`]),
    ...(ca.Status === 'ACTIVE' ? [] : [`its status is ${ca.Status}, not ACTIVE`]),
    ...(keyAlgorithm === 'RSA_2048' || keyAlgorithm === 'RSA_4096' ? [] : [`its key algorithm is ${keyAlgorithm}; CloudHSM accepts RSA_2048 or RSA_4096`]),
  ];
  if (problems.length > 0) {
    throw new Error(`The Private CA ${caArn} cannot be the cluster's trust anchor: ${problems.join('; ')}.`);
  }
  const certificate = await call('acm-pca:GetCertificateAuthorityCertificate', () =>
    clients.pca.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn })));
  const pem = normalizePem(certificate.Certificate ?? '');
  checkTrustAnchor(pem, now, `The certificate of the Private CA ${caArn}`);
  return pem;
}

/**
 * Issues the cluster certificate with the Private CA. The idempotency token is made from the CSR, so a
 * repeated call for the same CSR returns the same certificate while Private CA remembers the token.
 */
async function issueWithPrivateCa(clients: ClusterClients, caArn: string, csr: string, validityDays: number, now: Date): Promise<string | undefined> {
  const caPem = await privateCaCertificate(clients, caArn, now);
  const days = Math.min(validityDays, daysLeft(caPem, now) - 1);
  if (days < 1) {
    throw new Error(`The Private CA ${caArn} expires within a day: it cannot issue the cluster certificate.`);
  }
  const issued = await call('acm-pca:IssueCertificate', () => clients.pca.send(new IssueCertificateCommand({
    CertificateAuthorityArn: caArn,
    Csr: Buffer.from(csr),
    SigningAlgorithm: 'SHA256WITHRSA',
    TemplateArn: `${arnPartitionPrefix(caArn)}:acm-pca:::${END_ENTITY_TEMPLATE}`,
    Validity: { Type: 'DAYS', Value: days },
    IdempotencyToken: createHash('sha256').update(csr).digest('hex').slice(0, 32),
  })));
  try {
    const certificate = await call('acm-pca:GetCertificate', () => clients.pca.send(new GetCertificateCommand({
      CertificateAuthorityArn: caArn,
      CertificateArn: issued.CertificateArn,
    })));
    return certificate.Certificate ? normalizePem(certificate.Certificate) : undefined;
  } catch (error) {
    if ((error as Error).name === 'RequestInProgressException') {
      return undefined;
    }
    throw error;
  }
}

async function createFirstHsm(clients: ClusterClients, cluster: Cluster): Promise<string> {
  const zone = clusterZones(cluster)[0];
  if (!zone) {
    throw new Error(`Cluster ${cluster.ClusterId} has no subnets: there is no Availability Zone to create its first HSM in.`);
  }
  const created = await call('cloudhsm:CreateHsm', () =>
    clients.cloudhsm.send(new CreateHsmCommand({ ClusterId: cluster.ClusterId!, AvailabilityZone: zone })));
  return created.Hsm?.HsmId ?? '';
}

/**
 * How long after InitializeCluster a cluster still reported UNINITIALIZED is taken as not initializing:
 * the handler then calls InitializeCluster again (the first call may have been lost with the function
 * that made it). Initialization takes a few minutes
 * (https://docs.aws.amazon.com/cloudhsm/latest/userguide/initialize-cluster.html).
 */
const REINITIALIZE_AFTER_MS = 15 * 60 * 1000;

/**
 * When the trust anchor parameter of this cluster was last written (just before InitializeCluster),
 * or undefined if it does not describe this cluster.
 */
async function initializationRequestedAt(clients: ClusterClients, name: string, clusterId: string): Promise<number | undefined> {
  const described = await call('ssm:DescribeParameters', () => clients.ssm.send(new DescribeParametersCommand({
    ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }],
  })));
  const parameter = (described?.Parameters ?? []).find((p) => p.Name === name);
  if (!parameter || parameter.Description !== parameterDescription(clusterId) || !parameter.LastModifiedDate) {
    return undefined;
  }
  return new Date(parameter.LastModifiedDate).getTime();
}

/** Writes the trust anchor; the description names the cluster, so that a later delete can tell whose it is. */
async function putTrustAnchorParameter(clients: ClusterClients, name: string, anchorPem: string, clusterId: string): Promise<void> {
  await call('ssm:PutParameter', () => clients.ssm.send(new PutParameterCommand({
    Name: name,
    Value: anchorPem,
    Type: 'String',
    Tier: anchorPem.length > 4096 ? 'Advanced' : 'Standard',
    Overwrite: true,
    Description: parameterDescription(clusterId),
  })));
}

function parameterDescription(clusterId: string): string {
  return `Trust anchor certificate (PEM) of CloudHSM cluster ${clusterId}`;
}

/** Deletes the parameter only while it still describes this cluster; one already gone is fine. */
async function deleteParameterOf(clients: ClusterClients, name: string, clusterId: string): Promise<void> {
  const described = await call('ssm:DescribeParameters', () => clients.ssm.send(new DescribeParametersCommand({
    ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }],
  })));
  const parameter = (described.Parameters ?? []).find((p) => p.Name === name);
  if (!parameter || parameter.Description !== parameterDescription(clusterId)) {
    return;
  }
  try {
    await call('ssm:DeleteParameter', () => clients.ssm.send(new DeleteParameterCommand({ Name: name })));
  } catch (error) {
    if ((error as Error).name !== 'ParameterNotFound') {
      throw error;
    }
  }
}

function arnPartitionPrefix(arn: string): string {
  return arn.split(':').slice(0, 2).join(':');
}
