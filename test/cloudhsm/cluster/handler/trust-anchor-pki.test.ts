import 'reflect-metadata';
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  certifiesCsrKey, checkTrustAnchor, createTrustAnchor, isSignedBy, parseStoredAuthority, signClusterCsr, storeAuthority, trustAnchorProblems,
} from '../../../../src/cloudhsm/cluster/handler/trust-anchor-pki';

const NOW = new Date('2026-11-30T12:00:00Z');
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]) };

/** A CSR as a new CloudHSM cluster's first HSM makes it: RSA 2048, SHA-256, subject naming the cluster. */
async function clusterCsr(): Promise<{ pem: string; spki: Buffer }> {
  const keys = await webcrypto.subtle.generateKey({ ...RSA, modulusLength: 2048 }, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'C=US, ST=CA, L=San Jose, O=Cavium, OU=N3FIPS, CN=HSM:5.3G1941-ICM000001:PARTN:2',
    keys: keys as never,
    signingAlgorithm: RSA,
  });
  return { pem: csr.toString('pem'), spki: Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)) };
}

describe('self-managed trust anchor, signing a cluster CSR for real', () => {
  let anchor: Awaited<ReturnType<typeof createTrustAnchor>>;
  let csr: Awaited<ReturnType<typeof clusterCsr>>;
  let signed: string;

  beforeAll(async () => {
    anchor = await createTrustAnchor({ commonName: 'Test trust anchor', keySize: 2048, validityDays: 3652, now: NOW });
    csr = await clusterCsr();
    signed = await signClusterCsr(csr.pem, anchor, 3652, NOW);
  });

  test('the root is a self-signed CA: Basic Constraints CA:TRUE (critical), keyCertSign, its signature verifies with its own key', () => {
    const root = new X509Certificate(anchor.certificatePem);
    expect(root.ca).toBe(true);
    expect(root.checkIssued(root)).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(root.subject).toBe('CN=Test trust anchor');
    const parsed = new x509.X509Certificate(anchor.certificatePem);
    const basic = parsed.getExtension(x509.BasicConstraintsExtension)!;
    expect(basic.ca).toBe(true);
    expect(basic.critical).toBe(true);
    expect(parsed.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.keyCertSign + x509.KeyUsageFlags.cRLSign);
    expect(trustAnchorProblems(anchor.certificatePem, NOW)).toEqual([]);
  });

  test('the root\'s private key (PKCS #8) matches its certificate', () => {
    const fromKey = createPublicKey(createPrivateKey(anchor.privateKeyPem));
    expect(fromKey.equals(new X509Certificate(anchor.certificatePem).publicKey)).toBe(true);
  });

  test('the signed cluster certificate verifies with the root\'s public key and names the root as issuer', () => {
    const certificate = new X509Certificate(signed);
    const root = new X509Certificate(anchor.certificatePem);
    expect(certificate.verify(root.publicKey)).toBe(true);
    expect(certificate.checkIssued(root)).toBe(true);
    expect(certificate.issuer).toBe(root.subject);
    expect(certificate.ca).toBe(false);
    expect(isSignedBy(signed, anchor.certificatePem)).toBe(true);
  });

  test('the signed certificate carries the CSR\'s subject and public key', () => {
    const certificate = new X509Certificate(signed);
    expect(certificate.subject).toContain('CN=HSM:5.3G1941-ICM000001:PARTN:2');
    expect(certificate.publicKey.export({ type: 'spki', format: 'der' })).toEqual(csr.spki);
    expect(certifiesCsrKey(signed, csr.pem)).toBe(true);
  });

  test('the signed certificate ends no later than the root', () => {
    const certificate = new X509Certificate(signed);
    expect(new Date(certificate.validTo).getTime()).toBeLessThanOrEqual(new Date(new X509Certificate(anchor.certificatePem).validTo).getTime());
    expect(new Date(certificate.validFrom).getTime()).toBeLessThanOrEqual(NOW.getTime());
  });

  test('a certificate from another root does not verify against this one', async () => {
    const other = await createTrustAnchor({ commonName: 'Other root', keySize: 2048, validityDays: 400, now: NOW });
    const foreign = await signClusterCsr(csr.pem, other, 365, NOW);
    expect(isSignedBy(foreign, anchor.certificatePem)).toBe(false);
    expect(isSignedBy(foreign, other.certificatePem)).toBe(true);
  });

  test('a certificate for another CSR does not certify this CSR\'s key', async () => {
    const otherCsr = await clusterCsr();
    expect(certifiesCsrKey(await signClusterCsr(otherCsr.pem, anchor, 365, NOW), csr.pem)).toBe(false);
  });

  test('a CSR whose signature does not verify is refused', async () => {
    const other = await clusterCsr();
    // Same structure, signature of another request: swap the signature bits.
    const a = Buffer.from(new x509.Pkcs10CertificateRequest(csr.pem).rawData);
    const b = Buffer.from(new x509.Pkcs10CertificateRequest(other.pem).rawData);
    const tampered = Buffer.concat([a.subarray(0, a.length - 256), b.subarray(b.length - 256)]);
    const pem = x509.PemConverter.encode(tampered.buffer.slice(tampered.byteOffset, tampered.byteOffset + tampered.byteLength), 'CERTIFICATE REQUEST');
    await expect(signClusterCsr(pem, anchor, 365, NOW)).rejects.toThrow(/CSR's signature does not verify with its own public key/);
  });

  test('the stored form round-trips, and a placeholder value is no authority', () => {
    expect(parseStoredAuthority(storeAuthority(anchor))).toEqual(anchor);
    expect(parseStoredAuthority('generated-placeholder-value')).toBeUndefined();
    expect(parseStoredAuthority(undefined)).toBeUndefined();
  });
});

describe('trust anchor checks', () => {
  test('a 4096-bit root is accepted', async () => {
    const anchor = await createTrustAnchor({ commonName: 'Big root', keySize: 4096, validityDays: 3652, now: NOW });
    expect(new X509Certificate(anchor.certificatePem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(() => checkTrustAnchor(anchor.certificatePem, NOW)).not.toThrow();
  });
  test('other key sizes are refused when creating', async () => {
    await expect(createTrustAnchor({ commonName: 'x', keySize: 3072, validityDays: 365, now: NOW })).rejects.toThrow(/must be one of 2048, 4096 bits; got 3072/);
  });
  test('a certificate that is not self-signed cannot be a trust anchor', async () => {
    const root = await createTrustAnchor({ commonName: 'Root', keySize: 2048, validityDays: 3652, now: NOW });
    const leaf = await signClusterCsr((await clusterCsr()).pem, root, 365, NOW);
    expect(() => checkTrustAnchor(leaf, NOW, 'The given trust anchor certificate'))
      .toThrow(/^The given trust anchor certificate cannot be a CloudHSM trust anchor: it is not self-signed/);
  });
  test('an EC root is refused', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const ec = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=EC root',
      keys: keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 1e10),
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    expect(() => checkTrustAnchor(ec.toString('pem'), NOW)).toThrow(/its key is EC; CloudHSM accepts RSA 2048 or RSA 4096/);
  });
  test('a root with extensions but no Basic Constraints CA, or expired, is refused', async () => {
    const keys = await webcrypto.subtle.generateKey({ ...RSA, modulusLength: 2048 }, true, ['sign', 'verify']);
    const noCa = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Not a CA',
      keys: keys as never,
      signingAlgorithm: RSA,
      notBefore: new Date('2020-01-01'),
      notAfter: new Date('2021-01-01'),
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    });
    expect(trustAnchorProblems(noCa.toString('pem'), NOW)).toEqual([
      'it has X.509 v3 extensions without Basic Constraints CA:TRUE',
      'it expired on Jan  1 00:00:00 2021 GMT',
    ]);
  });
  test('text that is not a certificate is refused with a clear message', () => {
    expect(() => checkTrustAnchor('hello', NOW)).toThrow(/^The trust anchor is not a PEM X.509 certificate/);
  });
});
