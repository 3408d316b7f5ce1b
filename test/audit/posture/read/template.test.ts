import { analyzeTemplate, ResourcePosture } from '../../../../src/audit/posture';

const row = (rows: ResourcePosture[], logicalId: string) => {
  const found = rows.filter((r) => r.logicalId === logicalId);
  expect(found).toHaveLength(1);
  return found[0];
};
const ids = (r: ResourcePosture) => r.findings.map((f) => `${f.severity} ${f.id}`);

const ENV_PARAMETER = { Env: { Type: 'String', AllowedValues: ['prod', 'dev'] } };
const IS_PROD = { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } };
const denyHttp = (resource: any) => ({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resource, Condition: { Bool: { 'aws:SecureTransport': 'false' } } });

describe('conditions that no parameter decides: every case read, the weakest reported, the row conditional', () => {
  const rows = analyzeTemplate('S', {
    Parameters: ENV_PARAMETER,
    Conditions: IS_PROD,
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{
              ServerSideEncryptionByDefault: {
                'Fn::If': ['IsProd', { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] } }, { SSEAlgorithm: 'AES256' }],
              },
            }],
          },
        },
      },
      Rotating: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: { 'Fn::If': ['IsProd', true, false] } } },
      Blocked: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          PublicAccessBlockConfiguration: {
            'Fn::If': ['IsProd', { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }, { BlockPublicAcls: false }],
          },
        },
      },
    },
  });

  test('a bucket that is SSE-KMS or AES256 by condition reads SSE-S3 (the weaker case), conditional on Env', () => {
    expect(row(rows, 'Bucket')).toMatchObject({ encryption: 'SSE-S3', key: 'AWS owned (SSE-S3)', conditional: ['parameter Env'] });
    expect(ids(row(rows, 'Bucket'))).toContain('info conditional');
    expect(row(rows, 'Bucket').findings.find((f) => f.id === 'conditional')?.message).toMatch(/weakest of 2 cases is shown \(Env=dev\)/);
  });
  test('rotation by condition reads none (the weaker case) and conditional, not "none" alone', () => {
    expect(row(rows, 'Rotating')).toMatchObject({ rotation: 'none', conditional: ['parameter Env'] });
    expect(ids(row(rows, 'Rotating'))).toEqual(['medium key-not-rotated', 'info conditional']);
  });
  test('a conditional public access block is a conditional high finding', () => {
    expect(ids(row(rows, 'Blocked'))).toEqual(expect.arrayContaining(['high public-access', 'info conditional']));
    expect(row(rows, 'Blocked').conditional).toEqual(['parameter Env']);
  });
  test('a resource whose posture does not depend on the condition is not marked conditional', () => {
    expect(row(rows, 'Key').conditional).toEqual([]);
  });
});

describe('conditions that parameters decide', () => {
  const template = {
    Parameters: ENV_PARAMETER,
    Conditions: IS_PROD,
    Resources: {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::If': ['IsProd', 'alias/aws/sns', { Ref: 'AWS::NoValue' }] } } },
    },
  };
  test('Env=prod takes the true branch: encrypted, not conditional', () => {
    expect(row(analyzeTemplate('S', template, {}, { Env: 'prod' }), 'Topic')).toMatchObject({ encrypted: 'yes', key: 'AWS managed (aws/sns)', conditional: [] });
  });
  test('Env=dev takes the false branch: not encrypted', () => {
    expect(row(analyzeTemplate('S', template, {}, { Env: 'dev' }), 'Topic')).toMatchObject({ encrypted: 'no', conditional: [] });
  });
  test('a parameter without AllowedValues is tried with the values the conditions compare it with, and any other', () => {
    const rows = analyzeTemplate('S', { ...template, Parameters: { Env: { Type: 'String' } } });
    expect(row(rows, 'Topic')).toMatchObject({ encrypted: 'no', conditional: ['parameter Env'] });
    expect(row(rows, 'Topic').findings.find((f) => f.id === 'conditional')?.message).toMatch(/Env=\(any other value\)/);
  });
  test('a condition that is not computable from parameters (Fn::Equals on a mapping) is tried true and false', () => {
    const rows = analyzeTemplate('S', {
      Conditions: { Special: { 'Fn::Equals': [{ 'Fn::FindInMap': ['M', 'a', 'b'] }, 'x'] } },
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::If': ['Special', 'alias/aws/sns', { Ref: 'AWS::NoValue' }] } } } },
    });
    expect(row(rows, 'Topic')).toMatchObject({ encrypted: 'no', conditional: ['condition Special'] });
  });
});

describe('values the report reads through intrinsic functions', () => {
  test('a key spec given by Ref is read as decided at deployment, never as [object Object]', () => {
    const rows = analyzeTemplate('S', { Parameters: { Spec: { Type: 'String' } }, Resources: { K: { Type: 'AWS::KMS::Key', Properties: { KeySpec: { Ref: 'Spec' } } } } });
    expect(row(rows, 'K').encryption).toBe('KMS key (key spec ${Spec})');
    expect(JSON.stringify(row(rows, 'K'))).not.toContain('[object Object]');
    expect(row(rows, 'K').rotation).toBe('unknown');
  });
  test('a key spec given as a parameter value is read as that value', () => {
    const rows = analyzeTemplate('S', { Parameters: { Spec: { Type: 'String' } }, Resources: { K: { Type: 'AWS::KMS::Key', Properties: { KeySpec: { Ref: 'Spec' } } } } }, {}, { Spec: 'RSA_2048' });
    expect(row(rows, 'K')).toMatchObject({ encryption: 'KMS key (RSA_2048)', rotation: 'not supported for this key spec' });
  });
  test('a bucket policy whose Statement is an Fn::If is read in each case: TLS enforced in both', () => {
    const rows = analyzeTemplate('S', {
      Parameters: ENV_PARAMETER,
      Conditions: IS_PROD,
      Resources: {
        B: { Type: 'AWS::S3::Bucket' },
        P: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: {
            Bucket: { Ref: 'B' },
            PolicyDocument: { Statement: { 'Fn::If': ['IsProd', [denyHttp('*')], [denyHttp({ 'Fn::Sub': '${B.Arn}/*' })]] } },
          },
        },
      },
    });
    expect(row(rows, 'B').tls).toBe('TLS required');
  });
  test('a key policy given as a JSON string is read: Principal * with kms:* and no condition is high', () => {
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] });
    const rows = analyzeTemplate('S', { Resources: { K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true, KeyPolicy: policy } } } });
    expect(ids(row(rows, 'K'))).toEqual(['high public-access', 'low key-policy-not-separated']);
  });
  test.each([
    ['a literal', 'records-bucket', 'records-bucket'],
    ['Fn::Sub', { 'Fn::Sub': '${AppName}-records' }, { 'Fn::Sub': '${AppName}-records' }],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['${App}-records', { App: { Ref: 'AppName' } }] }, { 'Fn::Sub': '${AppName}-records' }],
    ['Fn::Join', { 'Fn::Join': ['-', [{ Ref: 'AppName' }, 'records']] }, { 'Fn::Sub': '${AppName}-records' }],
  ])('a bucket policy that names its bucket by %s is linked to it', (_how, bucketName, policyBucket) => {
    const rows = analyzeTemplate('S', {
      Parameters: { AppName: { Type: 'String' } },
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucketName } },
        P: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: policyBucket, PolicyDocument: { Statement: [denyHttp('*')] } } },
      },
    });
    expect(row(rows, 'B').tls).toBe('TLS required');
  });
  test('a bucket policy that names another bucket is not linked', () => {
    const rows = analyzeTemplate('S', {
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'records' } },
        P: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: 'records-archive', PolicyDocument: { Statement: [denyHttp('*')] } } },
      },
    });
    expect(row(rows, 'B').tls).toBe('not enforced');
  });
  test('a queue policy that names its queue by URL is linked by the queue name', () => {
    const rows = analyzeTemplate('S', {
      Resources: {
        Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } },
        P: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: {
            Queues: [{ 'Fn::Sub': 'https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/jobs' }],
            PolicyDocument: { Statement: [{ ...denyHttp('*'), Action: 'sqs:*' }] },
          },
        },
      },
    });
    expect(row(rows, 'Q').tls).toBe('TLS required');
  });
  test('a topic policy linked by GetAtt, a key named by Fn::ImportValue of another stack is external', () => {
    const rows = analyzeTemplate('S', {
      Resources: {
        T: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::ImportValue': 'shared-key' } } },
        P: { Type: 'AWS::SNS::TopicPolicy', Properties: { Topics: [{ 'Fn::GetAtt': ['T', 'TopicArn'] }], PolicyDocument: { Statement: [{ ...denyHttp('*'), Action: 'sns:Publish' }] } } },
      },
    });
    expect(row(rows, 'T')).toMatchObject({ tls: 'TLS required', key: 'import:shared-key', keyManagement: 'unknown (external reference)' });
  });
});
