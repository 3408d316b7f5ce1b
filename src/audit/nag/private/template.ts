import { CfnResource, Stack } from 'aws-cdk-lib';

/** A CloudFormation resource as it will be deployed: type and properties, tokens resolved. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
}

/**
 * The resource as its stack's template will hold it, escape hatches (`addPropertyOverride`) included,
 * with every token resolved to its CloudFormation form (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...).
 */
export function resolvedResource(node: CfnResource): ResolvedResource {
  const stack = Stack.of(node);
  const rendered = stack.resolve(node._toCloudFormation()) as { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
  const [[logicalId, resource]] = Object.entries(rendered.Resources);
  return { logicalId, type: resource.Type, properties: resource.Properties ?? {} };
}

/** The other resources of the node's stack that have the given CloudFormation type. */
export function stackResourcesOfType(node: CfnResource, type: string): ResolvedResource[] {
  return Stack.of(node).node.findAll()
    .filter((child): child is CfnResource => CfnResource.isCfnResource(child) && child.cfnResourceType === type && child !== node)
    .filter((child) => Stack.of(child) === Stack.of(node))
    .map(resolvedResource);
}

/**
 * A template value rendered as one string, intrinsic functions as placeholders: `{ Ref: X }` as
 * `${X}`, `{ 'Fn::GetAtt': [X, 'Arn'] }` as `${X.Arn}`, `Fn::Join` joined, `Fn::Sub` as written.
 * Anything else that is not a string (a parameter condition, `Fn::ImportValue`, ...) renders as `${?}`.
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
    const join = value['Fn::Join'];
    if (Array.isArray(join) && join.length === 2 && Array.isArray(join[1])) {
      return join[1].map(flatten).join(flatten(join[0]));
    }
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub;
    }
  }
  return '${?}';
}

/** The value as a list: absent as `[]`, a single value as a list of one. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** True for a plain object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a boolean property: `true`/`'true'` as true, absent or `false`/`'false'` as false. A value
 * known only at deployment (a parameter, a condition) cannot be judged: the error makes cdk-nag report
 * the rule as not validated for this resource.
 */
export function booleanProperty(resource: ResolvedResource, name: string): boolean {
  return booleanValue(resource.properties[name], `${name} of ${resource.logicalId}`);
}

/** Reads a boolean value found at `where`; see `booleanProperty`. */
export function booleanValue(value: unknown, where: string): boolean {
  if (value === undefined || value === false || value === 'false') {
    return false;
  }
  if (value === true || value === 'true') {
    return true;
  }
  throw unresolved(where, value);
}

/** Reads a string property: absent as undefined; a value known only at deployment throws (see `booleanProperty`). */
export function stringProperty(resource: ResolvedResource, name: string): string | undefined {
  const value = resource.properties[name];
  if (value === undefined || typeof value === 'string') {
    return value;
  }
  throw unresolved(`${name} of ${resource.logicalId}`, value);
}

/**
 * The error for a value the rule needs but cannot read at synthesis: by default one known only at
 * deployment, or as `what` says.
 */
export function unresolved(where: string, value: unknown, what = 'known only at deployment'): Error {
  return new Error(`${where} is ${JSON.stringify(value)}, ${what}: the rule cannot tell whether the resource complies.`);
}

/**
 * True for a KMS key identifier that names an AWS managed key (`alias/aws/<service>`, by alias name
 * or alias ARN). Keys given by reference (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, a parameter) count as
 * customer managed: AWS managed keys are named by their alias.
 */
export function namesAwsManagedKey(keyId: unknown): boolean {
  return /(^|:)alias\/aws\//.test(flatten(keyId));
}
