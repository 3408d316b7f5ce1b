/**
 * Structured logging for custom resource handlers: one JSON line a call. A field whose name says it
 * holds a secret (a password, secret, credential, token, PIN or private key, but not the ARN, id or
 * name of one) is written as `[redacted]`, as is any value that looks like a private key, so a
 * handler cannot print a secret by accident.
 */

/** Field names that hold secret values. */
const SECRET_FIELD = /(password|passphrase|secret|secretaccesskey|credential|token|pin|privatekey|private_key)$/i;
/** Field names that only identify a secret. */
const SECRET_REFERENCE = /(arn|id|name|parametername)$/i;
/** A PEM private key. */
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export const REDACTED = '[redacted]';

/** The fields, with every secret value replaced by `[redacted]` (at any depth). */
export function redact(value: unknown, field = ''): unknown {
  if (field && SECRET_FIELD.test(field) && !SECRET_REFERENCE.test(field)) {
    return REDACTED;
  }
  if (typeof value === 'string') {
    return PRIVATE_KEY.test(value) ? REDACTED : value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => redact(v));
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

/** One line of structured log: names, ids and states; secret values are redacted. */
export function log(message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ message, ...redact(fields) as Record<string, unknown> }));
}
