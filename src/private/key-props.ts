import { Duration } from 'aws-cdk-lib';
import { KmiValidationError } from './errors';

/** KMS rotation periods, in days. */
export const MIN_ROTATION_DAYS = 90;
export const MAX_ROTATION_DAYS = 2560;
/** KMS waiting periods before a key is deleted, in days. */
export const MIN_PENDING_WINDOW_DAYS = 7;
export const MAX_PENDING_WINDOW_DAYS = 30;

const ALIAS_PATTERN = /^alias\/[a-zA-Z0-9/_-]+$/;
const MAX_ALIAS_LENGTH = 256;

/** Refuses a duration that is not a whole number of days from `min` to `max` (unresolved values pass). */
export function checkDays(path: string, prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new KmiValidationError({
      path,
      prop,
      given: `${days} days`,
      allowed: `a whole number of days from ${min} to ${max}`,
    });
  }
}

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
