/**
 * Every TypeScript example in the README synthesizes (jsii-rosetta only type-checks them): each one
 * runs inside the rosetta fixture's stack (rosetta/default.ts-fixture), with its `declare const`
 * values built by the stand-ins below, and its app is synthesized, so construct validations,
 * circular dependencies and CloudFormation resolution all run. The templates go to the cfn-lint tier.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ts from 'typescript';
import * as kmi from '../src';
import { ACCOUNT, REGION, synth } from './util/app';

const README = join(__dirname, '..', 'README.md');
const ROSETTA = join(__dirname, '..', 'rosetta');

/** One ```ts block of the README, dedented, with the line it starts on and its rosetta fixture. */
interface Example {
  readonly line: number;
  readonly code: string;
  /** The `fixture=` of the fence (rosetta/<fixture>.ts-fixture). */
  readonly fixture?: string;
}

/** The README's ```ts blocks (also those indented inside lists). */
export function readmeExamples(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts(?:\s+fixture=([\w-]+))?\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
    examples.push({ line: i + 1, code: body.join('\n'), ...(open[2] ? { fixture: open[2] } : {}) });
    i = j;
  }
  return examples;
}

function vpc(scope: Stack, id: string): ec2.Vpc {
  return new ec2.Vpc(scope, id, { maxAzs: 2, natGateways: 1 });
}

function hsmCluster(scope: Stack, id: string): kmi.CloudHsmCluster {
  return new kmi.CloudHsmCluster(scope, id, { vpc: vpc(scope, `${id}Vpc`) });
}

/**
 * Stand-ins for the examples' `declare const name: Type` values: by `name: Type` first, then by type.
 * An example that declares a type not listed here fails with the line to add.
 */
const STAND_INS: Record<string, (scope: Stack, id: string) => unknown> = {
  'iam.IRole': (scope, id) => new iam.Role(scope, id, { assumedBy: new iam.AccountRootPrincipal() }),
  'ec2.IVpc': vpc,
  'ec2.IConnectable': (scope, id) => new ec2.SecurityGroup(scope, id, { vpc: vpc(scope, `${id}Vpc`) }),
  'ec2.ISecurityGroup': (scope, id) => new ec2.SecurityGroup(scope, id, { vpc: vpc(scope, `${id}Vpc`) }),
  'ec2.Instance': (scope, id) => new ec2.Instance(scope, id, {
    vpc: vpc(scope, `${id}Vpc`),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  }),
  'secretsmanager.ISecret': (scope, id) => new secretsmanager.Secret(scope, id),
  'sns.ITopic': (scope, id) => new sns.Topic(scope, id, { enforceSSL: true }),
  'kms.IKey': (scope, id) => new kmi.KmsKeyWithRotation(scope, id),
  's3.IBucket': (scope, id) => new kmi.EncryptedBucket(scope, id),
  'acmpca.ICertificateAuthority': (scope, id) => acmpca.CertificateAuthority.fromCertificateAuthorityArn(scope, id,
    `arn:aws:acm-pca:${REGION}:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`),
  'EncryptedDatabaseInstance': (scope, id) => new kmi.EncryptedDatabaseInstance(scope, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
    vpc: vpc(scope, `${id}Vpc`),
  }),
  'CloudHsmCluster': hsmCluster,
  'manual: CloudHsmCluster': (scope, id) => new kmi.CloudHsmCluster(scope, id, {
    vpc: vpc(scope, `${id}Vpc`),
    activation: kmi.ClusterActivation.manual(),
  }),
  'ICloudHsmCluster': hsmCluster,
  'hsmKeyStore: CustomKeyStore': (scope, id) => new kmi.CustomKeyStore(scope, id, {
    source: kmi.KeyStoreSource.cloudHsm({ cluster: hsmCluster(scope, `${id}Cluster`) }),
  }),
  'externalKeyStore: CustomKeyStore': (scope, id) => new kmi.CustomKeyStore(scope, id, {
    source: kmi.KeyStoreSource.externalKeyStoreProxy({
      uriEndpoint: 'https://xks.example.com',
      uriPath: '/example/kms/xks/v1',
      connectivity: kmi.XksProxyConnectivity.publicEndpoint(),
      credential: new secretsmanager.Secret(scope, `${id}Credential`),
    }),
  }),
};

/** `declare const a: T;` → `const a = standIn(this, 'a', 'T');` */
function withStandIns(code: string): string {
  return code.replace(/^declare const (\w+): ([\w.]+);/gm, (_all, name: string, type: string) =>
    `const ${name} = standIn(this, '${name}', '${type}');`);
}

function standIn(scope: Stack, name: string, type: string): unknown {
  const make = STAND_INS[`${name}: ${type}`] ?? STAND_INS[type];
  if (!make) {
    throw new Error(`No stand-in for 'declare const ${name}: ${type}': add '${type}' to STAND_INS in test/readme-examples.test.ts`);
  }
  return make(scope, `Declared${name[0].toUpperCase()}${name.slice(1)}`);
}

/** The example as a module: its imports on top of the fixture's, its body where the fixture says `/// here`. */
function asModule(example: Example): string {
  const fixture = readFileSync(join(ROSETTA, `${example.fixture ?? 'default'}.ts-fixture`), 'utf8');
  const lines = example.code.split('\n');
  const imports = lines.filter(l => /^import /.test(l));
  const body = withStandIns(lines.filter(l => !/^import /.test(l)).join('\n'));
  return `${imports.join('\n')}\n${fixture}`
    .replace('super(scope, id);', `super(scope, id, { env: { account: '${ACCOUNT}', region: '${REGION}' } });`)
    .replace('/// here', body)
    + (/class Fixture/.test(fixture) ? '\nexports.Fixture = Fixture;\n' : '');
}

/** Runs the module with 'cdk-kmi' resolved to this checkout's source. */
function load(source: string): { Fixture?: new (scope: App, id: string) => Stack } {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const module = { exports: {} as any };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireFor = (name: string) => (name === 'cdk-kmi' ? kmi : require(name));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', 'standIn', js)(requireFor, module, module.exports, standIn);
  return module.exports;
}

/**
 * Synthesizes the app (construct validations run) and checks the fixture stack for dependency
 * cycles (app.synth() does not; CloudFormation refuses such a template). Examples that build an
 * app of their own synthesize it themselves; the fixture stack is then empty.
 */
function runExample(app: App, stack: Stack): { Resources?: unknown } {
  app.synth();
  // An empty fixture stack is checked, not recorded: a template without resources is not valid CloudFormation.
  const empty = !stack.node.findAll().some((c) => CfnResource.isCfnResource(c));
  return (empty ? Template.fromStack(stack) : synth(stack)).toJSON();
}

const examples = readmeExamples(readFileSync(README, 'utf8'));

test('the README has TypeScript examples to run', () => {
  expect(examples.length).toBeGreaterThanOrEqual(18);
});

/**
 * Examples point at their own content by relative path (`Source.asset('./site')`): each runs in a
 * folder of its own where those paths exist, holding one file.
 */
function inFolderWithAssets(example: Example, run: () => void): void {
  const folder = mkdtempSync(join(tmpdir(), 'kmi-readme-'));
  for (const [, path] of example.code.matchAll(/(?:Source\.asset|fromAsset)\(\s*'([^']+)'/g)) {
    mkdirSync(join(folder, path), { recursive: true });
    writeFileSync(join(folder, path, 'index.html'), '<p>example content</p>\n');
  }
  const cwd = process.cwd();
  process.chdir(folder);
  try {
    run();
  } finally {
    process.chdir(cwd);
    rmSync(folder, { recursive: true, force: true });
  }
}

describe.each(examples.map(e => [e.line, e]))('README example at line %i', (_line, example) => {
  test('synthesizes', () => inFolderWithAssets(example as Example, () => {
    const { Fixture } = load(asModule(example as Example));
    // A complete program (fixture without a stack) built and synthesized its own app as it ran.
    if (!Fixture) return;
    const app = new App();
    const stack = new Fixture(app, 'ReadmeExample');
    const template = runExample(app, stack);
    // An example that builds (and synthesizes) an app of its own leaves the fixture stack empty.
    if (!/new App\(/.test((example as Example).code)) expect(template.Resources).toBeDefined();
  }));
});

describe('the example runner', () => {
  test('finds indented blocks and dedents them', () => {
    expect(readmeExamples('1. step\n\n   ```ts\n   const a = 1;\n   ```\n')).toEqual([{ line: 3, code: 'const a = 1;' }]);
  });

  test('reads the fixture a fence names', () => {
    expect(readmeExamples('```ts fixture=app\nnew App();\n```\n')).toEqual([{ line: 1, code: 'new App();', fixture: 'app' }]);
  });

  test('refuses a declared type it has no stand-in for', () => {
    const { Fixture } = load(asModule({ line: 1, code: 'declare const odd: ec2.IVpcEndpoint;' }));
    expect(() => new Fixture!(new App(), 'Odd')).toThrow(/No stand-in for 'declare const odd: ec2.IVpcEndpoint'/);
  });

  test('a circular dependency fails the example', () => {
    const { Fixture } = load(asModule({
      line: 1,
      code: [
        'declare const instance: ec2.Instance;',
        "const volume = new EncryptedVolume(this, 'Data', { availabilityZone: instance.instanceAvailabilityZone, size: Size.gibibytes(1) });",
        'volume.grantAttachVolume(instance.role, [instance]);',
      ].join('\n'),
    }));
    const app = new App();
    const stack = new Fixture!(app, 'Cycle');
    expect(() => runExample(app, stack)).toThrow(/dependency cycle/);
  });
});
