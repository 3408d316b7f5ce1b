/**
 * Reading CloudFormation values: the helpers the posture report and the KmiChecks pack share, so
 * that both read the same template the same way.
 */

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as a list: absent as `[]`, a single value as a list of one. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * A template value rendered as one string, intrinsic functions as placeholders: `{ Ref: X }` as
 * `${X}`, `{ 'Fn::GetAtt': [X, 'Arn'] }` (or `'X.Arn'`) as `${X.Arn}`, `Fn::Join` joined, `Fn::Sub` as
 * written with the variables of its map substituted. Anything else that is not a string (a
 * parameter condition, `Fn::ImportValue`, ...) renders as `${?}`.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (isObject(value)) {
    if (typeof value.Ref === 'string') {
      return `\${${value.Ref}}`;
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.length === 2) {
      return `\${${flatten(getAtt[0])}.${flatten(getAtt[1])}}`;
    }
    if (typeof getAtt === 'string') {
      return `\${${getAtt}}`;
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join) && join.length === 2 && Array.isArray(join[1])) {
      return join[1].map(flatten).join(flatten(join[0]));
    }
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub;
    }
    if (Array.isArray(sub) && typeof sub[0] === 'string') {
      const variables = isObject(sub[1]) ? sub[1] : {};
      return sub[0].replace(/\$\{([^!}]+)\}/g, (whole, name: string) => (name in variables ? flatten(variables[name]) : whole));
    }
  }
  return '${?}';
}

/**
 * A value the reader needs but cannot read from the template: one known only at deployment (a
 * parameter, an import, a condition left undecided), or a document that is not JSON. Rules of the
 * KmiChecks pack report the resource as not assessed; the posture report says so in its row.
 */
export class NotAssessedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAssessedError';
  }
}

/** The error for a value the reader cannot read: by default one known only at deployment, or as `what` says. */
export function unresolved(where: string, value: unknown, what = 'known only at deployment'): NotAssessedError {
  return new NotAssessedError(`${where} is ${JSON.stringify(value)}, ${what}: whether the resource complies cannot be told from the template.`);
}

/** `true` for `true` and `'true'` (any case), `false` for `false`, `'false'` and absent, `undefined` for anything else. */
export function truth(value: unknown): boolean | undefined {
  if (value === true || (typeof value === 'string' && value.toLowerCase() === 'true')) {
    return true;
  }
  if (value === undefined || value === false || (typeof value === 'string' && value.toLowerCase() === 'false')) {
    return false;
  }
  return undefined;
}

/**
 * True for a KMS key identifier that names an AWS managed key (`alias/aws/<service>`, by alias name
 * or alias ARN).
 */
export function namesAwsManagedKey(keyId: unknown): boolean {
  return /(^|:)alias\/aws\//.test(flatten(keyId));
}
