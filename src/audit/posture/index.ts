/**
 * The encryption posture of a synthesized app, read from its cloud assembly (cdk.out): for each
 * resource that keeps data or keys, whether it is encrypted at rest, with which key, how that key
 * rotates, which key-management option that is, its upload and TLS rules, and what is missing.
 *
 * Everything here is read from the templates; nothing is taken from the constructs that made them,
 * so the report describes what CloudFormation will deploy.
 */
import { ANALYZERS } from './analyzers';
import { finding } from './findings';
import { readAssembly } from './read/assembly';
import { StackEnvironment, stripResourceSuffix, Template, TemplateContext } from './read/template';
import { ResourcePosture } from './rows';

export type { Finding, FindingId, Severity } from './findings';
export { FINDING_CATALOGUE, SEVERITIES, severityRank } from './findings';
export type { KmiOptionNumber } from './keys';
export { KEY_MANAGEMENT } from './keys';
export type { AtRest, PostureFacts, ResourcePosture } from './rows';

/**
 * Reads every stack template of a cloud assembly directory (stages and nested stacks included) and
 * reports each resource of a covered type. Throws when the directory is not a readable cloud assembly.
 */
export function analyzeAssembly(dir: string): ResourcePosture[] {
  const stacks = readAssembly(dir);
  const exported = new Map<string, { context: TemplateContext; value: any }>();
  const contexts = stacks.map((s) => new TemplateContext(s.name, s.template, s.environment, (name) => exported.get(name)));
  for (const context of contexts) {
    for (const [name, value] of context.exportedValues()) {
      exported.set(name, { context, value });
    }
  }
  return contexts.flatMap(analyzeContext);
}

/** Reports the resources of one template of a covered type. */
export function analyzeTemplate(stack: string, template: Template, environment: StackEnvironment = {}): ResourcePosture[] {
  return analyzeContext(new TemplateContext(stack, template, environment));
}

function analyzeContext(ctx: TemplateContext): ResourcePosture[] {
  const results: ResourcePosture[] = [];
  for (const [logicalId, resource] of Object.entries(ctx.resources)) {
    const analyzer = ANALYZERS[resource.Type];
    const created = ctx.isCreated(logicalId);
    if (analyzer === undefined || created === false) {
      continue;
    }
    const facts = analyzer(ctx, logicalId, ctx.properties(logicalId));
    if (facts === undefined) {
      continue;
    }
    const path: string | undefined = resource.Metadata?.['aws:cdk:path'];
    const conditional = created === undefined
      ? [finding('conditional', `created only if condition ${resource.Condition} holds at deployment`)]
      : [];
    results.push({
      stack: ctx.stack,
      logicalId,
      path: path ? stripResourceSuffix(path) : `${ctx.stack}/${logicalId}`,
      type: resource.Type,
      ...facts,
      findings: [...facts.findings, ...conditional],
    });
  }
  return results;
}
