/** Error names AWS services give an authorization failure. */
const AUTHORIZATION_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'CloudHsmAccessDeniedException']);

/**
 * For a custom resource handler: an authorization failure of one API call, as an error that names the
 * permission the handler needed; `undefined` for any other error.
 */
export function deniedError(permission: string, error: unknown): Error | undefined {
  const e = error as Error;
  if (!AUTHORIZATION_ERRORS.has(e?.name)) {
    return undefined;
  }
  return new Error(`${permission} was denied (${e.name}): the custom resource's role, or a key or resource policy, SCP or `
    + `permissions boundary, does not allow it. ${e.message}`);
}

/** Runs one API call of a custom resource handler; an authorization failure names the missing permission. */
export async function call<T>(permission: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw deniedError(permission, error) ?? error;
  }
}
