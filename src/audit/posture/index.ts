/**
 * The encryption posture of CloudFormation templates — a synthesized app's cloud assembly (cdk.out),
 * template files (JSON or YAML) or folders of them: for each resource that keeps data or keys,
 * whether it is encrypted at rest, with which key, how that key rotates, which key-management option
 * that is, its upload and TLS rules, and what is missing; and every resource it does not assess.
 *
 * Everything here is read from the templates; nothing is taken from the constructs that made them,
 * so the report describes what CloudFormation will deploy.
 */
import { Coverage, COVERAGE_BY_TYPE } from './coverage';
import { finding, severityRank } from './findings';
import { readSources } from './read/files';
import { InputError } from './read/input-error';
import { StackTemplate, templateOf } from './read/stack-template';
import { AppFacts, extendScenario, ParameterValues, Scenario, StackEnvironment, stripResourceSuffix, Template, TemplateContext, Unknown } from './read/template';
import { NotAssessed, PostureFacts, PostureReport, ResourcePosture } from './rows';

export type { Finding, FindingId, Severity } from './findings';
export { FINDING_CATALOGUE, SEVERITIES, severityRank } from './findings';
export type { KmiOptionNumber } from './keys';
export { KEY_MANAGEMENT } from './keys';
export type { AtRest, NotAssessed, PostureFacts, PostureReport, ResourcePosture } from './rows';
export type { ParameterValues } from './read/template';
export { InputError } from './read/input-error';

/** How the input is read. */
export interface AnalyzeOptions {
  /** Parameter values, for every template that declares the parameter. */
  readonly parameters?: ParameterValues;
}

/** Resources whose templates are read as stacks of their own (nested stacks, StackSets' TemplateBody). */
const FOLLOWED_TYPES = new Set(['AWS::CloudFormation::Stack', 'AWS::CloudFormation::StackSet']);

/** At most this many cases of a resource's undecided conditions are evaluated; beyond, the row says so. */
const MAX_CASES = 64;

/**
 * Reads the sources (cloud assembly directories, template files, folders of templates; nested
 * stacks followed) and reports each resource. Throws an `InputError` naming the file and the place
 * when an input cannot be read.
 */
export function analyze(sources: readonly string[], options: AnalyzeOptions = {}): PostureReport {
  return analyzeStacks(readSources(sources, options.parameters ?? {}), sources);
}

/** The resources of a cloud assembly directory (or any other source `analyze` reads). */
export function analyzeAssembly(dir: string, options: AnalyzeOptions = {}): ResourcePosture[] {
  return analyze([dir], options).resources;
}

/** The resources of one template. */
export function analyzeTemplate(
  stack: string, template: Template, environment: StackEnvironment = {}, parameters: ParameterValues = {},
): ResourcePosture[] {
  return analyzeStacks([templateOf(stack, stack, template, environment, parameters)], [stack]).resources;
}

/** The report of stack templates already read. */
export function analyzeStacks(stacks: readonly StackTemplate[], sources: readonly string[]): PostureReport {
  const exported = new Map<string, { context: TemplateContext; value: any }>();
  const ebsByDefault: Array<{ context: TemplateContext; logicalId: string }> = [];
  const app: AppFacts = { ebsByDefault };
  const contexts = stacks.map((s) => new TemplateContext(s.name, s.template, s.environment, (name) => exported.get(name), {
    file: s.file, parameters: s.parameters, app,
  }));
  for (const context of contexts) {
    for (const [name, value] of context.exportedValues()) {
      exported.set(name, { context, value });
    }
    for (const [logicalId] of context.resourcesOfType('Custom::KmiEbsEncryptionByDefault')) {
      if (context.withScenario(context.scenario).isCreated(logicalId) !== false) {
        ebsByDefault.push({ context, logicalId });
      }
    }
  }
  const resources: ResourcePosture[] = [];
  const notAssessed: NotAssessed[] = [];
  stacks.forEach((stack, i) => {
    const ctx = contexts[i];
    for (const [logicalId, resource] of Object.entries(ctx.resources)) {
      const coverage = COVERAGE_BY_TYPE.get(resource.Type);
      if (coverage === undefined) {
        if (!(FOLLOWED_TYPES.has(resource.Type) && stack.followed.has(logicalId))) {
          notAssessed.push({ stack: stack.name, logicalId, type: resource.Type, reason: uncoveredReason(ctx, resource) });
        }
        continue;
      }
      const outcome = assess(ctx, logicalId, coverage);
      if ('reason' in outcome) {
        notAssessed.push({ stack: stack.name, logicalId, type: resource.Type, reason: outcome.reason });
        continue;
      }
      const path = resource.Metadata?.['aws:cdk:path'];
      resources.push({
        stack: stack.name,
        logicalId,
        path: typeof path === 'string' ? stripResourceSuffix(path) : `${stack.name}/${logicalId}`,
        type: resource.Type,
        ...outcome.facts,
        conditional: outcome.conditional,
      });
    }
    for (const loop of stack.unexpanded) {
      for (const type of loop.types) {
        notAssessed.push({ stack: stack.name, logicalId: loop.key, type, reason: loop.reason });
      }
    }
  });
  return { sources: [...sources], stacks: stacks.map((s) => s.name), resources, notAssessed };
}

/** Types with no data of their own that the report reads on the rows of other resources. */
const READ_WITH: Record<string, string> = {
  'AWS::S3::BucketPolicy': 'a bucket policy: read on its bucket\'s row (upload rule, TLS, public access)',
  'AWS::SQS::QueuePolicy': 'a queue policy: read on its queue\'s row (TLS, public access)',
  'AWS::SNS::TopicPolicy': 'a topic policy: read on its topic\'s row (TLS, public access)',
  'AWS::KMS::Alias': 'a key alias: read on the rows of the resources that name it',
  'AWS::RDS::DBParameterGroup': 'a parameter group: read on the rows of the databases that use it (TLS)',
  'AWS::RDS::DBClusterParameterGroup': 'a parameter group: read on the rows of the databases that use it (TLS)',
  'AWS::Redshift::ClusterParameterGroup': 'a parameter group: read on the rows of the clusters that use it (TLS)',
  'AWS::IAM::Policy': 'an IAM policy: read on the rows of the keys it grants (separation of duties)',
  'AWS::IAM::ManagedPolicy': 'an IAM policy: read on the rows of the keys it grants (separation of duties)',
  'AWS::IAM::Role': 'an IAM identity: its policies are read on the rows of the keys they grant',
  'AWS::IAM::User': 'an IAM identity: its policies are read on the rows of the keys they grant',
  'AWS::IAM::Group': 'an IAM identity: its policies are read on the rows of the keys they grant',
  'Custom::KmiCloudHsmHsms': 'the HSMs of a CloudHSM cluster: read on the cluster\'s row',
};

function uncoveredReason(ctx: TemplateContext, resource: { Type: string; Properties?: any }): string {
  if (READ_WITH[resource.Type] !== undefined) {
    return READ_WITH[resource.Type];
  }
  if (resource.Type === 'AWS::CloudFormation::Stack') {
    return `nested stack whose template is not in the input (TemplateURL ${ctx.render(resource.Properties?.TemplateURL)})`;
  }
  if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
    return 'custom resource: what it creates is not described by the template';
  }
  return 'no at-rest encryption setting read for this type';
}

type Outcome = { facts: PostureFacts; conditional: string[] } | { reason: string };

/**
 * The row of a resource: its analyzer run in every case of the conditions its values depend on that
 * nothing decides, the weakest case kept.
 */
function assess(base: TemplateContext, logicalId: string, coverage: Coverage): Outcome {
  const queue: Scenario[] = [base.scenario];
  const cases: Array<{ scenario: Scenario; created: boolean | undefined; facts: PostureFacts | undefined }> = [];
  let runs = 0;
  while (queue.length > 0 && runs < MAX_CASES) {
    runs++;
    const scenario = queue.shift()!;
    const ctx = base.withScenario(scenario);
    const created = ctx.isCreated(logicalId);
    const facts = created === false ? undefined : run(coverage, ctx, logicalId);
    const open = [...ctx.unknowns].find((unknown) => !isDecided(scenario, unknown));
    if (open !== undefined) {
      queue.push(...ctx.candidates(open).map((value) => extendScenario(scenario, open, value)));
    } else {
      cases.push({ scenario, created, facts });
    }
  }
  if (queue.length > 0) {
    // Too many cases: the conditions stay undecided in the row.
    const ctx = base.withScenario(base.scenario);
    const facts = run(coverage, ctx, logicalId);
    if (facts === undefined) {
      return { reason: coverage.skipped ?? 'not assessed' };
    }
    const unknowns = [...ctx.unknowns];
    return {
      facts: { ...facts, findings: [...facts.findings, finding('conditional', `depends on ${unknowns.join(', ')}: more than ${MAX_CASES} cases, not evaluated one by one; give the parameters with --parameters`)] },
      conditional: unknowns,
    };
  }
  const created = cases.filter((c) => c.created !== false);
  if (created.length === 0) {
    const condition = base.resources[logicalId]?.Condition;
    return { reason: `not created: condition ${condition} is false${cases.length > 1 ? ' in every case' : ''}` };
  }
  const assessed = created.filter((c): c is typeof c & { facts: PostureFacts } => c.facts !== undefined);
  if (assessed.length === 0) {
    return { reason: coverage.skipped ?? 'not assessed' };
  }
  const weakest = assessed.reduce((a, b) => (compare(b.facts, a.facts) > 0 ? b : a));
  const distinct = new Set(assessed.map((c) => JSON.stringify(c.facts))).size > 1;
  const sometimesAbsent = created.length < cases.length;
  if (!distinct && !sometimesAbsent) {
    return { facts: weakest.facts, conditional: [] };
  }
  const unknowns = [...new Set(cases.flatMap((c) => [
    ...[...c.scenario.parameters.keys()].map((p) => `parameter ${p}`),
    ...[...c.scenario.conditions.keys()].map((n) => `condition ${n}`),
  ]))];
  const extra = [];
  if (distinct) {
    extra.push(finding('conditional', `depends on ${unknowns.join(', ')}: the weakest of ${assessed.length} cases is shown (${describeScenario(weakest.scenario)})`));
  }
  if (sometimesAbsent) {
    extra.push(finding('conditional', `created only in some cases: condition ${base.resources[logicalId]?.Condition}`));
  }
  return { facts: { ...weakest.facts, findings: [...weakest.facts.findings, ...extra] }, conditional: unknowns };
}

function run(coverage: Coverage, ctx: TemplateContext, logicalId: string): PostureFacts | undefined {
  try {
    return coverage.analyze(ctx, logicalId, ctx.properties(logicalId));
  } catch (e) {
    if (e instanceof InputError) {
      throw e;
    }
    throw new InputError(`${ctx.file}: Resources.${logicalId} (${coverage.type}): its properties are not in the form CloudFormation documents for this type (${coverage.source})`);
  }
}

function isDecided(scenario: Scenario, unknown: Unknown): boolean {
  return unknown.startsWith('condition ')
    ? scenario.conditions.has(unknown.slice('condition '.length))
    : scenario.parameters.has(unknown.slice('parameter '.length));
}

/** `Env=prod, IsProd=false`. */
function describeScenario(scenario: Scenario): string {
  return [...scenario.parameters].map(([k, v]) => `${k}=${v}`).concat([...scenario.conditions].map(([k, v]) => `${k} ${v}`)).join(', ');
}

/** Positive when `a` is weaker than `b`: unencrypted, then unknown, then more findings of a higher severity. */
function compare(a: PostureFacts, b: PostureFacts): number {
  const atRest = (f: PostureFacts) => (f.encrypted === 'no' ? 2 : f.encrypted === 'unknown' ? 1 : 0);
  if (atRest(a) !== atRest(b)) {
    return atRest(a) - atRest(b);
  }
  for (let rank = 3; rank >= 0; rank--) {
    const count = (f: PostureFacts) => f.findings.filter((x) => severityRank(x.severity) === rank).length;
    if (count(a) !== count(b)) {
      return count(a) - count(b);
    }
  }
  return 0;
}
