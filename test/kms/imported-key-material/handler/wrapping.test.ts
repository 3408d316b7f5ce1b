import { constants, generateKeyPairSync, KeyObject, privateDecrypt, randomBytes } from 'node:crypto';
import { KEY_MATERIAL_BYTES, parseKeyMaterial, wrapKeyMaterial } from '../../../../src/kms/imported-key-material/handler/wrapping';

/**
 * The wrapping runs for real: a wrapping key pair is generated here as KMS generates one for
 * GetParametersForImport (RSA 4096), its public key is handed over as KMS hands it over (DER
 * SubjectPublicKeyInfo bytes), and what the library wraps is unwrapped with the private key, as KMS
 * unwraps it (RSAES-OAEP with SHA-256).
 */
let privateKey: KeyObject;
let publicKeyDer: Buffer;

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 4096 });
  privateKey = pair.privateKey;
  publicKeyDer = pair.publicKey.export({ format: 'der', type: 'spki' });
});

function unwrap(wrapped: Buffer, oaepHash = 'sha256'): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, wrapped);
}

describe('wrapKeyMaterial', () => {
  test('wraps 32 bytes so that the holder of the RSA 4096 private key recovers them with RSAES-OAEP SHA-256', () => {
    const material = randomBytes(32);
    const wrapped = wrapKeyMaterial(material, publicKeyDer);
    expect(wrapped).toHaveLength(512);
    expect(unwrap(wrapped).equals(material)).toBe(true);
  });
  test('uses SHA-256 for OAEP: unwrapping with SHA-1 fails', () => {
    const wrapped = wrapKeyMaterial(randomBytes(32), publicKeyDer);
    expect(() => unwrap(wrapped, 'sha1')).toThrow();
  });
  test('is randomized: the same material wraps differently each time', () => {
    const material = randomBytes(32);
    expect(wrapKeyMaterial(material, publicKeyDer).equals(wrapKeyMaterial(material, publicKeyDer))).toBe(false);
  });
  test('accepts the public key as the Uint8Array the SDK returns', () => {
    const material = randomBytes(32);
    expect(unwrap(wrapKeyMaterial(material, new Uint8Array(publicKeyDer))).equals(material)).toBe(true);
  });
  test('refuses a wrapping key other than RSA 4096', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' });
    expect(() => wrapKeyMaterial(randomBytes(32), small))
      .toThrow('The wrapping public key is rsa 2048 bits; expected the RSA_4096 key asked of GetParametersForImport.');
  });
  test('refuses material that is not 32 bytes', () => {
    expect(() => wrapKeyMaterial(randomBytes(16), publicKeyDer)).toThrow('Key material must be 32 bytes; got 16 bytes.');
  });
});

describe('parseKeyMaterial', () => {
  test('reads the base64 of 32 bytes', () => {
    const material = randomBytes(KEY_MATERIAL_BYTES);
    expect(parseKeyMaterial(material.toString('base64'), 'secret s').equals(material)).toBe(true);
  });
  test('ignores surrounding whitespace, such as the newline openssl writes', () => {
    const material = randomBytes(32);
    expect(parseKeyMaterial(` ${material.toString('base64')}\n`, 'secret s').equals(material)).toBe(true);
  });
  test('accepts base64 without its padding', () => {
    const material = randomBytes(32);
    expect(parseKeyMaterial(material.toString('base64').replace(/=$/, ''), 'secret s').equals(material)).toBe(true);
  });
  test.each([
    ['16 bytes', randomBytes(16).toString('base64'), /holds base64 of 16 bytes \(24 characters\)/],
    ['33 bytes', randomBytes(33).toString('base64'), /holds base64 of 33 bytes \(44 characters\)/],
    ['hexadecimal of 32 bytes', randomBytes(32).toString('hex'), /holds base64 of 48 bytes \(64 characters\)/],
    ['base64url of 32 bytes', `${'-_'.repeat(21)}AB`, /holds 44 characters that are not all base64/],
    ['a JSON document', '{"material":"x"}', /holds 16 characters that are not all base64/],
    ['nothing', '', /holds base64 of 0 bytes \(0 characters\)/],
  ])('refuses %s, describing it by length only', (_, text, detail) => {
    expect(() => parseKeyMaterial(text, 'secret arn:s')).toThrow(detail);
    expect(() => parseKeyMaterial(text, 'secret arn:s'))
      .toThrow(/^The secret arn:s does not hold key material in the expected format: .*; expected the standard base64 of exactly 32 random bytes/);
  });
  test('never repeats the value in its error', () => {
    const near = randomBytes(31).toString('base64');
    let message = '';
    try {
      parseKeyMaterial(near, 'secret s');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/31 bytes/);
    expect(message).not.toContain(near);
    expect(message).not.toContain(near.slice(0, 8));
  });
});
