import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import * as kmi from '../src';
import { ACCOUNT, REGION } from './util/app';
import { CONSTRUCTS } from './util/default-constructs';

/**
 * AWS Control Tower proactive controls, as the guard rules AWS ships in `@cdklabs/cdk-validator-cfnguard`
 * (run with the cfn-guard binary of that package), on every construct's template with default props.
 * One cfn-guard run evaluates every template against every rule of the services the library creates
 * resources of; the result is pinned: every control passes or is not applicable, except the named
 * exceptions below, each with the AWS limit that causes it (also listed in the README).
 *
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html
 */
const PACKAGE = join(__dirname, '..', 'node_modules', '@cdklabs', 'cdk-validator-cfnguard');
const RULES = join(PACKAGE, 'rules', 'control-tower', 'cfn-guard');
/** The rule folders for the resource types the library creates (SNS, Secrets Manager and Logs have none in the package). */
const SERVICES = ['cloudwatch', 'ec2', 'emr', 'keymanagementservice', 'lambda', 'redshift', 's3'];
const BINARY = join(PACKAGE, 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu', process.arch === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');

/**
 * Controls the library cannot meet, by control and construct, with the reason. Each is pinned: the
 * test fails if it stops failing (remove it then) as much as if another control fails.
 */
const EXCEPTIONS: Record<string, string> = {
  // AWS limits.
  'CT.S3.PR.2 AccessLogsBucket': 'S3 server access logging of the access-log bucket itself would log without end (a log bucket does not log to itself).',
  'CT.S3.PR.10 AccessLogsBucket': 'The access-log bucket is SSE-S3, which S3 server access log delivery has long required; SSE-KMS with a customer managed key for it is a change of its own (src/s3).',
  'CT.S3.PR.10 RedshiftEncryptedCluster > EncryptedBucket': 'Redshift writes audit logs to S3 only in buckets encrypted with SSE-S3 (https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html#db-auditing-bucket-permissions).',
  'CT.KMS.PR.1 KmsKeyWithImportedMaterial': 'KMS rejects automatic rotation for keys with imported material (origin EXTERNAL); the key rotates on demand with new material.',
  // Accepted on purpose: the handlers call only public AWS APIs (each construct's noVpcReason).
  'CT.LAMBDA.PR.3 the stack-wide custom resource providers': 'Custom resource handlers call only public AWS APIs; a VPC would add NAT or endpoints and protect nothing.',
  'CT.LAMBDA.PR.3 CustomKeyStoreKey': 'Its scheduled rotation function calls only the public KMS API; a VPC would add NAT or endpoints and protect nothing.',
  // Not met yet (open work, pinned so that a change is seen).
  'CT.CLOUDWATCH.PR.3 the stack-wide custom resource providers': 'Open: the handlers\' log groups are not yet encrypted with a KMS key.',
  'CT.CLOUDWATCH.PR.3 CustomKeyStoreKey': 'Open: the rotation function\'s log group is not yet encrypted with a KMS key.',
};

/**
 * Controls of the services above that the library does not take on: they are workload choices, not
 * encryption at rest (S3 lifecycle rules, event notifications, Object Lock).
 */
const NOT_TAKEN_ON = new Set(['CT.S3.PR.3', 'CT.S3.PR.4', 'CT.S3.PR.6', 'CT.S3.PR.9']);

/** guard rule name → control id, read from the rule files (`rule <name> when …` and `[CT.X.PR.N]`). */
function controlsByRule(): Map<string, string> {
  const map = new Map<string, string>();
  for (const service of SERVICES) {
    for (const file of readdirSync(join(RULES, service)).filter((f) => f.endsWith('.guard'))) {
      const text = readFileSync(join(RULES, service, file), 'utf8');
      const control = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1];
      for (const match of text.matchAll(/^rule\s+(\w+)\s+when/gm)) {
        if (control) {
          map.set(match[1], control);
        }
      }
    }
  }
  return map;
}

/** The constructs of the library (exported classes) that hold a resource, outermost first. */
function ownerOf(resource: IConstruct): string {
  const classes = Object.values(kmi).filter((value): value is new (...args: any[]) => IConstruct => typeof value === 'function');
  const owners = resource.node.scopes.flatMap((scope) => classes.filter((cls) => scope.constructor === cls).map((cls) => cls.name));
  return owners.length > 0 ? owners.join(' > ') : 'the stack-wide custom resource providers';
}

interface GuardResult {
  readonly name: string;
  readonly not_compliant: Array<{ Rule?: { name: string; checks?: unknown[] } } | Record<string, any>>;
  readonly compliant: string[];
}

let dir: string;
let failures: string[];
let evaluated: Map<string, Set<string>>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kmi-governance-'));
  const data = join(dir, 'templates');
  mkdirSync(data);
  const owners = new Map<string, string>();
  for (const [name, build] of Object.entries(CONSTRUCTS)) {
    const app = new App();
    const stack = new Stack(app, name, { env: { account: ACCOUNT, region: REGION } });
    build(stack);
    for (const resource of stack.node.findAll().filter(CfnResource.isCfnResource)) {
      owners.set(`${name}/${stack.getLogicalId(resource)}`, ownerOf(resource));
    }
    writeFileSync(join(data, `${name}.json`), JSON.stringify(app.synth().getStackByName(name).template));
  }
  const rules = SERVICES.flatMap((service) => ['--rules', join(RULES, service)]);
  let output: string;
  try {
    output = execFileSync(BINARY, ['validate', '--data', data, ...rules, '--output-format', 'json', '--structured', '--show-summary', 'none'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // cfn-guard exits 19 when a rule fails; its report is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  const results = JSON.parse(output) as GuardResult[];
  const controls = controlsByRule();
  failures = [];
  evaluated = new Map();
  for (const result of results) {
    const construct = result.name.replace(/^.*\//, '').replace(/\.json$/, '');
    for (const failure of result.not_compliant) {
      const rule = (failure as any).Rule?.name ?? (failure as any).name;
      const control = controls.get(rule) ?? rule;
      if (NOT_TAKEN_ON.has(control)) {
        continue;
      }
      // The failing resources, by the construct of the library that creates them.
      const messages = [...JSON.stringify(failure).matchAll(/"error_message":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
      const logicalIds = new Set(messages.flatMap((message) => [...message.matchAll(/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1])));
      for (const logicalId of logicalIds) {
        failures.push(`${control} ${owners.get(`${construct}/${logicalId}`) ?? `${construct}/${logicalId}`}`);
      }
    }
    evaluated.set(construct, new Set(result.compliant.map((rule) => controls.get(rule) ?? rule)));
  }
  failures = [...new Set(failures)].sort();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('every construct with default props passes the Control Tower controls for its resources, but for the named exceptions', () => {
  expect(failures).toEqual(Object.keys(EXCEPTIONS).sort());
});

test.each([
  ['KmsKeyWithRotation', ['CT.KMS.PR.1', 'CT.KMS.PR.3']],
  ['KmsKeyWithImportedMaterial', ['CT.KMS.PR.3']],
  // With the stack's AccessLogsBucket beside it, whose exceptions above make CT.S3.PR.2 and 10 fail for the template.
  ['EncryptedBucket', ['CT.S3.PR.1', 'CT.S3.PR.5', 'CT.S3.PR.8', 'CT.S3.PR.11', 'CT.KMS.PR.1', 'CT.KMS.PR.3']],
  ['RedshiftEncryptedCluster', ['CT.REDSHIFT.PR.1', 'CT.REDSHIFT.PR.2', 'CT.REDSHIFT.PR.3', 'CT.REDSHIFT.PR.4', 'CT.REDSHIFT.PR.5',
    'CT.REDSHIFT.PR.6', 'CT.REDSHIFT.PR.7', 'CT.REDSHIFT.PR.8', 'CT.REDSHIFT.PR.9', 'CT.KMS.PR.3']],
  ['EmrSecurityConfiguration', ['CT.EMR.PR.1', 'CT.EMR.PR.2', 'CT.EMR.PR.3', 'CT.EMR.PR.4']],
  ['EncryptedVolume', ['CT.EC2.PR.7', 'CT.KMS.PR.3']],
  ['CloudHsmCluster', ['CT.EC2.PR.7', 'CT.KMS.PR.1', 'CT.KMS.PR.3']],
])('%s is evaluated, and passes, on %j', (construct, controls) => {
  expect([...evaluated.get(construct)!].sort()).toEqual(expect.arrayContaining(controls.sort()));
});

test('the check is live: a plain aws-cdk-lib bucket fails CT.S3.PR.2', () => {
  // Covered by the same binary and rules: an aws-cdk-lib bucket without logging fails CT.S3.PR.2.
  const app = new App();
  const stack = new Stack(app, 'Plain');
  new s3.Bucket(stack, 'Plain');
  const file = join(dir, 'plain.json');
  writeFileSync(file, JSON.stringify(app.synth().getStackByName('Plain').template));
  let output = '';
  try {
    output = execFileSync(BINARY, ['validate', '--data', file, '--rules', join(RULES, 's3', 'ct-s3-pr-2.guard'), '--output-format', 'json', '--structured', '--show-summary', 'none'], { encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  expect((JSON.parse(output) as GuardResult[])[0].not_compliant).not.toHaveLength(0);
});
