/**
 * One CloudFormation template as the posture analysis reads it: its resources, the references
 * between them, the conditions it can decide from the stack's environment, and the resource
 * policies that apply to a resource.
 */

/** A CloudFormation resource as synthesized. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: any;
  readonly Metadata?: any;
  readonly Condition?: string;
}

/** The parts of a template the analysis reads. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, any>;
  readonly Conditions?: Record<string, any>;
  readonly Outputs?: Record<string, any>;
}

/** The account and Region a stack deploys to, when the cloud assembly states them. */
export interface StackEnvironment {
  readonly account?: string;
  readonly region?: string;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Finds the value another stack of the same cloud assembly exports under a name. */
export type ExportLookup = (name: string) => { context: TemplateContext; value: any } | undefined;

/** A template, with the helpers every resource analysis needs. */
export class TemplateContext {
  public readonly resources: Record<string, TemplateResource>;
  private readonly conditions: Record<string, boolean | undefined> = {};

  constructor(
    public readonly stack: string,
    private readonly template: Template,
    private readonly environment: StackEnvironment = {},
    private readonly exports: ExportLookup = () => undefined,
  ) {
    this.resources = template.Resources ?? {};
  }

  /** The value and template behind an `Fn::ImportValue` of an export of this cloud assembly, if it is one. */
  public importValue(name: string): { context: TemplateContext; value: any } | undefined {
    return this.exports(name);
  }

  /** The exports of this template (`Outputs` with `Export.Name`), by name, with their values. */
  public exportedValues(): Array<[string, any]> {
    return Object.values<any>(this.template.Outputs ?? {})
      .filter((output) => typeof output?.Export?.Name === 'string')
      .map((output) => [output.Export.Name, output.Value]);
  }

  /** The construct path of a resource (without a trailing `/Resource`), or its logical id when the template has no path metadata. */
  public displayName(logicalId: string): string {
    const path: string | undefined = this.resources[logicalId]?.Metadata?.['aws:cdk:path'];
    return path ? stripResourceSuffix(path) : logicalId;
  }

  /** The resource a value refers to with `Ref` or `Fn::GetAtt`, if it is in this template. */
  public referenced(value: any): { logicalId: string; resource: TemplateResource } | undefined {
    const logicalId = referencedLogicalId(value);
    const resource = logicalId === undefined ? undefined : this.resources[logicalId];
    return resource && logicalId ? { logicalId, resource } : undefined;
  }

  /** Whether a value refers (`Ref`, `Fn::GetAtt`) to the resource `logicalId`. */
  public refersTo(value: any, logicalId: string): boolean {
    return referencedLogicalId(value) === logicalId;
  }

  /** The resources of a type, with their logical ids. */
  public resourcesOfType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }

  /**
   * The properties of a resource with every `Fn::If` this template can decide replaced by its
   * branch, and `AWS::NoValue` removed. A condition that depends on something only known at deploy
   * time stays as `Fn::If`.
   */
  public properties(logicalId: string): any {
    const value = this.resolve(this.resources[logicalId]?.Properties ?? {});
    return value === NO_VALUE ? {} : value;
  }

  /** Whether the resource is created: `false` when its `Condition` is false, `undefined` when the condition cannot be decided here. */
  public isCreated(logicalId: string): boolean | undefined {
    const condition = this.resources[logicalId]?.Condition;
    return condition === undefined ? true : this.condition(condition);
  }

  /** The statements of every policy resource of `policyType` whose `targetProperty` names the resource `logicalId`. */
  public policyStatements(policyType: string, targetProperty: string, logicalId: string): any[] {
    return this.resourcesOfType(policyType)
      .filter(([id]) => this.isCreated(id) !== false)
      .map(([id]) => this.properties(id))
      .filter((props) => ([] as any[]).concat(props[targetProperty] ?? []).some((target) => this.refersTo(target, logicalId)))
      .flatMap((props) => statementsOf(props.PolicyDocument));
  }

  /** A readable rendering of a value that may contain intrinsic functions: `${Key.Arn}`, `${AWS::Region}`, `import:Name`. */
  public render(value: any): string {
    if (value === undefined || value === null) {
      return '-';
    }
    if (typeof value !== 'object') {
      return String(value);
    }
    if (Array.isArray(value)) {
      return value.map((v) => this.render(v)).join(',');
    }
    if (typeof value.Ref === 'string') {
      return `\${${value.Ref}}`;
    }
    const getAtt = value['Fn::GetAtt'];
    if (getAtt !== undefined) {
      return `\${${Array.isArray(getAtt) ? getAtt.join('.') : getAtt}}`;
    }
    if (Array.isArray(value['Fn::Join'])) {
      const [separator, parts] = value['Fn::Join'];
      return ([] as any[]).concat(parts).map((p) => this.render(p)).join(separator);
    }
    if (value['Fn::Sub'] !== undefined) {
      return String(Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'][0] : value['Fn::Sub']);
    }
    if (value['Fn::ImportValue'] !== undefined) {
      return `import:${this.render(value['Fn::ImportValue'])}`;
    }
    if (Array.isArray(value['Fn::If'])) {
      return `if ${value['Fn::If'][0]}: ${this.render(value['Fn::If'][1])} else ${this.render(value['Fn::If'][2])}`;
    }
    return JSON.stringify(value);
  }

  /**
   * Whether the Region and account of an ARN, as `render` writes them, are this stack's: its
   * `AWS::Region` and `AWS::AccountId`, or the values its environment states.
   */
  public isOwnEnvironment(region: string, account: string): boolean {
    const own = (value: string, pseudo: string, stated: string | undefined) => value === `\${${pseudo}}` || (stated !== undefined && value === stated);
    return own(region, 'AWS::Region', this.environment.region) && own(account, 'AWS::AccountId', this.environment.account);
  }

  /** Whether the template declares a parameter of that name. */
  public isParameter(name: string): boolean {
    return this.template.Parameters?.[name] !== undefined;
  }

  private resolve(value: any): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && value.Ref === 'AWS::NoValue') {
      return NO_VALUE;
    }
    if (keys.length === 1 && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3) {
      const [name, whenTrue, whenFalse] = value['Fn::If'];
      const decided = typeof name === 'string' ? this.condition(name) : undefined;
      return decided === undefined ? value : this.resolve(decided ? whenTrue : whenFalse);
    }
    const out: Record<string, any> = {};
    for (const key of keys) {
      const resolved = this.resolve(value[key]);
      if (resolved !== NO_VALUE) {
        out[key] = resolved;
      }
    }
    return out;
  }

  private condition(name: string): boolean | undefined {
    if (!(name in this.conditions)) {
      this.conditions[name] = undefined; // a cycle decides nothing
      this.conditions[name] = this.evaluate(this.template.Conditions?.[name]);
    }
    return this.conditions[name];
  }

  private evaluate(expression: any): boolean | undefined {
    if (expression === null || typeof expression !== 'object') {
      return undefined;
    }
    if (typeof expression.Condition === 'string') {
      return this.condition(expression.Condition);
    }
    if (Array.isArray(expression['Fn::Equals'])) {
      const [a, b] = expression['Fn::Equals'].map((v: any) => this.scalar(v));
      return a === undefined || b === undefined ? undefined : a === b;
    }
    if (Array.isArray(expression['Fn::Not'])) {
      const inner = this.evaluate(expression['Fn::Not'][0]);
      return inner === undefined ? undefined : !inner;
    }
    if (Array.isArray(expression['Fn::And'])) {
      const values = expression['Fn::And'].map((e: any) => this.evaluate(e));
      return values.includes(false) ? false : values.includes(undefined) ? undefined : true;
    }
    if (Array.isArray(expression['Fn::Or'])) {
      const values = expression['Fn::Or'].map((e: any) => this.evaluate(e));
      return values.includes(true) ? true : values.includes(undefined) ? undefined : false;
    }
    return undefined;
  }

  private scalar(value: any): string | undefined {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
    const region = this.environment.region;
    switch (value?.Ref) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return this.environment.account;
      case 'AWS::Partition':
        return region === undefined ? undefined : region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      default:
        return undefined;
    }
  }
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points to, if any. */
export function referencedLogicalId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      return value.Ref;
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      return getAtt[0];
    }
    if (typeof getAtt === 'string') {
      return getAtt.split('.')[0];
    }
  }
  return undefined;
}

/** A construct path without the trailing `/Resource`, `/Resource/Default` or `/Default` of its main L1 child. */
export function stripResourceSuffix(path: string): string {
  return path.replace(/\/Resource(\/Default)?$|\/Default$/, '');
}

/** The statements of a policy document, given as an object or as a JSON string. */
export function statementsOf(document: any): any[] {
  const parsed = typeof document === 'string' ? safeParse(document) : document;
  return ([] as any[]).concat(parsed?.Statement ?? []);
}

/** `true` for `true` and `'true'`, `false` for `false`, `'false'` and absent, `undefined` for anything unresolved. */
export function truth(value: any): boolean | undefined {
  if (value === true || value === 'true') {
    return true;
  }
  if (value === undefined || value === false || value === 'false') {
    return false;
  }
  return undefined;
}

/** Whether the value is an `Fn::If` the template could not decide. */
export function isUndecided(value: any): boolean {
  return value !== null && typeof value === 'object' && Array.isArray(value['Fn::If']);
}

function safeParse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
