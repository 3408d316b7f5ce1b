/**
 * Reads the stack templates of a cloud assembly (cdk.out): every stack, those of stages, and nested
 * stacks whose templates the assembly holds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StackEnvironment, Template } from './template';

/** A stack template found in a cloud assembly. */
export interface StackTemplate {
  readonly name: string;
  readonly template: Template;
  readonly environment: StackEnvironment;
}

/** Every stack template of a cloud assembly directory. Throws when the directory is not a readable cloud assembly. */
export function readAssembly(dir: string): StackTemplate[] {
  if (!existsSync(dir)) {
    throw new Error(`${dir} not found: give the cloud assembly directory that cdk synth wrote (cdk.out by default)`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new Error(`${dir} is not a directory: give the cloud assembly directory that cdk synth wrote (cdk.out by default)`);
  }
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`${dir} is not a cloud assembly: ${manifestFile} not found (run cdk synth first)`);
  }
  const manifest = readJson(manifestFile);
  const stacks: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact?.type === 'aws:cloudformation:stack') {
      const name: string = artifact.displayName ?? id;
      const template: Template = readJson(join(dir, artifact.properties.templateFile));
      const environment = parseEnvironment(artifact.environment);
      stacks.push({ name, template, environment }, ...nestedStacks(dir, name, template, environment));
    } else if (artifact?.type === 'cdk:cloud-assembly') {
      stacks.push(...readAssembly(join(dir, artifact.properties.directoryName)));
    }
  }
  return stacks;
}

/**
 * The nested stacks of a template whose templates the assembly holds: named by the `aws:asset:path`
 * metadata (written by the CDK CLI), or by the asset manifest entry whose hash the `TemplateURL` ends with.
 */
function nestedStacks(dir: string, parent: string, template: Template, environment: StackEnvironment): StackTemplate[] {
  const found: StackTemplate[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') {
      continue;
    }
    const file = resource.Metadata?.['aws:asset:path'] ?? nestedTemplateFile(dir, resource.Properties?.TemplateURL);
    if (typeof file !== 'string' || !existsSync(join(dir, file))) {
      continue;
    }
    const path: string | undefined = resource.Metadata?.['aws:cdk:path'];
    const name = path ? path.replace(/\.NestedStack\/.*$/, '') : `${parent}/${logicalId}`;
    const nested: Template = readJson(join(dir, file));
    found.push({ name, template: nested, environment }, ...nestedStacks(dir, name, nested, environment));
  }
  return found;
}

/** The file of the asset whose hash a nested stack's `TemplateURL` ends with, from the assembly's asset manifests. */
function nestedTemplateFile(dir: string, templateUrl: any): string | undefined {
  const hash = /([0-9a-f]{64})\.json/.exec(JSON.stringify(templateUrl ?? ''))?.[1];
  if (hash === undefined) {
    return undefined;
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.assets.json'))) {
    const path = readJson(join(dir, file)).files?.[hash]?.source?.path;
    if (typeof path === 'string') {
      return path;
    }
  }
  return undefined;
}

/** `aws://111111111111/us-east-1` → account and Region; `unknown-account` and `unknown-region` stay unknown. */
function parseEnvironment(environment: unknown): StackEnvironment {
  const match = typeof environment === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment) : null;
  if (!match) {
    return {};
  }
  return {
    account: match[1] === 'unknown-account' ? undefined : match[1],
    region: match[2] === 'unknown-region' ? undefined : match[2],
  };
}

function readJson(file: string): any {
  let text: string;
  try {
    text = readFileSync(file, 'utf-8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}
