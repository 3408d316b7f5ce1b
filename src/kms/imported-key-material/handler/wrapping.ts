/**
 * Key material for a symmetric KMS key with imported material, as this library stores it, and its
 * wrapping for `ImportKeyMaterial`. Used by the import handler; plain functions, no AWS calls.
 *
 * Nothing here logs, and no error message contains the material or any part of it.
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';

/** Length of the key material of a symmetric encryption KMS key: 256 bits. */
export const KEY_MATERIAL_BYTES = 32;

/** The wrapping algorithm asked of `GetParametersForImport`. */
export const WRAPPING_ALGORITHM = 'RSAES_OAEP_SHA_256';

/** The wrapping key asked of `GetParametersForImport`: the largest RSA key KMS offers. */
export const WRAPPING_KEY_SPEC = 'RSA_4096';

const WRAPPING_KEY_BITS = 4096;

/**
 * Standard base64 (RFC 4648 section 4) of exactly 32 bytes: 43 characters of the base64 alphabet,
 * then the padding `=` (optional). Whitespace around it (a trailing newline) is ignored.
 */
const MATERIAL_BASE64 = /^[A-Za-z0-9+/]{43}=?$/;

/**
 * Reads key material from the text of a secret: the base64 of 32 bytes.
 *
 * @param text the secret's value
 * @param source what holds it, for error messages (for example `secret arn:aws:...`)
 * @returns a new buffer of 32 bytes; the caller should zero it after use
 * @throws an error that describes the problem by lengths only, never by content
 */
export function parseKeyMaterial(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!MATERIAL_BASE64.test(trimmed)) {
    const reason = /^[A-Za-z0-9+/]*={0,2}$/.test(trimmed)
      ? `base64 of ${Buffer.from(trimmed, 'base64').length} bytes (${trimmed.length} characters)`
      : `${trimmed.length} characters that are not all base64`;
    throw new Error(`The ${source} does not hold key material in the expected format: it holds ${reason}; `
      + `expected the standard base64 of exactly ${KEY_MATERIAL_BYTES} random bytes (44 characters ending in '='), `
      + `for example the output of 'openssl rand -base64 ${KEY_MATERIAL_BYTES}'.`);
  }
  return Buffer.from(trimmed, 'base64');
}

/**
 * Encrypts key material under the wrapping public key that `GetParametersForImport` returned, with
 * RSAES-OAEP, SHA-256 as both the OAEP hash and the MGF1 hash (`RSAES_OAEP_SHA_256`).
 *
 * @param material the 32 bytes of key material
 * @param publicKeyDer the `PublicKey` of the `GetParametersForImport` response: a DER-encoded
 * X.509 SubjectPublicKeyInfo
 * @returns the `EncryptedKeyMaterial` for `ImportKeyMaterial` (512 bytes)
 */
export function wrapKeyMaterial(material: Uint8Array, publicKeyDer: Uint8Array): Buffer {
  if (material.length !== KEY_MATERIAL_BYTES) {
    throw new Error(`Key material must be ${KEY_MATERIAL_BYTES} bytes; got ${material.length} bytes.`);
  }
  const publicKey = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (publicKey.asymmetricKeyType !== 'rsa' || bits !== WRAPPING_KEY_BITS) {
    throw new Error(`The wrapping public key is ${publicKey.asymmetricKeyType} ${bits ?? '?'} bits; `
      + `expected the ${WRAPPING_KEY_SPEC} key asked of GetParametersForImport.`);
  }
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
}
