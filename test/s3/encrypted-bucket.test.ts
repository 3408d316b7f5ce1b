import { RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessLogsBucket, BucketWriter, EncryptedBucket, EncryptedBucketProps, KmsKeyWithRotation } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';

function bucketTemplate(props?: EncryptedBucketProps) {
  const stack = newStack();
  const bucket = new EncryptedBucket(stack, 'Bucket', props);
  return { stack, bucket, template: synth(stack) };
}

/** The EncryptedBucket's own AWS::S3::Bucket resource (not the access log bucket). */
function theBucket(template: ReturnType<typeof synth>): any {
  const buckets = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => /^Bucket[0-9A-F]{8}$/.test(id));
  expect(buckets).toHaveLength(1);
  return buckets[0][1];
}

/** The statements of the bucket's own policy (not the access log bucket's). */
function bucketPolicyStatements(template: ReturnType<typeof synth>): any[] {
  const [policy] = Object.entries(template.findResources('AWS::S3::BucketPolicy'))
    .filter(([id]) => id.startsWith('BucketPolicy'))
    .map(([, resource]) => resource);
  return policy.Properties.PolicyDocument.Statement;
}

describe('defaults', () => {
  const { template, bucket } = bucketTemplate();

  test('SSE-KMS with a new rotating key and S3 Bucket Keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BucketKey'), 'Arn'] } },
          BucketKeyEnabled: true,
          BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
        }],
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, RotationPeriodInDays: 365 });
    expect(bucket.encryptionKey).toBeInstanceOf(KmsKeyWithRotation);
    expect(bucket.serverSideEncryption).toBe('aws:kms');
  });
  test('the other-algorithm rule, the two key rules and the SSE-C rule are in the bucket policy; no header rule', () => {
    const sids = bucketPolicyStatements(template).map((s) => s.Sid).filter(Boolean);
    expect(sids).toEqual(['DenyUploadsStatingOtherEncryption', 'DenyUploadsNamingOtherKmsKey', 'DenyKmsUploadsNamingNoKey', 'DenySseCUploads']);
    expect(bucket.enforceEncryptionHeader).toBe(false);
  });
  test('the key rules cover uploads and replicas', () => {
    const rule = bucketPolicyStatements(template).find((s) => s.Sid === 'DenyKmsUploadsNamingNoKey');
    expect(rule.Action).toEqual(['s3:PutObject', 's3:ReplicateObject']);
    expect(rule.Condition).toEqual({
      StringEquals: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] },
      Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
    });
  });
  test('TLS is required, at least TLS 1.2', () => {
    const conditions = bucketPolicyStatements(template).filter((s) => s.Effect === 'Deny' && s.Action === 's3:*').map((s) => s.Condition);
    expect(conditions).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]);
  });
  test('versioned, public access blocked, ACLs disabled', () => {
    expect(theBucket(template).Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });
  test('bucket and key are retained', () => {
    expect(theBucket(template)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
  test('access logs go to the stack\'s AccessLogsBucket with partitioned keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^KmiAccessLogsBucket') },
        TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
      },
    });
    expect(bucket.serverAccessLogsBucket).toBeInstanceOf(AccessLogsBucket);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('props', () => {
  test('encryptionKey alone implies SSE-KMS with that key, and no key is created', () => {
    const stack = newStack();
    const key = new KmsKeyWithRotation(stack, 'MyKey');
    new EncryptedBucket(stack, 'Bucket', { encryptionKey: key });
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } } })] },
    });
  });
  test('an imported key is accepted and named in the key rule', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555');
    new EncryptedBucket(stack, 'Bucket', { encryptionKey: key });
    const rule = bucketPolicyStatements(synth(stack)).find((s) => s.Sid === 'DenyUploadsNamingOtherKmsKey');
    expect(rule.Condition.StringNotEquals['s3:x-amz-server-side-encryption-aws-kms-key-id'])
      .toEqual(['arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555', '11111111-2222-3333-4444-555555555555']);
  });
  test('S3_MANAGED gives SSE-S3, denies other algorithms, creates no key', () => {
    const { template, bucket } = bucketTemplate({ encryption: s3.BucketEncryption.S3_MANAGED });
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: Match.absent() })] },
    });
    const rule = bucketPolicyStatements(template).find((s) => s.Sid === 'DenyUploadsStatingOtherEncryption');
    expect(rule.Condition).toEqual({ Null: { 's3:x-amz-server-side-encryption': 'false' }, StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } });
    expect(bucketPolicyStatements(template).map((s) => s.Sid)).not.toContain('DenyKmsUploadsNamingNoKey');
    expect(bucket.serverSideEncryption).toBe('AES256');
  });
  test('DSSE gives dual-layer SSE-KMS with a new rotating key, without bucket keys', () => {
    const { template } = bucketTemplate({ encryption: s3.BucketEncryption.DSSE });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms:dsse' }), BucketKeyEnabled: Match.absent() })] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
  test('KMS_MANAGED uses the AWS managed key and denies uploads that name any key', () => {
    const { template } = bucketTemplate({ encryption: s3.BucketEncryption.KMS_MANAGED });
    template.resourceCountIs('AWS::KMS::Key', 0);
    const rule = bucketPolicyStatements(template).find((s) => s.Sid === 'DenyUploadsNamingOtherKmsKey');
    expect(rule.Condition).toEqual({ Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' } });
  });
  test('enforceEncryptionHeader: true puts the header rule first, for uploads only', () => {
    const { template, bucket } = bucketTemplate({ enforceEncryptionHeader: true });
    const [first, second] = bucketPolicyStatements(template).filter((s) => s.Sid);
    expect(first).toMatchObject({
      Sid: 'DenyUploadsNotStatingBucketEncryption',
      Action: 's3:PutObject',
      Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    });
    expect(second.Sid).toBe('DenyUploadsStatingOtherEncryption');
    expect(bucket.enforceEncryptionHeader).toBe(true);
  });
  test('enforceEncryptionHeader: true exempts declared service writers from the header rule by aws:PrincipalServiceName', () => {
    const { template } = bucketTemplate({ enforceEncryptionHeader: true, writers: [BucketWriter.cloudTrail(), BucketWriter.config()] });
    const rule = bucketPolicyStatements(template).find((s) => s.Sid === 'DenyUploadsNotStatingBucketEncryption');
    expect(rule.Condition).toEqual({
      StringNotEquals: {
        's3:x-amz-server-side-encryption': 'aws:kms',
        'aws:PrincipalServiceName': ['cloudtrail.amazonaws.com', 'config.amazonaws.com'],
      },
    });
  });
  test('role writers are not exempted from the header rule', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Firehose', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    new EncryptedBucket(stack, 'Bucket', { enforceEncryptionHeader: true, writers: [BucketWriter.firehose(role)] });
    const rule = bucketPolicyStatements(synth(stack)).find((s) => s.Sid === 'DenyUploadsNotStatingBucketEncryption');
    expect(rule.Condition).toEqual({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } });
  });
  test('minimumTLSVersion 1.3 raises the TLS floor', () => {
    const { template } = bucketTemplate({ minimumTLSVersion: 1.3 });
    expect(bucketPolicyStatements(template).some((s) => s.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.3)).toBe(true);
  });
  test('bucketKeyEnabled: false is respected', () => {
    bucketTemplate({ bucketKeyEnabled: false }).template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: false })] },
    });
  });
  test('removalPolicy DESTROY applies to the created key too', () => {
    const { template } = bucketTemplate({ removalPolicy: RemovalPolicy.DESTROY });
    expect(theBucket(template).DeletionPolicy).toBe('Delete');
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
  test('blockedEncryptionTypes [NONE] allows SSE-C, drops the SSE-C rule and warns', () => {
    const { template, stack } = bucketTemplate({ blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE] });
    expect(bucketPolicyStatements(template).map((s) => s.Sid)).not.toContain('DenySseCUploads');
    Annotations.fromStack(stack).hasWarning('/TestStack/Bucket', Match.stringLikeRegexp('SSE-C uploads are not blocked'));
  });
  test('serverAccessLogsBucket and prefix send logs to that bucket, whose policy allows log delivery', () => {
    const stack = newStack();
    const logs = new AccessLogsBucket(stack, 'Logs');
    new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'data/', targetObjectKeyFormat: s3.TargetObjectKeyFormat.simplePrefix() });
    const template = synth(stack);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^Logs') }, LogFilePrefix: 'data/', TargetObjectKeyFormat: { SimplePrefix: {} } },
    });
  });
  test('a plain SSE-S3 s3.Bucket as serverAccessLogsBucket gets a log delivery statement', () => {
    const stack = newStack();
    const logs = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
    new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'data/' });
    synth(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Logs') },
      PolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '111111111111' } },
        })],
      },
    });
  });
  test('an imported serverAccessLogsBucket gets a warning to allow log delivery there', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'central-logs') });
    Annotations.fromStack(stack).hasWarning('/TestStack/Bucket', Match.stringLikeRegexp('central-logs cannot be changed here'));
  });
  test('buckets of one stack share one AccessLogsBucket and one log delivery statement', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'A');
    new EncryptedBucket(stack, 'B');
    const template = synth(stack);
    template.resourceCountIs('AWS::S3::Bucket', 3);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^KmiAccessLogsBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowServerAccessLogDelivery',
          Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^A'), 'Arn'] }, { 'Fn::GetAtt': [Match.stringLikeRegexp('^B'), 'Arn'] }] } }),
        })]),
      },
    });
  });
  test('grantRead grants s3 read and kms:Decrypt on the bucket key', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    bucket.grantRead(role);
    synth(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) }),
          Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt']), Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BucketKey'), 'Arn'] } }),
        ]),
      },
    });
  });
});

describe('bad input', () => {
  const build = (props: EncryptedBucketProps) => () => new EncryptedBucket(newStack(), 'Bucket', props);

  test('encryption UNENCRYPTED is refused', () => {
    expect(build({ encryption: s3.BucketEncryption.UNENCRYPTED }))
      .toThrow('TestStack/Bucket: invalid encryption: got UNENCRYPTED; allowed: KMS (default), KMS_MANAGED, DSSE, DSSE_MANAGED or S3_MANAGED.');
  });
  test.each([s3.BucketEncryption.S3_MANAGED, s3.BucketEncryption.KMS_MANAGED, s3.BucketEncryption.DSSE_MANAGED])('encryptionKey with %s is refused', (encryption) => {
    const stack = newStack();
    const key = new KmsKeyWithRotation(stack, 'Key');
    expect(() => new EncryptedBucket(stack, 'Bucket', { encryption, encryptionKey: key }))
      .toThrow(`TestStack/Bucket: invalid encryption: got ${encryption} together with an encryptionKey; allowed: KMS or DSSE (or unset) when encryptionKey is given.`);
  });
  test('enforceSSL: false is refused', () => {
    expect(build({ enforceSSL: false }))
      .toThrow('TestStack/Bucket: invalid enforceSSL: got false; allowed: true or unset (TLS is always required).');
  });
  test.each([1.0, 1.1])('minimumTLSVersion %s is refused', (minimumTLSVersion) => {
    expect(build({ minimumTLSVersion }))
      .toThrow(`TestStack/Bucket: invalid minimumTLSVersion: got ${minimumTLSVersion}; allowed: 1.2 or 1.3.`);
  });
  test('bucketKeyEnabled with S3_MANAGED is refused', () => {
    expect(build({ encryption: s3.BucketEncryption.S3_MANAGED, bucketKeyEnabled: true }))
      .toThrow('TestStack/Bucket: invalid bucketKeyEnabled: got true with encryption S3_MANAGED; allowed: true only with KMS or KMS_MANAGED.');
  });
  test('a serverAccessLogsBucket on the AWS managed KMS key is refused', () => {
    const stack = newStack();
    const logs = new EncryptedBucket(stack, 'Logs', { encryption: s3.BucketEncryption.KMS_MANAGED });
    expect(() => new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: logs }))
      .toThrow('TestStack/Bucket: invalid serverAccessLogsBucket: got TestStack/Logs, encrypted with a KMS key; allowed: a bucket encrypted with SSE-S3, such as an AccessLogsBucket.');
  });
  test('an SSE-KMS serverAccessLogsBucket is refused', () => {
    const stack = newStack();
    const logs = new EncryptedBucket(stack, 'Logs');
    expect(() => new EncryptedBucket(stack, 'Bucket', { serverAccessLogsBucket: logs }))
      .toThrow('TestStack/Bucket: invalid serverAccessLogsBucket: got TestStack/Logs, encrypted with a KMS key; allowed: a bucket encrypted with SSE-S3, such as an AccessLogsBucket.');
  });
});
