import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEbsEncryptionByDefault, analyzeFileSystem, analyzeVolume } from './posture-block-storage';
import { analyzeDbCluster, analyzeDbInstance, analyzeGlobalTable, analyzeRedshift, analyzeTable } from './posture-databases';
import { analyzeEmrCluster, analyzeSecurityConfiguration } from './posture-emr';
import { finding } from './posture-findings';
import {
  analyzeCloudHsmCluster, analyzeCustomKeyStore, analyzeCustomKeyStoreKey, analyzeImportedKeyMaterial, analyzeKmsKey,
} from './posture-kmi';
import { Analyzer, PostureFacts } from './posture-rows';
import { analyzeBucket } from './posture-s3';
import { analyzeDeliveryStream, analyzeLogGroup, analyzeQueue, analyzeSecret, analyzeStream, analyzeTopic } from './posture-services';
import { StackEnvironment, stripResourceSuffix, Template, TemplateContext } from './posture-template';

/**
 * The encryption posture of a synthesized app, read from its cloud assembly (cdk.out): for each
 * resource that keeps data or keys, whether it is encrypted at rest, with which key, how that key
 * rotates, which key-management option that is, its upload and TLS rules, and what is missing.
 *
 * Everything here is read from the templates; nothing is taken from the constructs that made them,
 * so the report describes what CloudFormation will deploy.
 */

export type { Finding, FindingId, Severity } from './posture-findings';
export { FINDING_CATALOGUE, SEVERITIES, severityRank } from './posture-findings';
export type { KmiOptionNumber } from './posture-keys';
export { KEY_MANAGEMENT } from './posture-keys';
export type { AtRest, PostureFacts } from './posture-rows';
export { renderTable } from './report/render-table';

/** One resource of the report. */
export interface ResourcePosture extends PostureFacts {
  /** The stack's display name (`Stage/Stack` inside a stage, `Parent/Nested` for a nested stack). */
  readonly stack: string;
  readonly logicalId: string;
  /** The construct path without its trailing `/Resource`, or `stack/logicalId` when the template has no path metadata. */
  readonly path: string;
  /** The CloudFormation resource type. */
  readonly type: string;
}

/** The resource types the report reads, and how. */
const ANALYZERS: Record<string, Analyzer> = {
  'AWS::KMS::Key': analyzeKmsKey,
  'Custom::KmiCustomKeyStoreKey': analyzeCustomKeyStoreKey,
  'Custom::KmiImportedKeyMaterial': analyzeImportedKeyMaterial,
  'Custom::KmiCustomKeyStore': analyzeCustomKeyStore,
  'AWS::CloudHSM::Cluster': analyzeCloudHsmCluster,
  'AWS::S3::Bucket': analyzeBucket,
  'AWS::EC2::Volume': analyzeVolume,
  'Custom::KmiEbsEncryptionByDefault': analyzeEbsEncryptionByDefault,
  'AWS::EFS::FileSystem': analyzeFileSystem,
  'AWS::RDS::DBInstance': analyzeDbInstance,
  'AWS::RDS::DBCluster': analyzeDbCluster,
  'AWS::DynamoDB::Table': analyzeTable,
  'AWS::DynamoDB::GlobalTable': analyzeGlobalTable,
  'AWS::Redshift::Cluster': analyzeRedshift,
  'AWS::EMR::SecurityConfiguration': analyzeSecurityConfiguration,
  'AWS::EMR::Cluster': analyzeEmrCluster,
  'AWS::SQS::Queue': analyzeQueue,
  'AWS::SNS::Topic': analyzeTopic,
  'AWS::Kinesis::Stream': analyzeStream,
  'AWS::KinesisFirehose::DeliveryStream': analyzeDeliveryStream,
  'AWS::Logs::LogGroup': analyzeLogGroup,
  'AWS::SecretsManager::Secret': analyzeSecret,
};

/** The resource types the report covers. */
export const COVERED_TYPES: readonly string[] = Object.keys(ANALYZERS);

/** A stack template found in a cloud assembly. */
interface StackTemplate {
  readonly name: string;
  readonly template: Template;
  readonly environment: StackEnvironment;
}

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

function readAssembly(dir: string): StackTemplate[] {
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
