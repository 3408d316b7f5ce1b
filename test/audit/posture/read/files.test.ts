import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, ResourcePosture } from '../../../../src/audit/posture';
import { readParameters } from '../../../../src/audit/posture/read/parameters';
import { removeTemporaryDirectories, temporaryDirectory } from '../helpers';

afterAll(removeTemporaryDirectories);

/** Writes files (name → text) into a new directory; returns it. */
function files(contents: Record<string, string>): string {
  const dir = temporaryDirectory('kmi-templates-');
  for (const [name, text] of Object.entries(contents)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const row = (rows: ResourcePosture[], logicalId: string) => {
  const found = rows.filter((r) => r.logicalId === logicalId);
  expect(found).toHaveLength(1);
  return found[0];
};

const YAML_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    AllowedValues: [prod, dev]
  AppName:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition IsDev]
  Both: !And [!Condition IsProd, !Condition Either]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Sub alias/\${AppName}
      TargetKeyId: !Ref Key
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '\${AppName}-data'
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt Key.Arn
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Join ['-', [!Ref AppName, data]]
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Resource: [!Sub 'arn:\${AWS::Partition}:s3:::\${AppName}-data/*']
            Condition: { Bool: { 'aws:SecureTransport': 'false' } }
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !If [Both, !Sub 'alias/\${AppName}', !Ref 'AWS::NoValue']
      SqsManagedSseEnabled: !If [Both, !Ref 'AWS::NoValue', false]
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      KmsKeyId: !Select [0, [!GetAtt Key.Arn]]
`;

describe('template files', () => {
  const dir = files({ 'app.yaml': YAML_TEMPLATE, 'params.json': JSON.stringify([{ ParameterKey: 'Env', ParameterValue: 'prod' }]) });

  test('a YAML template with the short forms (!Ref, !Sub, !GetAtt, !Join, !If, !Equals, !Not, !Or, !And, !Condition) is read', () => {
    const report = analyze([join(dir, 'app.yaml')]);
    expect(report.stacks).toEqual(['app']);
    expect(row(report.resources, 'Bucket')).toMatchObject({ encryption: 'SSE-KMS', key: 'Key', tls: 'TLS required' });
  });
  test('without parameters the queue is read in both cases: the weakest (not encrypted) reported, conditional', () => {
    const report = analyze([join(dir, 'app.yaml')]);
    expect(row(report.resources, 'Queue')).toMatchObject({ encrypted: 'no', conditional: ['parameter Env'] });
  });
  test('--parameters Env=prod decides the condition: the queue is encrypted under the key its alias (!Sub) names', () => {
    const report = analyze([join(dir, 'app.yaml')], { parameters: { Env: 'prod' } });
    expect(row(report.resources, 'Queue')).toMatchObject({ encrypted: 'yes', key: 'Key', rotation: 'automatic every 365 days', conditional: [] });
  });
  test('a key referenced inside another function (!Select) is found', () => {
    expect(row(analyze([join(dir, 'app.yaml')]).resources, 'Logs')).toMatchObject({ key: 'Key', encryption: 'CloudWatch Logs (KMS)' });
  });
  test('resources read only on the rows of others (an alias, a bucket policy) are listed as not assessed, saying where they are read', () => {
    const report = analyze([join(dir, 'app.yaml')]);
    expect(report.notAssessed).toEqual([
      { stack: 'app', logicalId: 'Alias', type: 'AWS::KMS::Alias', reason: 'a key alias: read on the rows of the resources that name it' },
      { stack: 'app', logicalId: 'Policy', type: 'AWS::S3::BucketPolicy', reason: 'a bucket policy: read on its bucket\'s row (upload rule, TLS, public access)' },
    ]);
  });
});

describe('folders of templates and nested stacks', () => {
  const dir = files({
    'network/vpc.json': JSON.stringify({ Resources: { Flow: { Type: 'AWS::Logs::LogGroup' } } }),
    'app/main.yaml': [
      'Resources:',
      '  Child:',
      '    Type: AWS::CloudFormation::Stack',
      '    Properties:',
      '      TemplateURL: ./child.yaml',
      '      Parameters: { Encrypt: "yes" }',
      '  Remote:',
      '    Type: AWS::CloudFormation::Stack',
      '    Properties:',
      '      TemplateURL: https://s3.amazonaws.com/bucket/remote.yaml',
    ].join('\n'),
    'app/child.yaml': [
      'Parameters:',
      '  Encrypt: { Type: String }',
      'Conditions:',
      '  On: !Equals [!Ref Encrypt, "yes"]',
      'Resources:',
      '  Topic:',
      '    Type: AWS::SNS::Topic',
      '    Properties:',
      '      KmsMasterKeyId: !If [On, alias/aws/sns, !Ref AWS::NoValue]',
    ].join('\n'),
    'README.md': '# not a template',
    'package.json': JSON.stringify({ name: 'not-a-template' }),
  });

  test('every template of the folder and its subfolders is read, other files left out', () => {
    expect(analyze([dir]).stacks).toEqual(['app/main', 'app/main/Child', 'network/vpc']);
  });
  test('a nested stack with a local TemplateURL is followed, with the parameters its parent passes', () => {
    expect(row(analyze([dir]).resources, 'Topic')).toMatchObject({ stack: 'app/main/Child', encrypted: 'yes', key: 'AWS managed (aws/sns)', conditional: [] });
  });
  test('a nested stack whose template is not in the input is listed as not assessed, with its URL', () => {
    expect(analyze([dir]).notAssessed).toEqual([{
      stack: 'app/main',
      logicalId: 'Remote',
      type: 'AWS::CloudFormation::Stack',
      reason: 'nested stack whose template is not in the input (TemplateURL https://s3.amazonaws.com/bucket/remote.yaml)',
    }]);
  });
});

describe('Fn::ForEach', () => {
  const template = (collection: unknown) => JSON.stringify({
    Transform: 'AWS::LanguageExtensions',
    Parameters: { Names: { Type: 'CommaDelimitedList' } },
    Resources: {
      'Fn::ForEach::Topics': ['Name', collection, { 'Topic${Name}': { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${Name}-events' } } } }],
    },
  });

  test('a loop over a list is expanded: one row per item', () => {
    const report = analyze([join(files({ 't.json': template(['Orders', 'Payments']) }), 't.json')]);
    expect(report.resources.map((r) => r.logicalId)).toEqual(['TopicOrders', 'TopicPayments']);
    expect(report.resources.map((r) => r.encrypted)).toEqual(['no', 'no']);
  });
  test('a loop over a list parameter is expanded with the given value', () => {
    const report = analyze([join(files({ 't.json': template({ Ref: 'Names' }) }), 't.json')], { parameters: { Names: 'A,B,C' } });
    expect(report.resources.map((r) => r.logicalId)).toEqual(['TopicA', 'TopicB', 'TopicC']);
  });
  test('a loop whose collection is known only at deployment: its resources are listed as not assessed, with the reason', () => {
    const report = analyze([join(files({ 't.json': template({ Ref: 'Names' }) }), 't.json')]);
    expect(report.resources).toEqual([]);
    expect(report.notAssessed).toEqual([{
      stack: 't',
      logicalId: 'Fn::ForEach::Topics',
      type: 'AWS::SNS::Topic',
      reason: 'Fn::ForEach collection {"Ref":"Names"} known only at deployment (give the parameter with --parameters to expand it)',
    }]);
  });
});

describe('malformed input: the file and the place', () => {
  test.each([
    ['bad.json', '{\n  "Resources": {\n    "B": { "Type": "AWS::S3::Bucket", }\n  }\n}', /bad\.json:3:39: not valid JSON/],
    ['bad.yaml', 'Resources:\n  B:\n    Type: [AWS::S3::Bucket\n', /bad\.yaml:\d+:\d+: not valid YAML/],
    ['no-type.yaml', 'Resources:\n  B:\n    Properties: {}\n', /no-type\.yaml: Resources\.B\.Type: missing/],
    ['null-resource.json', '{"Resources": {"B": null}}', /null-resource\.json: Resources\.B: not a mapping with a Type/],
    ['list-properties.json', '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": [1]}}}', /list-properties\.json: Resources\.B\.Properties: not a mapping/],
    ['no-resources.yaml', 'Parameters: {}\n', /no-resources\.yaml: Resources: missing/],
  ])('%s', (name, text, message) => {
    const file = join(files({ [name]: text }), name);
    expect(() => analyze([file])).toThrow(message);
  });
  test('properties of the wrong shape for their type are named with the file, the resource and the type, never as a JavaScript error', () => {
    const file = join(files({
      'odd.json': JSON.stringify({
        Resources: {
          Group: { Type: 'AWS::Redshift::ClusterParameterGroup', Properties: { Parameters: [null] } },
          Cluster: { Type: 'AWS::Redshift::Cluster', Properties: { ClusterParameterGroupName: { Ref: 'Group' } } },
        },
      }),
    }), 'odd.json');
    expect(() => analyze([file])).toThrow(/odd\.json: Resources\.Cluster \(AWS::Redshift::Cluster\): its properties are not in the form CloudFormation documents/);
    expect(() => analyze([file])).not.toThrow(/Cannot read properties/);
  });
  test('a malformed parameters file names the file and the entry', () => {
    const dir = files({ 'p.json': JSON.stringify([{ Key: 'Env' }]) });
    expect(() => readParameters([join(dir, 'p.json')])).toThrow(/p\.json: \[0\]: not \{"ParameterKey": \.\.\., "ParameterValue": \.\.\.\}/);
  });
});

describe('parameters', () => {
  test.each([
    ['the CLI\'s list', [{ ParameterKey: 'Env', ParameterValue: 'prod' }, { ParameterKey: 'Subnets', ParameterValue: 'a,b' }]],
    ['a template configuration file', { Parameters: { Env: 'prod', Subnets: 'a,b' } }],
    ['a plain mapping', { Env: 'prod', Subnets: ['a', 'b'] }],
  ])('a parameters file in the form of %s', (_form, document) => {
    const dir = files({ 'params.json': JSON.stringify(document) });
    expect(readParameters([join(dir, 'params.json')])).toEqual({ Env: 'prod', Subnets: 'a,b' });
  });
  test('key=value arguments, later ones overriding earlier ones and files', () => {
    const dir = files({ 'params.json': JSON.stringify({ Env: 'dev' }) });
    expect(readParameters([join(dir, 'params.json'), 'Env=prod', 'Url=https://x?a=b'])).toEqual({ Env: 'prod', Url: 'https://x?a=b' });
  });
  test('an argument that is neither key=value nor a file', () => {
    expect(() => readParameters(['nothing-here'])).toThrow('--parameters nothing-here: neither key=value nor a parameters file that exists');
  });
});
