import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnCondition, Fn, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EncryptedBucket } from '../../../../src';
import { analyzeAssembly, analyzeTemplate } from '../../../../src/audit/posture';
import { ACCOUNT, REGION } from '../../../util/app';
import { findingsOf, newApp, removeTemporaryDirectories, temporaryDirectory } from '../helpers';

afterAll(removeTemporaryDirectories);

describe('reading a cloud assembly', () => {
  test('stacks inside stages are read from their nested assemblies and named Stage/Stack', () => {
    const app = newApp();
    const stage = new Stage(app, 'Prod', { env: { account: ACCOUNT, region: REGION } });
    new sqs.Queue(new Stack(stage, 'Data'), 'Queue');
    new sqs.Queue(new Stack(app, 'Top'), 'Queue');
    const rows = analyzeAssembly(app.synth().directory);
    expect(rows.map((r) => `${r.stack} ${r.path}`)).toEqual(['Prod/Data Prod/Data/Queue', 'Top Top/Queue']);
  });

  test.each([
    ['the asset manifest', {}],
    ['the asset metadata the CDK CLI writes', { 'aws:cdk:enable-asset-metadata': true }],
  ])('nested stacks are found through %s, read, and named Parent/Nested', (_how, context) => {
    const app = new App({ outdir: temporaryDirectory(), context: { 'aws:cdk:enable-path-metadata': true, ...context } });
    const parent = new Stack(app, 'Parent', { env: { account: ACCOUNT, region: REGION } });
    const nested = new NestedStack(parent, 'Nested');
    new sqs.Queue(nested, 'Queue');
    new sqs.Queue(new NestedStack(nested, 'Deeper'), 'Queue');
    const rows = analyzeAssembly(app.synth().directory);
    expect(rows.map((r) => `${r.stack} ${r.path}`)).toEqual(['Parent/Nested Parent/Nested/Queue', 'Parent/Nested/Deeper Parent/Nested/Deeper/Queue']);
  });

  test('without path metadata a resource is named stack/logicalId', () => {
    const app = new App({ outdir: temporaryDirectory() });
    new sqs.Queue(new Stack(app, 'Plain'), 'Queue');
    const [queue] = analyzeAssembly(app.synth().directory);
    expect(queue.path).toBe(`Plain/${queue.logicalId}`);
    expect(queue.logicalId).toMatch(/^Queue[0-9A-F]{8}$/);
  });

  test('the library\'s constructs are reported from a real assembly', () => {
    const app = newApp();
    new EncryptedBucket(new Stack(app, 'Lib', { env: { account: ACCOUNT, region: REGION } }), 'Records');
    const rows = analyzeAssembly(app.synth().directory);
    expect(rows.find((r) => r.path === 'Lib/Records')).toMatchObject({ key: 'Lib/RecordsKey', uploadRule: 'lenient (aws:kms, bucket key only)', findings: [] });
  });
});

describe('conditions', () => {
  test('an environment-agnostic stack leaves the default Kinesis encryption to a condition on the Region: both cases read, the weakest (China, unencrypted) reported, the row conditional', () => {
    const app = newApp();
    new kinesis.Stream(new Stack(app, 'Agnostic'), 'Stream');
    const [stream] = analyzeAssembly(app.synth().directory);
    expect(stream).toMatchObject({ encrypted: 'no', option: null, conditional: ['parameter AWS::Region'] });
    expect(findingsOf(stream)).toEqual(['high not-encrypted', 'info conditional']);
  });
  test('the Region given as a parameter decides the same condition: no longer conditional', () => {
    const app = newApp();
    new kinesis.Stream(new Stack(app, 'Agnostic'), 'Stream');
    const [stream] = analyzeAssembly(app.synth().directory, { parameters: { 'AWS::Region': 'eu-west-1' } });
    expect(stream).toMatchObject({ encrypted: 'yes', key: 'AWS managed (aws/kinesis)', conditional: [] });
  });

  test('a condition on the Region is decided with the stack\'s environment', () => {
    const app = newApp();
    const stack = new Stack(app, 'Pinned', { env: { account: ACCOUNT, region: 'cn-north-1' } });
    const china = new CfnCondition(stack, 'China', { expression: Fn.conditionEquals(stack.region, 'cn-north-1') });
    new kinesis.CfnStream(stack, 'Stream', {
      shardCount: 1,
      streamEncryption: Fn.conditionIf(china.logicalId, Fn.ref('AWS::NoValue'), { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }) as any,
    });
    const pinned = analyzeAssembly(app.synth().directory);
    expect(pinned.map((r) => r.encrypted)).toEqual(['no']);
  });

  test('a resource whose condition is false is not assessed, with the reason; one whose condition is undecided says so', () => {
    const rows = analyzeTemplate('S', {
      Conditions: { Never: { 'Fn::Equals': ['a', 'b'] }, InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
      Resources: {
        Skipped: { Type: 'AWS::SQS::Queue', Condition: 'Never', Properties: {} },
        Maybe: { Type: 'AWS::SQS::Queue', Condition: 'InUsEast1', Properties: {} },
      },
    });
    expect(rows.map((r) => r.logicalId)).toEqual(['Maybe']);
    expect(rows[0].findings).toContainEqual({ severity: 'info', id: 'conditional', message: 'created only in some cases: condition InUsEast1' });
  });
});

describe('errors', () => {
  test('a directory that does not exist', () => {
    expect(() => analyzeAssembly(join(temporaryDirectory(), 'missing'))).toThrow(/missing not found: give a cloud assembly directory \(cdk\.out\), a template file \(JSON or YAML\) or a folder of templates/);
  });
  test('a file that is not a template', () => {
    const file = join(temporaryDirectory(), 'template.json');
    writeFileSync(file, '{}');
    expect(() => analyzeAssembly(file)).toThrow(/template\.json: Resources: missing: a template declares at least one resource/);
  });
  test('a directory with neither manifest.json nor templates', () => {
    expect(() => analyzeAssembly(temporaryDirectory())).toThrow(/no CloudFormation template found \(JSON or YAML files with a Resources section\), and no manifest\.json of a cloud assembly/);
  });
  test('a template that is not JSON', () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } }));
    writeFileSync(join(dir, 'S.template.json'), '{ not json');
    expect(() => analyzeAssembly(dir)).toThrow(/S\.template\.json:1:3: not valid JSON/);
  });
  test('a manifest that names a template that is not there', () => {
    const dir = temporaryDirectory();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'gone.json' } } } }));
    expect(() => analyzeAssembly(dir)).toThrow(/cannot read .*gone\.json/);
  });
});
