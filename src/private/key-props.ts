import { KmiValidationError } from './errors';

/** The whole-days check lives with the other shared prop checks; kept here for the key constructs that import it from this file. */
export { checkDays } from './prop-checks';

/** KMS rotation periods, in days. */
export const MIN_ROTATION_DAYS = 90;
export const MAX_ROTATION_DAYS = 2560;
/** KMS waiting periods before a key is deleted, in days. */
export const MIN_PENDING_WINDOW_DAYS = 7;
export const MAX_PENDING_WINDOW_DAYS = 30;

const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;
const MAX_ALIAS_LENGTH = 256;

/** Refuses a KMS alias name that KMS would refuse, saying why. */
export function checkAlias(path: string, alias: string): void {
  const problem = !alias.startsWith('alias/') ? `Write it as 'alias/${alias}'.`
    : alias.startsWith('alias/aws/') ? 'Aliases beginning with alias/aws/ are reserved for AWS managed keys.'
      : alias.length > MAX_ALIAS_LENGTH ? `It has ${alias.length} characters.`
        : !ALIAS_PATTERN.test(alias) ? 'Remove the characters that are not allowed.'
          : undefined;
  if (problem !== undefined) {
    throw new KmiValidationError({
      path,
      prop: 'alias',
      given: `'${alias}'`,
      allowed: `'alias/' followed by letters, digits, '/', '_' or '-', at most ${MAX_ALIAS_LENGTH} characters in all, not in the reserved 'alias/aws/' namespace`,
      fix: problem,
    });
  }
}
