import { Token } from 'aws-cdk-lib';

/**
 * What was wrong with one prop: enough for the user to fix it without reading the source.
 */
export interface PropErrorDetails {
  /** The construct path of the construct being built (`scope.node.path` + `/` + `id`). */
  readonly path: string;
  /** The prop (or combination of props) that was refused. */
  readonly prop: string;
  /** The value that was given, rendered for humans. */
  readonly given: string;
  /** What is allowed instead. */
  readonly allowed: string;
  /** How to fix it, when it is not obvious from `allowed`. */
  readonly fix?: string;
}

/**
 * Error thrown at synth time for an invalid prop of a cdk-kmi construct.
 * The message names the construct path, the prop, the value given and what is allowed.
 */
export class KmiValidationError extends Error {
  constructor(details: PropErrorDetails) {
    const fix = details.fix ? ` ${details.fix}` : '';
    super(`${details.path}: invalid ${details.prop}: got ${details.given}; allowed: ${details.allowed}.${fix}`);
    this.name = 'KmiValidationError';
  }
}

/** The construct path a child `id` of `scope` will have, for errors thrown before `super()`. */
export function childPath(scope: { node: { path: string } }, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/** True when a value is known at synth time (not an unresolved token), so it can be validated. */
export function isResolved(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}
