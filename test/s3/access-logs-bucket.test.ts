import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessLogsBucket, EncryptedBucket } from '../../src';
import { ACCOUNT, newStack, snapshotOf, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { evaluate } from '../util/simulate';

describe('AccessLogsBucket', () => {
  const stack = newStack();
  const source = new EncryptedBucket(stack, 'Source');
  const template = synth(stack);

  test('is SSE-S3 (the only encryption S3 log delivery writes to), versioned, private, ACLs disabled, retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: Match.absent(),
      }),
      DeletionPolicy: 'Retain',
    });
  });
  test('AccessLogsBucket.of returns the one bucket of the stack', () => {
    expect(AccessLogsBucket.of(source)).toBe(source.serverAccessLogsBucket);
    expect(AccessLogsBucket.of(stack).node.path).toBe('TestStack/KmiAccessLogsBucket');
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });

  describe('policy, evaluated', () => {
    const resolver = new TemplateResolver(template.toJSON());
    const logsId = resolver.logicalId('AWS::S3::Bucket', 'KmiAccessLogsBucket');
    const policy = resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'KmiAccessLogsBucket')).PolicyDocument;
    const sourceArn = resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Source'));
    const delivery = (context: Record<string, string>) => evaluate({
      principal: 'logging.s3.amazonaws.com',
      action: 's3:PutObject',
      resource: `${resolver.bucketArn(logsId)}/${ACCOUNT}/us-east-1/source/2026/11/30/log`,
      context,
      resourcePolicy: policy,
    });

    test('S3 log delivery from the source bucket, stating no encryption, is allowed', async () => {
      expect(await delivery({ 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT })).toBe('Allowed');
    });
    test('S3 log delivery for another bucket is not allowed', async () => {
      expect(await delivery({ 'aws:SourceArn': 'arn:aws:s3:::someone-elses-bucket', 'aws:SourceAccount': ACCOUNT })).toBe('ImplicitlyDenied');
    });
    test('S3 log delivery on behalf of another account is not allowed', async () => {
      expect(await delivery({ 'aws:SourceArn': sourceArn, 'aws:SourceAccount': '999999999999' })).toBe('ImplicitlyDenied');
    });
    test('an upload stating SSE-KMS is denied', async () => {
      expect(await delivery({ 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT, 's3:x-amz-server-side-encryption': 'aws:kms' })).toBe('ExplicitlyDenied');
    });
  });

  test('removalPolicy and lifecycleRules are applied', () => {
    const s = newStack();
    new AccessLogsBucket(s, 'Logs', { removalPolicy: RemovalPolicy.DESTROY, lifecycleRules: [{ expiration: Duration.days(400) }] });
    synth(s).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ LifecycleConfiguration: { Rules: [{ ExpirationInDays: 400, Status: 'Enabled' }] } }),
    });
  });
  test('is an s3.Bucket', () => {
    expect(AccessLogsBucket.of(newStack())).toBeInstanceOf(s3.Bucket);
  });
});
