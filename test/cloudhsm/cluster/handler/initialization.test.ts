import { X509Certificate } from 'node:crypto';
import {
  DescribeCertificateAuthorityCommand, GetCertificateAuthorityCertificateCommand, GetCertificateCommand, IssueCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import { CreateHsmCommand, DeleteHsmCommand, InitializeClusterCommand } from '@aws-sdk/client-cloudhsm-v2';
import { DescribeCustomKeyStoresCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DeleteParameterCommand, DescribeParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  CLUSTER_ID, NOW, SECURITY_GROUP, clientsAt, cloudhsm, clusterCsr, completing, event, fakeAccount, hsm, kms, newCluster, pca, secrets, settle, ssm,
} from './fakes';
import { isComplete } from '../../../../src/cloudhsm/cluster/handler/is-complete.lambda';
import { onEvent } from '../../../../src/cloudhsm/cluster/handler/on-event.lambda';
import { CertificateAuthority, createTrustAnchor, signClusterCsr, storeAuthority } from '../../../../src/cloudhsm/cluster/handler/trust-anchor-pki';

const TYPE = 'Custom::KmiCloudHsmInitialization';
const PARAMETER = '/cdk-kmi/cloudhsm/TestStack-Hsm-ABCDEF12/trust-anchor';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:HsmTrustAnchorSecret-AbCdEf';
const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
const CERT_ARN = `${CA_ARN}/certificate/0123456789abcdef`;
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

const selfManaged = (removal = 'RETAIN') => ({
  ClusterId: CLUSTER_ID,
  TrustAnchor: 'SELF_MANAGED',
  TrustAnchorParameterName: PARAMETER,
  RemovalPolicy: removal,
  ValidityDays: '3652',
  CaSecretArn: SECRET_ARN,
  KeySize: '2048',
  CommonName: 'Test root',
});

let root: CertificateAuthority;
let otherRoot: CertificateAuthority;
let csr: string;
beforeAll(async () => {
  root = await createTrustAnchor({ commonName: 'Test root', keySize: 2048, validityDays: 3652, now: NOW });
  otherRoot = await createTrustAnchor({ commonName: 'Other root', keySize: 2048, validityDays: 3652, now: NOW });
  csr = await clusterCsr();
});

/** The secret of the self-managed root: the generated placeholder until the handler writes a root. */
function secretHolds(value: string) {
  let current = value;
  secrets.on(GetSecretValueCommand).callsFake(() => ({ SecretString: current }));
  secrets.on(PutSecretValueCommand).callsFake((input) => {
    current = input.SecretString!;
    return {};
  });
  return () => current;
}

/** A cluster whose first HSM is ACTIVE and whose CSR waits to be signed. */
const awaitingSignature = () => newCluster('UNINITIALIZED', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')], { ClusterCsr: csr });

describe('create, self-managed trust anchor', () => {
  test('onEvent creates the root once, keeps it in the secret, and creates the first HSM in the first zone', async () => {
    const account = fakeAccount(newCluster('UNINITIALIZED'));
    const stored = secretHolds('placeholder-generated-by-cloudformation');
    const result = await onEvent(event(TYPE, 'Create', selfManaged()), clientsAt());
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input.SecretId).toBe(SECRET_ARN);
    const written = JSON.parse(stored()) as CertificateAuthority;
    const certificate = new X509Certificate(written.certificatePem);
    expect(certificate.subject).toBe('CN=Test root');
    expect(certificate.ca).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(written.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(cloudhsm.commandCalls(CreateHsmCommand).map((c) => c.args[0].input)).toEqual([{ ClusterId: CLUSTER_ID, AvailabilityZone: 'us-east-1a' }]);
    expect(result).toEqual({
      PhysicalResourceId: `${CLUSTER_ID}/initialization`,
      Data: { ClusterId: CLUSTER_ID, FirstHsmId: 'hsm-new1', StartedAt: String(NOW.getTime()), Deadline: String(NOW.getTime() + 55 * 60_000) },
    });
    expect(account.cluster!.Hsms).toHaveLength(1);
  });
  test('the private key never appears in the response', async () => {
    fakeAccount(newCluster('UNINITIALIZED'));
    const stored = secretHolds('placeholder');
    const result = await onEvent(event(TYPE, 'Create', selfManaged()), clientsAt());
    const key = (JSON.parse(stored()) as CertificateAuthority).privateKeyPem;
    expect(JSON.stringify(result)).not.toContain(key.split('\n')[1]);
  });
  test('a root already in the secret is reused, not replaced', async () => {
    fakeAccount(newCluster('UNINITIALIZED'));
    secretHolds(storeAuthority(root));
    await onEvent(event(TYPE, 'Create', selfManaged()), clientsAt());
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
  test('isComplete waits for the first HSM\'s CSR, then signs it with the root, publishes the root and initializes', async () => {
    const account = fakeAccount(newCluster('UNINITIALIZED'));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));

    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(0);

    settle(account);
    account.cluster!.Certificates = { ClusterCsr: csr };
    expect(await isComplete(waiting, clientsAt(minutes(15)))).toEqual({ IsComplete: false });
    const [initialize] = cloudhsm.commandCalls(InitializeClusterCommand).map((c) => c.args[0].input);
    expect(initialize.ClusterId).toBe(CLUSTER_ID);
    expect(initialize.TrustAnchor).toBe(root.certificatePem.trim() + '\n');
    const signed = new X509Certificate(initialize.SignedCert!);
    expect(signed.verify(new X509Certificate(root.certificatePem).publicKey)).toBe(true);
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([{
      Name: PARAMETER,
      Value: root.certificatePem.trim() + '\n',
      Type: 'String',
      Tier: 'Standard',
      Overwrite: true,
      Description: `Trust anchor certificate (PEM) of CloudHSM cluster ${CLUSTER_ID}`,
    }]);

    expect(await isComplete(waiting, clientsAt(minutes(16)))).toEqual({ IsComplete: false });
    account.cluster!.State = 'INITIALIZED';
    expect(await isComplete(waiting, clientsAt(minutes(20)))).toEqual({
      IsComplete: true,
      Data: { ClusterId: CLUSTER_ID, SecurityGroupId: SECURITY_GROUP, TrustAnchorParameterName: PARAMETER, Initialized: 'true', ClusterCsr: '' },
    });
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(1);
  });
  test('a cluster still CREATE_IN_PROGRESS gets its first HSM from isComplete once UNINITIALIZED', async () => {
    const account = fakeAccount(newCluster('CREATE_IN_PROGRESS'));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    const result = await onEvent(e, clientsAt());
    expect(result.Data!.FirstHsmId).toBeUndefined();
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);
    const waiting = completing(e, result);
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);
    account.cluster!.State = 'UNINITIALIZED';
    expect(await isComplete(waiting, clientsAt(minutes(2)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(1);
    expect(await isComplete(waiting, clientsAt(minutes(3)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(1);
  });
  test.each(['DEGRADED', 'UPDATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'])('a cluster state %p is waited through', async (state) => {
    fakeAccount(newCluster(state, [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    expect(await isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt(minutes(5)))).toEqual({ IsComplete: false });
  });
  test('the deadline ends the wait with a message that names the cluster and HSM states', async () => {
    fakeAccount(newCluster('UNINITIALIZED', [hsm('hsm-first', 'us-east-1a', 'CREATE_IN_PROGRESS')]));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    await expect(isComplete(waiting, clientsAt(minutes(56))))
      .rejects.toThrow(`Timed out waiting for cluster ${CLUSTER_ID} to be initialized: cluster ${CLUSTER_ID} is UNINITIALIZED; HSMs: hsm-first in `
        + 'us-east-1a CREATE_IN_PROGRESS. Creating the first HSM takes 10 to 20 minutes and initialization a few more; deploy again to resume where it stopped.');
  });
  test('a cluster being deleted cannot be initialized', async () => {
    fakeAccount(newCluster('DELETE_IN_PROGRESS'));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(`Cannot initialize: cluster ${CLUSTER_ID} is DELETE_IN_PROGRESS; no HSMs.`);
  });
  test('a secret emptied outside the deployment is reported with what to do', async () => {
    fakeAccount(awaitingSignature());
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'changed by hand' });
    await expect(isComplete(waiting, clientsAt())).rejects.toThrow(`The secret ${SECRET_ARN} holds no trust anchor (certificate and private key): `
      + 'it was changed outside this deployment. Restore its previous version (the one whose certificate signed the cluster), or create a new cluster.');
  });
  test('surfaces access denied on InitializeCluster with the missing permission', async () => {
    fakeAccount(awaitingSignature());
    secretHolds(storeAuthority(root));
    cloudhsm.on(InitializeClusterCommand).rejects(Object.assign(new Error('not authorized'), { name: 'CloudHsmAccessDeniedException' }));
    const e = event(TYPE, 'Create', selfManaged());
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(/^cloudhsm:InitializeCluster was denied \(CloudHsmAccessDeniedException\)/);
  });
});

describe('resuming', () => {
  test('a cluster already INITIALIZED by the same root is accepted as it is: no HSM, no signing, no initialization', async () => {
    const signed = await signClusterCsr(csr, root, 3652, NOW);
    fakeAccount(newCluster('INITIALIZED', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')], { ClusterCertificate: signed }));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    const result = await onEvent(e, clientsAt());
    expect(await isComplete(completing(e, result), clientsAt())).toEqual({
      IsComplete: true,
      Data: { ClusterId: CLUSTER_ID, SecurityGroupId: SECURITY_GROUP, TrustAnchorParameterName: PARAMETER, Initialized: 'true', ClusterCsr: '' },
    });
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(0);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(1);
  });
  test('an ACTIVE cluster (activated since) is accepted too', async () => {
    const signed = await signClusterCsr(csr, root, 3652, NOW);
    fakeAccount(newCluster('ACTIVE', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')], { ClusterCertificate: signed }));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Update', selfManaged(), `${CLUSTER_ID}/initialization`);
    expect((await isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt())).IsComplete).toBe(true);
  });
  test('a cluster initialized by another root is refused: its trust anchor cannot change', async () => {
    const signed = await signClusterCsr(csr, otherRoot, 3652, NOW);
    fakeAccount(newCluster('INITIALIZED', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')], { ClusterCertificate: signed }));
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(`Cluster ${CLUSTER_ID} is already INITIALIZED with a cluster certificate issued by 'CN=Other root', not by the trust anchor of this `
        + 'deployment. A cluster\'s trust anchor cannot change: keep the trust anchor it was initialized with, or create a new cluster.');
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });
  test('a repeated isComplete after InitializeCluster does not initialize twice', async () => {
    const account = fakeAccount(awaitingSignature());
    secretHolds(storeAuthority(root));
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    await isComplete(waiting, clientsAt());
    await isComplete(waiting, clientsAt());
    expect(account.cluster!.State).toBe('INITIALIZE_IN_PROGRESS');
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(1);
  });
});

describe('a cluster still reported UNINITIALIZED after InitializeCluster', () => {
  /** DescribeClusters lags: the cluster stays UNINITIALIZED (with its CSR) after InitializeCluster, until `catchUp`. */
  function lagging(account: ReturnType<typeof fakeAccount>) {
    let calls = 0;
    cloudhsm.on(InitializeClusterCommand).callsFake(() => {
      calls++;
      return { State: 'INITIALIZE_IN_PROGRESS' };
    });
    return { calls: () => calls, catchUp: () => { account.cluster!.State = 'INITIALIZED'; } };
  }
  test('is not initialized again at the next polls: the call was recorded when the trust anchor was published', async () => {
    const account = fakeAccount(awaitingSignature());
    secretHolds(storeAuthority(root));
    const cluster = lagging(account);
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    account.now = minutes(1);
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    account.now = minutes(2);
    expect(await isComplete(waiting, clientsAt(minutes(2)))).toEqual({ IsComplete: false });
    account.now = minutes(10);
    expect(await isComplete(waiting, clientsAt(minutes(10)))).toEqual({ IsComplete: false });
    expect(cluster.calls()).toBe(1);
    cluster.catchUp();
    expect(await isComplete(waiting, clientsAt(minutes(11)))).toMatchObject({ IsComplete: true, Data: { Initialized: 'true' } });
    expect(cluster.calls()).toBe(1);
  });
  test('a parameter written by an earlier operation does not stop this one from initializing', async () => {
    const account = fakeAccount(awaitingSignature());
    secretHolds(storeAuthority(root));
    const cluster = lagging(account);
    account.parameters.set(PARAMETER, {
      Name: PARAMETER, Description: `Trust anchor certificate (PEM) of CloudHSM cluster ${CLUSTER_ID}`, LastModifiedDate: minutes(-60),
    });
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    expect(cluster.calls()).toBe(1);
  });
  test('is initialized again once 15 minutes have passed without the cluster leaving UNINITIALIZED', async () => {
    const account = fakeAccount(awaitingSignature());
    secretHolds(storeAuthority(root));
    const cluster = lagging(account);
    const e = event(TYPE, 'Create', selfManaged());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    account.now = minutes(1);
    await isComplete(waiting, clientsAt(minutes(1)));
    await isComplete(waiting, clientsAt(minutes(15)));
    expect(cluster.calls()).toBe(1);
    account.now = minutes(17);
    await isComplete(waiting, clientsAt(minutes(17)));
    expect(cluster.calls()).toBe(2);
  });
});

describe('Private CA trust anchor', () => {
  const privateCa = () => ({ ClusterId: CLUSTER_ID, TrustAnchor: 'PRIVATE_CA', TrustAnchorParameterName: PARAMETER, RemovalPolicy: 'RETAIN', ValidityDays: '3652', CertificateAuthorityArn: CA_ARN });
  function caIs(type: string, keyAlgorithm: string, status = 'ACTIVE', certificate = root.certificatePem) {
    pca.on(DescribeCertificateAuthorityCommand).resolves({
      CertificateAuthority: {
        Arn: CA_ARN,
        Type: type as 'ROOT',
        Status: status as 'ACTIVE',
        CertificateAuthorityConfiguration: { KeyAlgorithm: keyAlgorithm as 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA', Subject: { CommonName: 'Test root' } },
      },
    });
    pca.on(GetCertificateAuthorityCertificateCommand).resolves({ Certificate: certificate });
  }

  test('issues the cluster certificate with the CA (end-entity template, SHA256WITHRSA, stable idempotency token) and initializes', async () => {
    fakeAccount(awaitingSignature());
    caIs('ROOT', 'RSA_2048');
    const signed = await signClusterCsr(csr, root, 3000, NOW);
    pca.on(IssueCertificateCommand).resolves({ CertificateArn: CERT_ARN });
    pca.on(GetCertificateCommand)
      .rejectsOnce(Object.assign(new Error('The request is in progress'), { name: 'RequestInProgressException' }))
      .resolves({ Certificate: signed });
    const e = event(TYPE, 'Create', privateCa());
    const waiting = completing(e, await onEvent(e, clientsAt()));
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(0);
    expect(await isComplete(waiting, clientsAt(minutes(2)))).toEqual({ IsComplete: false });
    const issues = pca.commandCalls(IssueCertificateCommand).map((c) => c.args[0].input);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toEqual({
      CertificateAuthorityArn: CA_ARN,
      Csr: Buffer.from(csr),
      SigningAlgorithm: 'SHA256WITHRSA',
      TemplateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      // The root ends 3652 days after NOW; at NOW + 1 minute a day is kept in hand.
      Validity: { Type: 'DAYS', Value: 3650 },
      IdempotencyToken: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(issues[1].IdempotencyToken).toBe(issues[0].IdempotencyToken);
    const [initialize] = cloudhsm.commandCalls(InitializeClusterCommand).map((c) => c.args[0].input);
    expect(initialize.SignedCert).toBe(signed.trim() + '\n');
    expect(initialize.TrustAnchor).toBe(root.certificatePem.trim() + '\n');
  });
  test.each([
    ['a subordinate CA', 'SUBORDINATE', 'RSA_2048', 'ACTIVE', 'it is a SUBORDINATE CA; CloudHSM needs the root that signs the cluster certificate directly'],
    ['an EC CA', 'ROOT', 'EC_prime256v1', 'ACTIVE', 'its key algorithm is EC_prime256v1; CloudHSM accepts RSA_2048 or RSA_4096'],
    ['a disabled CA', 'ROOT', 'RSA_4096', 'DISABLED', 'its status is DISABLED, not ACTIVE'],
  ])('%s is refused before anything is created', async (_, type, algorithm, status, problem) => {
    fakeAccount(newCluster('UNINITIALIZED'));
    caIs(type, algorithm, status);
    await expect(onEvent(event(TYPE, 'Create', privateCa()), clientsAt()))
      .rejects.toThrow(`The Private CA ${CA_ARN} cannot be the cluster's trust anchor: ${problem}.`);
    expect(cloudhsm.commandCalls(CreateHsmCommand)).toHaveLength(0);
  });
  test('a certificate the CA did not sign itself is refused before initializing', async () => {
    fakeAccount(awaitingSignature());
    caIs('ROOT', 'RSA_2048');
    pca.on(IssueCertificateCommand).resolves({ CertificateArn: CERT_ARN });
    pca.on(GetCertificateCommand).resolves({ Certificate: await signClusterCsr(csr, otherRoot, 365, NOW) });
    const e = event(TYPE, 'Create', privateCa());
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(`The signed certificate of cluster ${CLUSTER_ID} was not signed by the trust anchor directly: CloudHSM needs the trust anchor `
        + '(a self-signed root) to be the issuer of the cluster certificate.');
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(0);
  });
  test('a CA that expires within a day cannot issue', async () => {
    fakeAccount(awaitingSignature());
    const shortLived = await createTrustAnchor({ commonName: 'Test root', keySize: 2048, validityDays: 1, now: NOW });
    caIs('ROOT', 'RSA_2048', 'ACTIVE', shortLived.certificatePem);
    const e = event(TYPE, 'Create', privateCa());
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(`The Private CA ${CA_ARN} expires within a day: it cannot issue the cluster certificate.`);
  });
  test('a CA certificate that is not self-signed is refused', async () => {
    fakeAccount(newCluster('UNINITIALIZED'));
    caIs('ROOT', 'RSA_2048', 'ACTIVE', await signClusterCsr(csr, root, 365, NOW));
    await expect(onEvent(event(TYPE, 'Create', privateCa()), clientsAt()))
      .rejects.toThrow(`The certificate of the Private CA ${CA_ARN} cannot be a CloudHSM trust anchor: it is not self-signed`);
  });
});

describe('external trust anchor', () => {
  const external = (more: Record<string, string> = {}) => ({
    ClusterId: CLUSTER_ID, TrustAnchor: 'EXTERNAL', TrustAnchorParameterName: PARAMETER, RemovalPolicy: 'RETAIN', ValidityDays: '3652', ...more,
  });

  test('without certificates the deploy ends with the cluster UNINITIALIZED and its CSR', async () => {
    fakeAccount(awaitingSignature());
    const e = event(TYPE, 'Create', external());
    expect(await isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt())).toEqual({
      IsComplete: true,
      Data: { ClusterId: CLUSTER_ID, SecurityGroupId: SECURITY_GROUP, TrustAnchorParameterName: PARAMETER, Initialized: 'false', ClusterCsr: csr },
    });
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(0);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(0);
  });
  test('a later deploy with the certificates initializes the cluster with them', async () => {
    fakeAccount(awaitingSignature());
    const signed = await signClusterCsr(csr, root, 3652, NOW);
    const e = event(TYPE, 'Update', external({ SignedCertificate: signed, TrustAnchorCertificate: root.certificatePem }), `${CLUSTER_ID}/initialization`, external());
    expect(await isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt())).toEqual({ IsComplete: false });
    const [initialize] = cloudhsm.commandCalls(InitializeClusterCommand).map((c) => c.args[0].input);
    expect(initialize).toEqual({ ClusterId: CLUSTER_ID, SignedCert: signed.trim() + '\n', TrustAnchor: root.certificatePem.trim() + '\n' });
    expect(ssm.commandCalls(PutParameterCommand)[0].args[0].input.Value).toBe(root.certificatePem.trim() + '\n');
  });
  test('a certificate for an older CSR (the first HSM was replaced) is refused with what to do', async () => {
    fakeAccount(awaitingSignature());
    const signed = await signClusterCsr(await clusterCsr(), root, 3652, NOW);
    const e = event(TYPE, 'Update', external({ SignedCertificate: signed, TrustAnchorCertificate: root.certificatePem }), `${CLUSTER_ID}/initialization`);
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(`The signed certificate does not certify the public key of cluster ${CLUSTER_ID}'s current CSR. The first HSM may have been replaced `
        + 'since the CSR was issued, which changes the CSR: sign the CSR of the cluster now (DescribeClusters Certificates.ClusterCsr, or the ClusterCsr '
        + 'output of a deploy without signedCertificate) and deploy again.');
    expect(cloudhsm.commandCalls(InitializeClusterCommand)).toHaveLength(0);
  });
  test('certificates that do not belong together are refused at once', async () => {
    fakeAccount(awaitingSignature());
    const signed = await signClusterCsr(csr, otherRoot, 3652, NOW);
    await expect(onEvent(event(TYPE, 'Create', external({ SignedCertificate: signed, TrustAnchorCertificate: root.certificatePem })), clientsAt()))
      .rejects.toThrow('The given signed certificate was not issued and signed by the given trust anchor certificate directly.');
  });
  test('a trust anchor that is not a root is refused at once', async () => {
    fakeAccount(awaitingSignature());
    const leaf = await signClusterCsr(csr, root, 365, NOW);
    await expect(onEvent(event(TYPE, 'Create', external({ SignedCertificate: leaf, TrustAnchorCertificate: leaf })), clientsAt()))
      .rejects.toThrow(/^The given trust anchor certificate cannot be a CloudHSM trust anchor: it is not self-signed/);
  });
  test('one certificate without the other is refused', async () => {
    fakeAccount(awaitingSignature());
    await expect(onEvent(event(TYPE, 'Create', external({ SignedCertificate: root.certificatePem })), clientsAt()))
      .rejects.toThrow('Give both the signed cluster certificate and the trust anchor certificate, or neither.');
  });
  test('a cluster initialized outside, with no trust anchor given, is refused with what to give', async () => {
    fakeAccount(newCluster('INITIALIZED', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]));
    const e = event(TYPE, 'Create', external());
    await expect(isComplete(completing(e, await onEvent(e, clientsAt())), clientsAt()))
      .rejects.toThrow(`Cluster ${CLUSTER_ID} is already INITIALIZED, initialized outside this deployment: give its trust anchor and cluster certificate `
        + 'with ClusterTrustAnchor.external({ trustAnchorCertificate, signedCertificate }).');
  });
});

describe('bad properties', () => {
  test('an unknown trust anchor mode is refused', async () => {
    fakeAccount(newCluster('UNINITIALIZED'));
    await expect(onEvent(event(TYPE, 'Create', { ...selfManaged(), TrustAnchor: 'SOMETHING' }), clientsAt()))
      .rejects.toThrow('Unknown TrustAnchor \'SOMETHING\': expected SELF_MANAGED, PRIVATE_CA or EXTERNAL.');
  });
  test('a cluster without subnets cannot get its first HSM', async () => {
    const cluster = newCluster('UNINITIALIZED');
    cluster.SubnetMapping = {};
    fakeAccount(cluster);
    secretHolds(storeAuthority(root));
    await expect(onEvent(event(TYPE, 'Create', selfManaged()), clientsAt()))
      .rejects.toThrow(`Cluster ${CLUSTER_ID} has no subnets: there is no Availability Zone to create its first HSM in.`);
  });
});

describe('delete', () => {
  test('with RETAIN leaves everything and is complete at once', async () => {
    fakeAccount(newCluster('ACTIVE', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]));
    const e = event(TYPE, 'Delete', selfManaged('RETAIN'), `${CLUSTER_ID}/initialization`);
    const result = await onEvent(e, clientsAt());
    expect(cloudhsm.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
    expect(await isComplete(completing(e, result), clientsAt())).toEqual({ IsComplete: true });
  });
  test('with DESTROY deletes the HSMs left and this cluster\'s parameter, and waits until no HSM is left', async () => {
    const account = fakeAccount(newCluster('UNINITIALIZED', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]));
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: PARAMETER, Description: `Trust anchor certificate (PEM) of CloudHSM cluster ${CLUSTER_ID}` }] });
    ssm.on(DeleteParameterCommand).resolves({});
    const e = event(TYPE, 'Delete', selfManaged('DESTROY'), `${CLUSTER_ID}/initialization`);
    const result = await onEvent(e, clientsAt());
    expect(cloudhsm.commandCalls(DeleteHsmCommand).map((c) => c.args[0].input)).toEqual([{ ClusterId: CLUSTER_ID, HsmId: 'hsm-first' }]);
    expect(ssm.commandCalls(DescribeParametersCommand)[0].args[0].input).toEqual({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [PARAMETER] }] });
    expect(ssm.commandCalls(DeleteParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: PARAMETER }]);
    const waiting = completing(e, result);
    expect(await isComplete(waiting, clientsAt(minutes(1)))).toEqual({ IsComplete: false });
    settle(account);
    expect(await isComplete(waiting, clientsAt(minutes(4)))).toEqual({ IsComplete: true });
  });
  test('with DESTROY keeps a parameter that a replacement cluster has written since', async () => {
    fakeAccount(undefined);
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: PARAMETER, Description: 'Trust anchor certificate (PEM) of CloudHSM cluster cluster-zzzzzzzzzzz' }] });
    await onEvent(event(TYPE, 'Delete', selfManaged('DESTROY'), `${CLUSTER_ID}/initialization`), clientsAt());
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(0);
  });
  test('with DESTROY, a parameter and cluster already gone are fine', async () => {
    fakeAccount(undefined);
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [] });
    const e = event(TYPE, 'Delete', selfManaged('DESTROY'), `${CLUSTER_ID}/initialization`);
    const result = await onEvent(e, clientsAt());
    expect(await isComplete(completing(e, result), clientsAt())).toEqual({ IsComplete: true });
    expect(cloudhsm.commandCalls(DeleteHsmCommand)).toHaveLength(0);
  });
  test('with DESTROY, a parameter deleted meanwhile by someone else is fine', async () => {
    fakeAccount(undefined);
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: PARAMETER, Description: `Trust anchor certificate (PEM) of CloudHSM cluster ${CLUSTER_ID}` }] });
    ssm.on(DeleteParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    await expect(onEvent(event(TYPE, 'Delete', selfManaged('DESTROY'), `${CLUSTER_ID}/initialization`), clientsAt())).resolves.toBeDefined();
  });
  test('with DESTROY is refused while a KMS custom key store uses the cluster', async () => {
    fakeAccount(newCluster('ACTIVE', [hsm('hsm-first', 'us-east-1a', 'ACTIVE')]));
    kms.on(DescribeCustomKeyStoresCommand).resolves({ CustomKeyStores: [{ CustomKeyStoreId: 'cks-1234567890abcdef0', CloudHsmClusterId: CLUSTER_ID }] });
    await expect(onEvent(event(TYPE, 'Delete', selfManaged('DESTROY'), `${CLUSTER_ID}/initialization`), clientsAt()))
      .rejects.toThrow(/^CloudHSM cluster cluster-abcdefghijk is used by the KMS custom key store\(s\) cks-1234567890abcdef0/);
    expect(cloudhsm.commandCalls(DeleteHsmCommand)).toHaveLength(0);
    expect(ssm.commandCalls(DeleteParameterCommand)).toHaveLength(0);
  });
});
