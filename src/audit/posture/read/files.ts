/**
 * Reads what the auditor hands the report: a cloud assembly directory, a template file (JSON or YAML),
 * or a folder of templates; nested stacks whose `TemplateURL` names a local file are followed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { isAssembly, readAssembly } from './assembly';
import { InputError } from './input-error';
import { readDocument } from './parse';
import { stackSetTemplates } from './stack-sets';
import { nestedParameters, StackTemplate, templateOf } from './stack-template';
import { ParameterValues } from './template';
import { flatten, isObject } from '../../cfn/values';

/** The extensions of template files in a folder. */
const TEMPLATE_EXTENSIONS = ['.json', '.yaml', '.yml', '.template'];

/** Every stack template of the sources, in order. */
export function readSources(sources: readonly string[], parameters: ParameterValues = {}): StackTemplate[] {
  return sources.flatMap((source) => readSource(source, parameters));
}

function readSource(source: string, parameters: ParameterValues): StackTemplate[] {
  if (!existsSync(source)) {
    throw new InputError(`${source} not found: give a cloud assembly directory (cdk.out), a template file (JSON or YAML) or a folder of templates`);
  }
  if (statSync(source).isDirectory()) {
    return isAssembly(source) ? readAssembly(source, parameters) : readFolder(source, parameters);
  }
  return readTemplateFile(source, basename(source, extname(source)), parameters);
}

/** The templates of a folder and its subfolders: each JSON or YAML file with a `Resources` section (other files are left out). */
function readFolder(dir: string, parameters: ParameterValues): StackTemplate[] {
  const files = listFiles(dir).filter((file) => TEMPLATE_EXTENSIONS.includes(extname(file).toLowerCase()));
  const stacks: StackTemplate[] = [];
  const nestedFiles = new Set<string>();
  const candidates = files.map((file) => ({ file, document: readDocument(file) }))
    .filter(({ document }) => isObject(document) && (document.Resources !== undefined || document.AWSTemplateFormatVersion !== undefined));
  for (const { file, document } of candidates) {
    for (const nested of localNestedFiles(file, document)) {
      nestedFiles.add(nested);
    }
  }
  for (const { file, document } of candidates.filter(({ file: f }) => !nestedFiles.has(resolve(f)))) {
    const name = relative(dir, file).replace(/\.(json|ya?ml|template)$/i, '').split('\\').join('/');
    const stack = templateOf(name, file, document, {}, parameters);
    stacks.push(stack, ...nestedStacks(stack, parameters), ...stackSetTemplates(stack));
  }
  if (stacks.length === 0) {
    throw new InputError(`${dir}: no CloudFormation template found (JSON or YAML files with a Resources section), and no manifest.json of a cloud assembly`);
  }
  return stacks;
}

function readTemplateFile(file: string, name: string, parameters: ParameterValues): StackTemplate[] {
  const stack = templateOf(name, file, readDocument(file), {}, parameters);
  return [stack, ...nestedStacks(stack, parameters), ...stackSetTemplates(stack)];
}

/** The nested stacks of a template whose `TemplateURL` is a local file (as before `aws cloudformation package`). */
function nestedStacks(parent: StackTemplate, parameters: ParameterValues, depth = 0): StackTemplate[] {
  if (depth > 10) {
    return [];
  }
  const found: StackTemplate[] = [];
  for (const [logicalId, resource] of Object.entries(parent.template.Resources ?? {})) {
    const file = resource.Type === 'AWS::CloudFormation::Stack' ? localFile(parent.file, resource.Properties?.TemplateURL) : undefined;
    if (file === undefined) {
      continue;
    }
    parent.followed.add(logicalId);
    const nested = templateOf(`${parent.name}/${logicalId}`, file, readDocument(file), parent.environment, { ...parameters, ...nestedParameters(resource) });
    found.push(nested, ...nestedStacks(nested, parameters, depth + 1));
  }
  return found;
}

function localNestedFiles(file: string, document: any): string[] {
  return Object.values<any>(isObject(document.Resources) ? document.Resources : {})
    .filter((r) => isObject(r) && r.Type === 'AWS::CloudFormation::Stack')
    .map((r) => localFile(file, r.Properties?.TemplateURL))
    .filter((f): f is string => f !== undefined)
    .map((f) => resolve(f));
}

/** The local file a `TemplateURL` names, relative to the template that names it, if it exists. */
function localFile(templateFile: string, url: unknown): string | undefined {
  const text = typeof url === 'string' ? url : undefined;
  if (text === undefined || /^(https?|s3):\/\//i.test(text) || flatten(text).includes('${')) {
    return undefined;
  }
  const file = join(dirname(templateFile), text);
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}
