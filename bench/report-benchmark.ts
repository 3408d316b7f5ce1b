/**
 * Posture report benchmark: how long `cdk-kmi report` takes on large inputs, read from disk as the
 * command reads them. Run it with `TS_NODE_PROJECT=bench/tsconfig.json npx ts-node bench/report-benchmark.ts`
 * (`-- --reps 7 --stacks 700` to change the defaults). Not part of the test task.
 *
 * Printed: the median time per 1,000 resources of one large template, and the median time to read
 * and report a cloud assembly of `--stacks` stacks (manifest, templates, a nested stack each tenth
 * stack), with the number of resources assessed and not assessed.
 *
 * The templates mix what real apps hold: buckets with their bucket policies, keys with key policies
 * and IAM policies, queues, topics, tables, functions with environment variables, log groups, roles,
 * and a resource under a condition that no parameter decides.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, analyzeStacks } from '../src/audit/posture';
import { templateOf } from '../src/audit/posture/read/stack-template';

/** One group of 15 resources, every logical id suffixed with `i`. */
function group(i: number): Record<string, any> {
  const keyArn = { 'Fn::GetAtt': [`Key${i}`, 'Arn'] };
  return {
    [`Key${i}`]: {
      Type: 'AWS::KMS::Key',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:*', Resource: '*' }] },
      },
    },
    [`Bucket${i}`]: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketName: { 'Fn::Sub': `\${AWS::StackName}-data-${i}` },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] },
      },
    },
    [`BucketPolicy${i}`]: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: `Bucket${i}` },
        PolicyDocument: {
          Statement: [
            { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [{ 'Fn::Sub': `\${Bucket${i}.Arn}/*` }], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
            { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: [{ 'Fn::Sub': `\${Bucket${i}.Arn}/*` }], Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
          ],
        },
      },
    },
    [`Queue${i}`]: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: `Key${i}` } } },
    [`Topic${i}`]: { Type: 'AWS::SNS::Topic', Condition: 'Encrypted', Properties: { KmsMasterKeyId: { 'Fn::If': ['Encrypted', { Ref: `Key${i}` }, { Ref: 'AWS::NoValue' }] } } },
    [`Table${i}`]: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] } },
    [`Role${i}`]: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
    [`RolePolicy${i}`]: {
      Type: 'AWS::IAM::Policy',
      Properties: { Roles: [{ Ref: `Role${i}` }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn }] } },
    },
    [`Function${i}`]: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [`Role${i}`, 'Arn'] }, Environment: { Variables: { BUCKET: { Ref: `Bucket${i}` } } } } },
    [`Logs${i}`]: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    [`Secret${i}`]: { Type: 'AWS::SecretsManager::Secret', Properties: { KmsKeyId: { Ref: `Key${i}` } } },
    [`Volume${i}`]: { Type: 'AWS::EC2::Volume', Properties: { AvailabilityZone: 'us-east-1a', Size: 8, Encrypted: true, KmsKeyId: { Ref: `Key${i}` } } },
    [`Stream${i}`]: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
    [`Permission${i}`]: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: `Function${i}` }, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' } },
    [`Alias${i}`]: { Type: 'AWS::KMS::Alias', Properties: { AliasName: `alias/app-${i}`, TargetKeyId: { Ref: `Key${i}` } } },
  };
}

const PER_GROUP = Object.keys(group(0)).length;

/** A template of `groups` groups, with the parameter and condition they use. */
function template(groups: number): any {
  const resources: Record<string, any> = {};
  for (let i = 0; i < groups; i++) {
    Object.assign(resources, group(i));
  }
  return {
    Parameters: { Encrypt: { Type: 'String', AllowedValues: ['yes', 'no'] } },
    Conditions: { Encrypted: { 'Fn::Equals': [{ Ref: 'Encrypt' }, 'yes'] } },
    Resources: resources,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A cloud assembly of `stacks` stacks of `groupsPerStack` groups each, a nested stack under each tenth. */
function writeAssembly(dir: string, stacks: number, groupsPerStack: number): void {
  const artifacts: Record<string, any> = {};
  const nested = template(1);
  writeFileSync(join(dir, 'Nested.nested.template.json'), JSON.stringify(nested));
  for (let s = 0; s < stacks; s++) {
    const body = template(groupsPerStack);
    if (s % 10 === 0) {
      body.Resources.Nested = { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://example.invalid/nested.json' }, Metadata: { 'aws:asset:path': 'Nested.nested.template.json' } };
    }
    writeFileSync(join(dir, `Stack${s}.template.json`), JSON.stringify(body));
    artifacts[`Stack${s}`] = { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/us-east-1', properties: { templateFile: `Stack${s}.template.json` } };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { reps: { type: 'string', default: '5' }, stacks: { type: 'string', default: '700' }, groups: { type: 'string', default: '1' } },
  });
  const reps = Number(values.reps);
  const stacks = Number(values.stacks);
  const groupsPerStack = Number(values.groups);
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${reps} runs each, median shown`);

  // One template of 1,005 resources (67 groups of 15).
  const groups = Math.ceil(1000 / PER_GROUP);
  const big = template(groups);
  const resources = groups * PER_GROUP;
  const single: number[] = [];
  let assessed = 0;
  for (let r = 0; r < reps; r++) {
    single.push(time(() => {
      assessed = analyzeStacks([templateOf('Big', 'big.json', big, { account: '111111111111', region: 'us-east-1' }, {})], ['big.json']).resources.length;
    }));
  }
  const perThousand = (median(single) * 1000) / resources;
  console.log(`one template of ${resources} resources (${assessed} assessed): ${median(single).toFixed(0)} ms, ${perThousand.toFixed(0)} ms per 1,000 resources`);

  const dir = mkdtempSync(join(tmpdir(), 'kmi-report-bench-'));
  try {
    writeAssembly(dir, stacks, groupsPerStack);
    const runs: number[] = [];
    let report = analyze([dir]);
    for (let r = 0; r < reps; r++) {
      runs.push(time(() => {
        report = analyze([dir]);
      }));
    }
    const total = report.resources.length + report.notAssessed.length;
    console.log(`cloud assembly of ${stacks} stacks (+${Math.ceil(stacks / 10)} nested), ${total} resources (${report.resources.length} assessed, ${report.notAssessed.length} not): `
      + `${median(runs).toFixed(0)} ms (read and reported; goal < 2,000 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
