import { statementsOf, Statement } from '../../cfn/policy';
import { ResolvedResource, TemplateView } from '../../cfn/resources';
import { flatten, isObject, listOf, NotAssessedError } from '../../cfn/values';

export { truth } from '../../cfn/values';

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
  readonly Transform?: any;
}

/** Values of a template's parameters (and pseudo parameters such as `AWS::Region`), as the auditor gives them. */
export type ParameterValues = Readonly<Record<string, string>>;

/**
 * One case of a template's undecided conditions: a value for each parameter they compare, and a
 * truth value for each condition that cannot be computed from parameters.
 */
export interface Scenario {
  readonly parameters: ReadonlyMap<string, string>;
  readonly conditions: ReadonlyMap<string, boolean>;
}

/** Something a condition depends on that nothing given decides: `parameter Env`, `condition IsProd`. */
export type Unknown = string;

/** A parameter value that equals none of the values the template compares the parameter with. */
export const OTHER_VALUE = '(any other value)';

/** Facts of the whole input that a resource's posture depends on. */
export interface AppFacts {
  /** The `Custom::KmiEbsEncryptionByDefault` resources of the input: new EBS volumes are encrypted with their key. */
  readonly ebsByDefault: ReadonlyArray<{ readonly context: TemplateContext; readonly logicalId: string }>;
}

/** How a template is read besides its text. */
export interface TemplateOptions {
  /** The file the template was read from, for messages. */
  readonly file?: string;
  /** Parameter values the auditor gave. */
  readonly parameters?: ParameterValues;
  /** The case of the undecided conditions to read the template in. */
  readonly scenario?: Scenario;
  /** Facts of the whole input. */
  readonly app?: AppFacts;
  /** Values already computed for this template, by case (shared by the contexts of one template). */
  readonly memo?: Map<string, Map<string, Memo>>;
}

/** A value computed once per template and case, with what it depended on that nothing decided. */
interface Memo {
  readonly value: unknown;
  readonly unknowns: readonly Unknown[];
}

/** The account and Region a stack deploys to, when the cloud assembly states them. */
export interface StackEnvironment {
  readonly account?: string;
  readonly region?: string;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The resources of each template by type, indexed once. */
const BY_TYPE = new WeakMap<Record<string, TemplateResource>, Map<string, Array<[string, TemplateResource]>>>();

const EMPTY_SCENARIO: Scenario = { parameters: new Map(), conditions: new Map() };

/** Finds the value another stack of the same cloud assembly exports under a name. */
export type ExportLookup = (name: string) => { context: TemplateContext; value: any } | undefined;

/** How the policies of a resource name it, besides `Ref` and `Fn::GetAtt`: by its name property, as a whole or at the end of a URL or ARN. */
const NAMED_BY: Record<string, { property: string; separator: string }> = {
  'AWS::S3::Bucket': { property: 'BucketName', separator: '' },
  'AWS::SQS::Queue': { property: 'QueueName', separator: '/' },
  'AWS::SNS::Topic': { property: 'TopicName', separator: ':' },
};

/** A template, with the helpers every resource analysis needs. */
export class TemplateContext {
  public readonly resources: Record<string, TemplateResource>;
  /** What the conditions met so far depended on and nothing decided. */
  public readonly unknowns = new Set<Unknown>();
  private readonly recorders: Array<Set<Unknown>> = [];
  private readonly evaluating = new Set<string>();
  private readonly memo: Map<string, Map<string, Memo>>;
  private forCase: Map<string, Memo> | undefined;
  private comparedValues: Map<string, Set<string>> | undefined;

  constructor(
    public readonly stack: string,
    private readonly template: Template,
    private readonly environment: StackEnvironment = {},
    private readonly exports: ExportLookup = () => undefined,
    private readonly options: TemplateOptions = {},
  ) {
    this.resources = template.Resources ?? {};
    this.memo = options.memo ?? new Map();
  }

  /**
   * `compute()`, once per template, case and `key`: later calls in any context of the same template
   * and case return the same value and note the same unknowns.
   */
  public memoized<T>(key: string, compute: () => T): T {
    let forCase = this.forCase;
    if (forCase === undefined) {
      const caseKey = scenarioKey(this.scenario);
      forCase = this.memo.get(caseKey) ?? new Map<string, Memo>();
      this.memo.set(caseKey, forCase);
      this.forCase = forCase;
    }
    const known = forCase.get(key);
    if (known !== undefined) {
      known.unknowns.forEach((u) => this.note(u));
      return known.value as T;
    }
    const recorder = new Set<Unknown>();
    this.recorders.push(recorder);
    let value: T;
    try {
      value = compute();
    } finally {
      this.recorders.pop();
    }
    forCase.set(key, { value, unknowns: [...recorder] });
    return value;
  }

  /** Notes something a condition met depends on that nothing decides. */
  private note(unknown: Unknown): void {
    this.unknowns.add(unknown);
    this.recorders.forEach((r) => r.add(unknown));
  }

  /** The file the template was read from, or the stack name. */
  public get file(): string {
    return this.options.file ?? this.stack;
  }

  /** The facts of the whole input. */
  public get app(): AppFacts {
    return this.options.app ?? { ebsByDefault: [] };
  }

  /** The same template read in another case of its undecided conditions. */
  public withScenario(scenario: Scenario): TemplateContext {
    return new TemplateContext(this.stack, this.template, this.environment, this.exports, { ...this.options, scenario, memo: this.memo });
  }

  /** The values an unknown can take: a parameter's allowed values, or those the conditions compare it with and any other; true and false for a condition. */
  public candidates(unknown: Unknown): string[] {
    if (unknown.startsWith('condition ')) {
      return ['true', 'false'];
    }
    const name = unknown.slice('parameter '.length);
    const allowed = this.template.Parameters?.[name]?.AllowedValues;
    if (Array.isArray(allowed) && allowed.length > 0) {
      return allowed.map(String);
    }
    return [...(this.compared().get(name) ?? []), OTHER_VALUE];
  }

  /** The case this context reads the template in. */
  public get scenario(): Scenario {
    return this.options.scenario ?? EMPTY_SCENARIO;
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
    return typeof path === 'string' ? stripResourceSuffix(path) : logicalId;
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
    let index = BY_TYPE.get(this.resources);
    if (index === undefined) {
      index = new Map();
      for (const entry of Object.entries(this.resources)) {
        index.set(entry[1].Type, [...(index.get(entry[1].Type) ?? []), entry]);
      }
      BY_TYPE.set(this.resources, index);
    }
    return index.get(type) ?? [];
  }

  /**
   * The properties of a resource with every `Fn::If` this case decides replaced by its branch,
   * parameters the auditor gave replaced by their values, and `AWS::NoValue` removed. A condition
   * that nothing decides stays as `Fn::If`, and what it depends on is noted in `unknowns`.
   */
  public properties(logicalId: string): any {
    return this.memoized(`properties ${logicalId}`, () => {
      const value = this.resolve(this.resources[logicalId]?.Properties ?? {});
      return value === NO_VALUE || !isObject(value) ? {} : value;
    });
  }

  /** The resource as the shared readers take it. */
  public resolved(logicalId: string): ResolvedResource {
    return { logicalId, type: this.resources[logicalId]?.Type, properties: this.properties(logicalId) };
  }

  /** This template as the shared readers (`cfn/`) see it: the resources created in this case. */
  public view(): TemplateView {
    return {
      accounts: ['${AWS::AccountId}', ...(this.environment.account ? [this.environment.account] : [])],
      regions: ['${AWS::Region}', ...(this.environment.region ? [this.environment.region] : [])],
      resourcesOfType: (type) => this.resourcesOfType(type).filter(([id]) => this.isCreated(id) !== false).map(([id]) => this.resolved(id)),
    };
  }

  /** Whether the resource is created: `false` when its `Condition` is false, `undefined` when nothing decides the condition. */
  public isCreated(logicalId: string): boolean | undefined {
    const condition = this.resources[logicalId]?.Condition;
    return condition === undefined ? true : this.condition(condition);
  }

  /**
   * The statements of every policy resource of `policyType` whose `targetProperty` names the resource
   * `logicalId`: by `Ref` or `Fn::GetAtt`, or by the resource's name written the same way (a literal,
   * `Fn::Sub`, `Fn::Join`). A policy that cannot be read is named in `unreadable`.
   */
  public policyStatements(policyType: string, targetProperty: string, logicalId: string): { statements: Statement[]; unreadable: string[] } {
    const named = NAMED_BY[this.resources[logicalId]?.Type];
    const nameValue = named ? this.properties(logicalId)[named.property] : undefined;
    const name = nameValue === undefined ? undefined : flatten(nameValue);
    const names = (target: any) => {
      if (this.refersTo(target, logicalId)) {
        return true;
      }
      if (name === undefined || name.includes('${?}')) {
        return false;
      }
      const text = flatten(target);
      return text === name || (named!.separator !== '' && text.endsWith(`${named!.separator}${name}`));
    };
    const statements: Statement[] = [];
    const unreadable: string[] = [];
    for (const [id] of this.resourcesOfType(policyType)) {
      if (this.isCreated(id) === false) {
        continue;
      }
      const props = this.properties(id);
      if (!listOf(props[targetProperty]).some(names)) {
        continue;
      }
      try {
        statements.push(...statementsOf(props.PolicyDocument, `PolicyDocument of ${id}`));
      } catch (e) {
        if (!(e instanceof NotAssessedError)) {
          throw e;
        }
        unreadable.push(e.message);
      }
    }
    return { statements, unreadable };
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
      return ([] as any[]).concat(parts).map((p) => this.render(p)).join(String(separator));
    }
    if (value['Fn::Sub'] !== undefined) {
      return flatten(value);
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
    return isObject(this.template.Parameters) && this.template.Parameters[name] !== undefined;
  }

  /** The value the auditor gave a parameter, if any. */
  public givenParameter(name: string): string | undefined {
    const given = this.options.parameters?.[name];
    return given !== undefined && (this.isParameter(name) || name.startsWith('AWS::')) ? given : undefined;
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
    if (keys.length === 1 && typeof value.Ref === 'string') {
      const given = this.givenParameter(value.Ref);
      if (given !== undefined) {
        const type = this.template.Parameters?.[value.Ref]?.Type;
        return typeof type === 'string' && (type === 'CommaDelimitedList' || type.startsWith('List<')) ? given.split(',').map((v) => v.trim()) : given;
      }
      return value;
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
    return this.memoized(`condition ${name}`, () => {
      if (this.evaluating.has(name)) {
        return undefined; // a cycle decides nothing
      }
      this.evaluating.add(name);
      const met = new Set<Unknown>();
      this.recorders.push(met);
      let value: boolean | undefined;
      try {
        value = this.evaluate(isObject(this.template.Conditions) ? this.template.Conditions[name] : undefined);
      } finally {
        this.recorders.pop();
        this.evaluating.delete(name);
      }
      met.forEach((u) => this.note(u));
      if (value === undefined) {
        if (this.scenario.conditions.has(name)) {
          value = this.scenario.conditions.get(name);
        } else if (![...met].some((u) => u.startsWith('parameter '))) {
          // Not computable from parameters (a list, a mapping, another function): the condition itself is the unknown.
          this.note(`condition ${name}`);
        }
      }
      return value;
    });
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
    const name = value?.Ref;
    if (typeof name !== 'string') {
      return undefined;
    }
    const stated = this.pseudoParameter(name);
    if (stated !== undefined) {
      return stated;
    }
    const given = this.givenParameter(name) ?? this.scenario.parameters.get(name);
    if (given !== undefined) {
      return given;
    }
    if (this.isParameter(name) || name.startsWith('AWS::')) {
      this.note(`parameter ${name}`);
    }
    return undefined;
  }

  /** A pseudo parameter the stack's environment states. */
  private pseudoParameter(name: string): string | undefined {
    const region = this.environment.region;
    switch (name) {
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

  /** For each parameter, the literal values the conditions compare it with (`Fn::Equals`). */
  private compared(): Map<string, Set<string>> {
    if (this.comparedValues === undefined) {
      const found = new Map<string, Set<string>>();
      const walk = (value: any) => {
        if (Array.isArray(value)) {
          value.forEach(walk);
        } else if (isObject(value)) {
          const equals = value['Fn::Equals'];
          if (Array.isArray(equals) && equals.length === 2) {
            for (const [ref, literal] of [[equals[0], equals[1]], [equals[1], equals[0]]]) {
              if (typeof ref?.Ref === 'string' && ['string', 'number', 'boolean'].includes(typeof literal)) {
                found.set(ref.Ref, new Set([...(found.get(ref.Ref) ?? []), String(literal)]));
              }
            }
          }
          Object.values(value).forEach(walk);
        }
      };
      walk(this.template.Conditions);
      this.comparedValues = found;
    }
    return this.comparedValues;
  }
}

/** A key for a case: the same for the same values. */
function scenarioKey(scenario: Scenario): string {
  if (scenario.parameters.size === 0 && scenario.conditions.size === 0) {
    return '';
  }
  const parts = [...scenario.parameters].map(([k, v]) => `p${k}=${v}`).concat([...scenario.conditions].map(([k, v]) => `c${k}=${v}`));
  return parts.sort().join('\u0000');
}

/** The case with `unknown` set to `value`. */
export function extendScenario(scenario: Scenario, unknown: Unknown, value: string): Scenario {
  if (unknown.startsWith('condition ')) {
    return { ...scenario, conditions: new Map([...scenario.conditions, [unknown.slice('condition '.length), value === 'true']]) };
  }
  return { ...scenario, parameters: new Map([...scenario.parameters, [unknown.slice('parameter '.length), value]]) };
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


/** Whether the value is an `Fn::If` the template could not decide. */
export function isUndecided(value: any): boolean {
  return value !== null && typeof value === 'object' && Array.isArray(value['Fn::If']);
}
