import { flatten, isObject, listOf, unresolved } from './values';

/** One statement of a resolved IAM policy document. */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  /** `Action`, or undefined when the statement uses `NotAction`. */
  readonly actions?: string[];
  readonly notActions?: string[];
  /** The `Principal` element; undefined in identity policies. */
  readonly principal?: unknown;
  readonly notPrincipal?: unknown;
  /** `Resource` items, or undefined when the statement uses `NotResource`. */
  readonly resources?: unknown[];
  readonly notResources?: unknown[];
  /** The `Condition` block: operator, then condition key, then values. */
  readonly conditions: Record<string, Record<string, unknown>>;
}

/**
 * The statements of a resolved policy document, given as an object or as a JSON string. A document
 * or statement built at deployment (an `Fn::If` left undecided, a parameter) cannot be read: it throws
 * a `NotAssessedError`.
 */
export function statementsOf(document: unknown, where: string): Statement[] {
  if (document === undefined) {
    return [];
  }
  const parsed = typeof document === 'string' ? parseJson(document, where) : document;
  if (!isObject(parsed) || Object.keys(parsed).some((key) => key === 'Ref' || key.startsWith('Fn::'))) {
    throw unresolved(where, document);
  }
  if (isObject(parsed.Statement) && Object.keys(parsed.Statement).some((key) => key === 'Ref' || key.startsWith('Fn::'))) {
    throw unresolved(`the Statement of ${where}`, parsed.Statement);
  }
  return listOf(parsed.Statement).map((raw) => {
    if (!isObject(raw) || (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')) {
      throw unresolved(`a statement of ${where}`, raw);
    }
    return {
      effect: raw.Effect,
      actions: raw.Action === undefined ? undefined : listOf(raw.Action).map((action) => flatten(action)),
      notActions: raw.NotAction === undefined ? undefined : listOf(raw.NotAction).map((action) => flatten(action)),
      principal: raw.Principal,
      notPrincipal: raw.NotPrincipal,
      resources: raw.Resource === undefined ? undefined : listOf(raw.Resource),
      notResources: raw.NotResource === undefined ? undefined : listOf(raw.NotResource),
      conditions: isObject(raw.Condition) ? raw.Condition : {},
    };
  });
}

/** True when an IAM pattern (`*` and `?` wildcards, case-insensitive, as IAM compares actions) matches the value. */
export function wildcardMatches(pattern: string, value: string): boolean {
  let regex = PATTERNS.get(pattern);
  if (regex === undefined) {
    const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
    regex = new RegExp(`^${source}$`, 'i');
    if (PATTERNS.size > 10_000) {
      PATTERNS.clear();
    }
    PATTERNS.set(pattern, regex);
  }
  return regex.test(value);
}

/** The regular expressions of the IAM patterns met, compiled once. */
const PATTERNS = new Map<string, RegExp>();

/** True when the statement's `Action` (or `NotAction`) covers the action. */
export function coversAction(statement: Statement, action: string): boolean {
  if (statement.actions) {
    return statement.actions.some((pattern) => wildcardMatches(pattern, action));
  }
  return !(statement.notActions ?? []).some((pattern) => wildcardMatches(pattern, action));
}

/** True when the statement has a condition block. */
export function isConditional(statement: Statement): boolean {
  return Object.keys(statement.conditions).length > 0;
}

/**
 * True when the statement's `Principal` is everyone: `"*"`, or `{ "AWS": "*" }` (alone or in a list).
 */
export function appliesToEveryone(statement: Statement): boolean {
  if (statement.notPrincipal !== undefined) {
    return false;
  }
  const principal = statement.principal;
  if (principal === '*') {
    return true;
  }
  return isObject(principal) && listOf(principal.AWS).some((value) => value === '*');
}

/**
 * The condition keys of the statement (lower case, as IAM compares them), each with its operator.
 */
export function conditionEntries(statement: Statement): Array<{ operator: string; key: string; values: unknown[] }> {
  return Object.entries(statement.conditions).flatMap(([operator, block]) =>
    isObject(block) ? Object.entries(block).map(([key, values]) => ({ operator, key: key.toLowerCase(), values: listOf(values) })) : []);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw unresolved(where, text, 'not JSON');
  }
}

/**
 * True when the statement denies every request made without TLS: a Deny to everyone, on any action,
 * when `aws:SecureTransport` is false (`Bool`, or `BoolIfExists`, as AWS's examples write it).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
 */
export function deniesInsecureTransport(statement: Statement): boolean {
  return statement.effect === 'Deny'
    && appliesToEveryone(statement)
    && conditionEntries(statement).some(({ operator, key, values }) =>
      (operator === 'Bool' || operator === 'BoolIfExists') && key === 'aws:securetransport' && values.some((v) => String(v).toLowerCase() === 'false'));
}

/** True when the statement allows everyone (`*`) with no condition to narrow it. */
export function allowsEveryoneUnconditionally(statement: Statement): boolean {
  return statement.effect === 'Allow' && (appliesToEveryone(statement) || statement.notPrincipal !== undefined) && !isConditional(statement);
}
