/**
 * The one spelling of a removal policy between a construct and its custom resource handler: the
 * construct writes it into the resource properties, the handler reads it on Delete.
 *
 * No imports: constructs and handlers both load this file.
 */

/** What a handler does on Delete: keep what it made (`RETAIN`, the default) or delete it (`DESTROY`). */
export type RemovalPolicyValue = 'RETAIN' | 'DESTROY';

/** The property value for a construct that destroys on delete, or retains. */
export function removalPolicyValue(destroy: boolean): RemovalPolicyValue {
  return destroy ? 'DESTROY' : 'RETAIN';
}

/**
 * True when a handler is asked to destroy on Delete. It also reads `destroy`, the spelling
 * CustomKeyStore wrote before this one, because a Delete event carries the properties the resource
 * was last deployed with. Anything else retains: nothing is lost by an unknown value.
 */
export function isDestroy(value: string | undefined): boolean {
  return value === 'DESTROY' || value === 'destroy';
}
