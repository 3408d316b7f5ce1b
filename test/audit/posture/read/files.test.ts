import { join } from 'node:path';
import { analyze, ResourcePosture } from '../../../../src/audit/posture';
import { files, removeTemporaryDirectories } from '../helpers';

afterAll(removeTemporaryDirectories);

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
