/**
 * How a custom resource handler reports a failed AWS call: an authorization failure names the
 * permission the handler needed; other errors may be explained by the handler; every error keeps the
 * AWS error name, so that callers can still tell them apart.
 */

/** Error names AWS services give an authorization failure. */
const AUTHORIZATION_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'CloudHsmAccessDeniedException']);

/** An Error with a given name (the AWS error name it stands for). */
export function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** The name of an error, or '' for something thrown that is not one. */
export function errorName(error: unknown): string {
  return (error as Error)?.name ?? '';
}

/**
 * An authorization failure of one API call, as an error that names the permission the handler
 * needed; `undefined` for any other error.
 */
export function deniedError(permission: string, error: unknown): Error | undefined {
  const e = error as Error;
  if (!AUTHORIZATION_ERRORS.has(e?.name)) {
    return undefined;
  }
  return named(e.name, `${permission} was denied (${e.name}): the custom resource's role, or a key or resource policy, SCP or `
    + `permissions boundary, does not allow it. ${e.message}`);
}

/** Replaces an error of an API call by a clearer one, or answers `undefined` to keep it. */
export type ExplainError = (error: Error, permission: string) => Error | undefined;

/**
 * Runs one API call of a custom resource handler: an authorization failure names the missing
 * permission, and `explain` may replace any other error with one that says what to fix.
 */
export async function call<T>(permission: string, send: () => Promise<T>, explain?: ExplainError): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const e = error as Error;
    throw deniedError(permission, e) ?? explain?.(e, permission) ?? e;
  }
}
