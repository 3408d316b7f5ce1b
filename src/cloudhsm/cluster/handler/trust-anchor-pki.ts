/**
 * The certificates of a CloudHSM cluster's initialization: a self-managed trust anchor (a self-signed
 * RSA root with Basic Constraints CA), signing the cluster's CSR with it, and the checks every trust
 * anchor and signed cluster certificate must pass before `InitializeCluster`.
 *
 * CloudHSM requires the trust anchor to be a self-signed root (RFC 5280) that signs the cluster CSR
 * directly, with an RSA 2048 or RSA 4096 key, and Basic Constraints present when it has extensions.
 *
 * Certificates are built with @peculiar/x509 on the platform's WebCrypto; they are read back and
 * checked with node:crypto's X509Certificate. Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the cluster's *.lambda.ts handlers (the AWS SDK comes with the Lambda runtime) */
import 'reflect-metadata';
import { KeyObject, X509Certificate, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** RSA PKCS#1 v1.5 with SHA-256: the signature of the trust anchor and of the certificates it signs. */
const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past, so that a clock a few minutes behind still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;
/** RSA key sizes CloudHSM accepts for the trust anchor. */
export const TRUST_ANCHOR_KEY_SIZES = [2048, 4096];

/** A certificate authority that the handler holds: its certificate and its PKCS #8 private key, both PEM. */
export interface CertificateAuthority {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** What a new self-managed trust anchor is made of. */
export interface TrustAnchorSpec {
  /** The subject common name. */
  readonly commonName: string;
  /** RSA modulus length: 2048 or 4096. */
  readonly keySize: number;
  /** Validity in days from now. */
  readonly validityDays: number;
  /** The time of creation. */
  readonly now: Date;
}

/**
 * Creates a self-signed root: a new RSA key pair, Basic Constraints CA (critical), key usage
 * keyCertSign and cRLSign (critical), a subject key identifier.
 */
export async function createTrustAnchor(spec: TrustAnchorSpec): Promise<CertificateAuthority> {
  if (!TRUST_ANCHOR_KEY_SIZES.includes(spec.keySize)) {
    throw new Error(`The trust anchor key size must be one of ${TRUST_ANCHOR_KEY_SIZES.join(', ')} bits; got ${spec.keySize}.`);
  }
  const keys = await webcrypto.subtle.generateKey(
    { ...SIGNING, modulusLength: spec.keySize, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: new x509.Name([{ CN: [spec.commonName] }]),
    notBefore: new Date(spec.now.getTime() - BACKDATE_MS),
    notAfter: new Date(spec.now.getTime() + spec.validityDays * DAY_MS),
    signingAlgorithm: SIGNING,
    keys: keys as unknown as CryptoKeyPairLike,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      // Distinct flag bits: their sum is the set of both.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign + x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as PublicCryptoKeyLike),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

/**
 * Signs a cluster CSR with the trust anchor directly: the certificate has the CSR's subject and public
 * key, the anchor as issuer, and ends no later than the anchor. The CSR's own signature is checked first.
 */
export async function signClusterCsr(csrPem: string, ca: CertificateAuthority, validityDays: number, now: Date): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!await csr.verify()) {
    throw new Error('The cluster CSR\'s signature does not verify with its own public key: it is not signed by the HSM; refusing to sign it.');
  }
  const anchor = new x509.X509Certificate(ca.certificatePem);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pemBody(ca.privateKeyPem), SIGNING, false, ['sign']);
  const notAfter = Math.min(now.getTime() + validityDays * DAY_MS, anchor.notAfter.getTime());
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: csr.subjectName,
    issuer: anchor.subjectName,
    publicKey: csr.publicKey,
    signingKey: signingKey as unknown as PrivateCryptoKeyLike,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING,
  });
  return certificate.toString('pem');
}

/**
 * Checks that a certificate can be a CloudHSM trust anchor: a self-signed root, RSA 2048 or 4096, with
 * Basic Constraints CA when it has extensions, valid now. Returns a list of problems (empty when fine).
 */
export function trustAnchorProblems(pem: string, now: Date): string[] {
  const certificate = parseCertificate(pem, 'trust anchor');
  const problems: string[] = [];
  if (certificate.subject !== certificate.issuer || !certificate.verify(certificate.publicKey)) {
    problems.push(`it is not self-signed (subject '${certificate.subject}', issuer '${certificate.issuer}'): `
      + 'CloudHSM needs the root certificate that signs the cluster certificate directly');
  }
  const bits = rsaBits(certificate.publicKey);
  if (!TRUST_ANCHOR_KEY_SIZES.includes(bits)) {
    problems.push(`its key is ${describeKey(certificate.publicKey)}; CloudHSM accepts RSA 2048 or RSA 4096`);
  }
  if (!certificate.ca && hasExtensions(pem)) {
    problems.push('it has X.509 v3 extensions without Basic Constraints CA:TRUE');
  }
  if (new Date(certificate.validTo).getTime() <= now.getTime()) {
    problems.push(`it expired on ${certificate.validTo}`);
  }
  return problems;
}

/** Throws when a certificate cannot be a trust anchor. */
export function checkTrustAnchor(pem: string, now: Date, what = 'The trust anchor'): void {
  const problems = trustAnchorProblems(pem, now);
  if (problems.length > 0) {
    throw new Error(`${what} cannot be a CloudHSM trust anchor: ${problems.join('; ')}.`);
  }
}

/** True when the certificate was issued and signed by the trust anchor. */
export function isSignedBy(certificatePem: string, trustAnchorPem: string): boolean {
  const certificate = parseCertificate(certificatePem, 'certificate');
  const anchor = parseCertificate(trustAnchorPem, 'trust anchor');
  return certificate.checkIssued(anchor) && certificate.verify(anchor.publicKey);
}

/** True when the certificate carries the CSR's public key (so it certifies the key the HSM holds). */
export function certifiesCsrKey(certificatePem: string, csrPem: string): boolean {
  const certificate = parseCertificate(certificatePem, 'certificate');
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const csrKey = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  return certificate.publicKey.equals(csrKey);
}

/** The issuer of a certificate, for messages. */
export function issuerOf(pem: string): string {
  try {
    return new X509Certificate(pem).issuer;
  } catch {
    return 'an unreadable issuer';
  }
}

/** The PEM text of the first certificate in a string, normalized (a trailing newline). */
export function normalizePem(pem: string): string {
  return parseCertificate(pem, 'certificate').toString().trim() + '\n';
}

/** True when the string holds a CA as this handler stores it in its secret. */
export function parseStoredAuthority(secretString: string | undefined): CertificateAuthority | undefined {
  if (!secretString) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(secretString) as Partial<CertificateAuthority>;
    if (typeof parsed.certificatePem === 'string' && typeof parsed.privateKeyPem === 'string'
      && parsed.privateKeyPem.includes('BEGIN PRIVATE KEY')) {
      parseCertificate(parsed.certificatePem, 'stored trust anchor');
      return { certificatePem: parsed.certificatePem, privateKeyPem: parsed.privateKeyPem };
    }
  } catch {
    // not a stored authority: the placeholder the secret was created with
  }
  return undefined;
}

/** The stored form of a CA (the secret's value). */
export function storeAuthority(ca: CertificateAuthority): string {
  return JSON.stringify({ certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem });
}

/** The days from `now` until the certificate expires, rounded down. */
export function daysLeft(certificatePem: string, now: Date): number {
  const certificate = parseCertificate(certificatePem, 'certificate');
  return Math.floor((new Date(certificate.validTo).getTime() - now.getTime()) / DAY_MS);
}

function parseCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new Error(`The ${what} is not a PEM X.509 certificate: ${(error as Error).message}`);
  }
}

function rsaBits(key: KeyObject): number {
  return key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength ?? 0 : 0;
}

function describeKey(key: KeyObject): string {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  return `${key.asymmetricKeyType?.toUpperCase()}${bits ? ` ${bits}` : ''}`;
}

function hasExtensions(pem: string): boolean {
  return new x509.X509Certificate(pem).extensions.length > 0;
}

function pemBody(pem: string): ArrayBuffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

/** A positive 16-byte serial number (RFC 5280 allows at most 20 bytes, positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  // First byte 1..127: the top bit clear (positive) and not zero (no leading zero byte).
  bytes[0] = (bytes[0] % 0x7f) + 1;
  return bytes.toString('hex');
}

/** The WebCrypto key types @peculiar/x509 declares against the DOM library, for node:crypto's keys. */
type CryptoKeyPairLike = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
type PublicCryptoKeyLike = CryptoKeyPairLike['publicKey'];
type PrivateCryptoKeyLike = CryptoKeyPairLike['privateKey'];
