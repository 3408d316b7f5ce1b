import { CfnResource, Stack } from 'aws-cdk-lib';
import { ResolvedResource, TemplateView } from '../../cfn/resources';
import { flatten, isObject, unresolved } from '../../cfn/values';

/**
 * The conditions decided for the rule being run: the pack runs a rule once per combination of the
 * conditions its resource's values depend on (see `Branches`), every `Fn::If` read through this
 * module taking the branch of the current combination.
 */
let decisions: { readonly decided: ReadonlyMap<string, boolean>; readonly seen: Set<string> } | undefined;

/** The combination of conditions a rule is run under, and the conditions it met that were not decided. */
export class Branches {
  /** The conditions met that this combination does not decide. */
  public readonly seen = new Set<string>();

  constructor(public readonly decided: ReadonlyMap<string, boolean>) {}

  /** Runs `fn` with every `Fn::If` read by it decided by this combination. */
  public run<T>(fn: () => T): T {
    const previous = decisions;
    decisions = { decided: this.decided, seen: this.seen };
    try {
      return fn();
    } finally {
      decisions = previous;
    }
  }
}

/**
 * The resource as its stack's template will hold it, escape hatches (`addPropertyOverride`) included,
 * with every token resolved to its CloudFormation form (`Ref`, `Fn::GetAtt`, `Fn::Join`, ...), each
 * `Fn::If` whose condition the current `Branches` decide replaced by its branch, and `AWS::NoValue` removed.
 */
export function resolvedResource(node: CfnResource): ResolvedResource {
  const stack = Stack.of(node);
  const rendered = stack.resolve(node._toCloudFormation()) as { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };
  const [[logicalId, resource]] = Object.entries(rendered.Resources);
  const properties = decideBranches(resource.Properties ?? {});
  return { logicalId, type: resource.Type, properties: isObject(properties) ? properties : {} };
}

const NO_VALUE = Symbol('AWS::NoValue');

function decideBranches(value: any): any {
  if (Array.isArray(value)) {
    return value.map(decideBranches).filter((v) => v !== NO_VALUE);
  }
  if (!isObject(value)) {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && value.Ref === 'AWS::NoValue') {
    return NO_VALUE;
  }
  const ifArgs = value['Fn::If'];
  if (keys.length === 1 && Array.isArray(ifArgs) && ifArgs.length === 3 && typeof ifArgs[0] === 'string') {
    const decided = decisions?.decided.get(ifArgs[0]);
    if (decided === undefined) {
      decisions?.seen.add(ifArgs[0]);
      return value;
    }
    return decideBranches(decided ? ifArgs[1] : ifArgs[2]);
  }
  const out: Record<string, any> = {};
  for (const key of keys) {
    const resolved = decideBranches(value[key]);
    if (resolved !== NO_VALUE) {
      out[key] = resolved;
    }
  }
  return out;
}

/** The other resources of the node's stack that have the given CloudFormation type. */
export function stackResourcesOfType(node: CfnResource, type: string): ResolvedResource[] {
  return Stack.of(node).node.findAll()
    .filter((child): child is CfnResource => CfnResource.isCfnResource(child) && child.cfnResourceType === type && child !== node)
    .filter((child) => Stack.of(child) === Stack.of(node))
    .map(resolvedResource);
}

/** The node's stack as the shared readers see it. */
export function stackView(node: CfnResource): TemplateView {
  const stack = Stack.of(node);
  return {
    accounts: [...new Set([flatten(stack.resolve(stack.account)), '${AWS::AccountId}'])],
    regions: [...new Set([flatten(stack.resolve(stack.region)), '${AWS::Region}'])],
    resourcesOfType: (type) => stackResourcesOfType(node, type),
  };
}

/**
 * Reads a boolean property: `true`/`'true'` as true, absent or `false`/`'false'` as false. A value
 * known only at deployment (a parameter, a condition) cannot be judged: it throws a `NotAssessedError`
 * and the pack reports the rule as not applicable to the resource.
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
