/**
 * Reads the stack templates of a cloud assembly (cdk.out): every stack, those of stages, and nested
 * stacks whose templates the assembly holds.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './input-error';
import { readDocument } from './parse';
import { stackSetTemplates } from './stack-sets';
import { nestedParameters, StackTemplate, templateOf } from './stack-template';
import { ParameterValues, StackEnvironment } from './template';

/** Whether a directory is a cloud assembly (it has a `manifest.json`). */
export function isAssembly(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json'));
}

/** Every stack template of a cloud assembly directory. Throws an `InputError` when the directory is not a readable cloud assembly. */
export function readAssembly(dir: string, parameters: ParameterValues = {}): StackTemplate[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new InputError(`${dir} is not a cloud assembly: ${manifestFile} not found (run cdk synth first)`);
  }
  const manifest: any = readDocument(manifestFile);
  const stacks: StackTemplate[] = [];
  for (const [id, artifact] of Object.entries<any>(manifest?.artifacts ?? {})) {
    if (artifact?.type === 'aws:cloudformation:stack') {
      const name: string = artifact.displayName ?? id;
      const file = join(dir, String(artifact.properties?.templateFile));
      const environment = parseEnvironment(artifact.environment);
      const stack = templateOf(name, file, readDocument(file), environment, parameters);
      stacks.push(stack, ...nestedStacks(dir, stack, parameters), ...stackSetTemplates(stack));
    } else if (artifact?.type === 'cdk:cloud-assembly') {
      stacks.push(...readAssembly(join(dir, String(artifact.properties?.directoryName)), parameters));
    }
  }
  return stacks;
}

/**
 * The nested stacks of a template whose templates the assembly holds: named by the `aws:asset:path`
 * metadata (written by the CDK CLI), or by the asset manifest entry whose hash the `TemplateURL` ends with.
 */
function nestedStacks(dir: string, parent: StackTemplate, parameters: ParameterValues): StackTemplate[] {
  const found: StackTemplate[] = [];
  for (const [logicalId, resource] of Object.entries(parent.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') {
      continue;
    }
    const file = resource.Metadata?.['aws:asset:path'] ?? nestedTemplateFile(dir, resource.Properties?.TemplateURL);
    if (typeof file !== 'string' || !existsSync(join(dir, file))) {
      continue;
    }
    parent.followed.add(logicalId);
    const path: string | undefined = resource.Metadata?.['aws:cdk:path'];
    const name = typeof path === 'string' ? path.replace(/\.NestedStack\/.*$/, '') : `${parent.name}/${logicalId}`;
    const nestedFile = join(dir, file);
    const nested = templateOf(name, nestedFile, readDocument(nestedFile), parent.environment, { ...parameters, ...nestedParameters(resource) });
    found.push(nested, ...nestedStacks(dir, nested, parameters));
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
    const path = (readDocument(join(dir, file)) as any)?.files?.[hash]?.source?.path;
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
