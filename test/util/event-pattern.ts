/**
 * Evaluates an EventBridge event pattern against an event offline, as EventBridge documents it, for
 * the part of the pattern language that cdk-kmi writes: exact values only.
 *
 * - Every field of the pattern must be in the event (AND); a field's array lists the values that
 *   match (OR).
 * - When the event's value is an array of values, the pattern matches if the two arrays share a value.
 * - When the event's value is an array of objects (such as CloudTrail's `resources`), a nested
 *   pattern matches if it matches one of the objects.
 * - Any other operator (`prefix`, `anything-but`, `exists`, `numeric`, `$or`, …) throws, so a pattern
 *   that starts using one cannot pass a test by accident.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (event === null || typeof event !== 'object') {
    return false;
  }
  if (Array.isArray(event)) {
    return event.some((element) => matchesEventPattern(pattern, element));
  }
  return Object.entries(pattern).every(([name, expected]) => {
    if (name.startsWith('$')) {
      throw new Error(`unsupported event pattern operator: ${name}`);
    }
    if (!(name in event)) {
      return false;
    }
    const actual = (event as Record<string, unknown>)[name];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => expected.some((wanted) => matchesValue(wanted, value)));
    }
    if (expected !== null && typeof expected === 'object') {
      return matchesEventPattern(expected as Record<string, unknown>, actual);
    }
    throw new Error(`invalid event pattern: the value of '${name}' must be an array or an object, got ${JSON.stringify(expected)}`);
  });
}

function matchesValue(wanted: unknown, value: unknown): boolean {
  if (wanted !== null && typeof wanted === 'object') {
    throw new Error(`unsupported event pattern operator: ${JSON.stringify(wanted)}`);
  }
  return value !== null && typeof value === 'object' ? false : wanted === value;
}
