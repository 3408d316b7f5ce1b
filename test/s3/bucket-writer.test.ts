import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { AccessLogsBucket, BucketWriter, EncryptedBucket, KmsKeyWithRotation } from '../../src';
import { newStack, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { evaluate } from '../util/simulate';

describe('writers refused at synth', () => {
  test.each([
    ['ALB access logs', () => BucketWriter.albAccessLogs(), 'Application Load Balancer access logs support only SSE-S3 (Amazon S3 managed keys) (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html)'],
    ['Redshift audit logs', () => BucketWriter.redshiftAuditLogs(), 'Amazon Redshift audit logging supports only SSE-S3 (AES-256) buckets (https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html)'],
  ])('%s on an SSE-KMS bucket, naming the writer and the fix', (name, writer, reason) => {
    expect(() => new EncryptedBucket(newStack(), 'Bucket', { writers: [writer()] })).toThrow(
      `TestStack/Bucket: invalid writers: got ${name}, on a bucket encrypted with aws:kms; allowed: a bucket encrypted with SSE-S3 for ${name}. ${reason}. `
      + 'Declare it on an SSE-S3 bucket: an AccessLogsBucket, or an EncryptedBucket with encryption: s3.BucketEncryption.S3_MANAGED.');
  });
  test('S3 server access logs on a DSSE-KMS bucket', () => {
    const stack = newStack();
    const source = new s3.Bucket(stack, 'Source');
    expect(() => new EncryptedBucket(stack, 'Bucket', { encryption: s3.BucketEncryption.DSSE, writers: [BucketWriter.serverAccessLogs(source)] }))
      .toThrow('TestStack/Bucket: invalid writers: got S3 server access logs, on a bucket encrypted with aws:kms:dsse; allowed: a bucket encrypted with SSE-S3 for S3 server access logs.');
  });
  test('a service writer on the AWS managed key, whose policy cannot be changed', () => {
    expect(() => new EncryptedBucket(newStack(), 'Bucket', { encryption: s3.BucketEncryption.KMS_MANAGED, writers: [BucketWriter.vpcFlowLogs()] }))
      .toThrow('TestStack/Bucket: invalid writers: got VPC Flow Logs, on a bucket encrypted with the AWS managed key aws/s3; allowed: a bucket with a customer managed key (encryption KMS or DSSE, the default) or SSE-S3. '
        + 'The policy of aws/s3 cannot be changed to let delivery.logs.amazonaws.com use the key.');
  });
  test('addWriter refuses the same way as the writers prop', () => {
    const bucket = new EncryptedBucket(newStack(), 'Bucket');
    expect(() => bucket.addWriter(BucketWriter.albAccessLogs())).toThrow(/invalid writers: got ALB access logs/);
  });
  test('the SSE-S3-only writers are accepted by an SSE-S3 EncryptedBucket and an AccessLogsBucket', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED, writers: [BucketWriter.albAccessLogs(), BucketWriter.redshiftAuditLogs()] });
    const logs = new AccessLogsBucket(stack, 'Logs');
    logs.addWriter(BucketWriter.albAccessLogs());
    expect(bucket.writerNames).toEqual(['ALB access logs', 'Redshift audit logs']);
  });
});

describe('what a writer is given', () => {
  test('a service writer gets bucket policy and key policy statements, no role policy', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { writers: [BucketWriter.vpcFlowLogs()] });
    const template = synth(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 'kms:GenerateDataKey*' })]) },
    });
  });
  test('a role writer gets role policy statements only, the key use through S3', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Stream', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    new EncryptedBucket(stack, 'Bucket', { writers: [BucketWriter.firehose(role, { prefix: 'events/' })] });
    const template = synth(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Bucket'), 'Arn'] }, '/events/*']] } }),
          Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Condition: Match.objectLike({ StringEquals: { 'kms:ViaService': Match.anyValue() } }) }),
        ]),
      },
    });
    const keyPolicy = JSON.stringify(template.findResources('AWS::KMS::Key'));
    expect(keyPolicy).not.toContain('Stream');
  });
  test('an imported key gets a warning naming the statement to add where the key is managed', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555');
    new EncryptedBucket(stack, 'Bucket', { encryptionKey: key, writers: [BucketWriter.config()] });
    Annotations.fromStack(stack).hasWarning('/TestStack/Bucket',
      Match.stringLikeRegexp('The policy of the imported key TestStack/Imported cannot be changed here: allow kms:Decrypt, kms:GenerateDataKey to config.amazonaws.com there \\(AWS Config'));
  });
  test('a writer gains no separation-of-duties exception: a key admin declared as a role writer is still denied key use', async () => {
    const stack = newStack();
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
    const key = new KmsKeyWithRotation(stack, 'Key', { admins: [admin] });
    new EncryptedBucket(stack, 'Bucket', { encryptionKey: key, writers: [BucketWriter.athena(admin)] });
    const resolver = new TemplateResolver(synth(stack).toJSON());
    const adminId = resolver.logicalId('AWS::IAM::Role', 'Admin');
    const keyId = resolver.logicalId('AWS::KMS::Key', 'Key');
    expect(await evaluate({
      principal: resolver.roleArn(adminId),
      identityPolicies: resolver.identityPolicies(adminId),
      action: 'kms:GenerateDataKey',
      resource: resolver.keyArn(keyId),
      context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Bucket')) },
      resourcePolicy: resolver.properties(keyId).KeyPolicy,
    })).toBe('ExplicitlyDenied');
  });
  test('a prefix scopes the writer\'s objects, with or without a trailing slash', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { writers: [BucketWriter.cloudTrail({ prefix: 'trail/' }), BucketWriter.config({ prefix: 'config' })] });
    const policy = JSON.stringify(synth(stack).findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain('/trail/AWSLogs/111111111111/*');
    expect(policy).toContain('/config/AWSLogs/111111111111/Config/*');
  });
});

describe('aws-cdk-lib constructs wired to be denied at run time', () => {
  const warnings = (stack: ReturnType<typeof newStack>) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))
    .map((w) => String(w.entry.data));

  test.each<[string, { enforceEncryptionHeader?: boolean }, Partial<s3deploy.BucketDeploymentProps> | 'bucketKey', RegExp | undefined]>([
    ['header-enforcing, no serverSideEncryption', { enforceEncryptionHeader: true }, {}, /will be denied: it states no server-side encryption.*Set serverSideEncryption: s3deploy.ServerSideEncryption.AWS_KMS and serverSideEncryptionAwsKmsKeyId: bucket.encryptionKey.keyArn/],
    ['header-enforcing, aws:kms with the bucket key', { enforceEncryptionHeader: true }, 'bucketKey', undefined],
    ['default, no serverSideEncryption', {}, {}, undefined],
    ['default, aws:kms naming no key', {}, { serverSideEncryption: s3deploy.ServerSideEncryption.AWS_KMS }, /will be denied: it states aws:kms without naming the bucket's key, so S3 would use the AWS managed key aws\/s3/],
    ['default, AES256', {}, { serverSideEncryption: s3deploy.ServerSideEncryption.AES_256 }, /will be denied: it states "AES256", not the bucket's aws:kms/],
  ])('BucketDeployment into a %s bucket', (_, props, deployment, expected) => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket', props);
    new s3deploy.BucketDeployment(stack, 'Deploy', {
      sources: [s3deploy.Source.data('index.html', '<html></html>')],
      destinationBucket: bucket,
      ...(deployment === 'bucketKey'
        ? { serverSideEncryption: s3deploy.ServerSideEncryption.AWS_KMS, serverSideEncryptionAwsKmsKeyId: bucket.encryptionKey!.keyArn }
        : deployment),
    });
    const found = warnings(stack).filter((w) => w.includes('BucketDeployment'));
    if (expected) {
      expect(found).toEqual([expect.stringMatching(expected)]);
    } else {
      expect(found).toEqual([]);
    }
  });

  test('CloudFront standard logging (legacy) into the bucket is an error with the fix', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED });
    new cloudfront.Distribution(stack, 'Cdn', {
      defaultBehavior: { origin: new origins.HttpOrigin('example.com') },
      enableLogging: true,
      logBucket: bucket,
    });
    Annotations.fromStack(stack).hasError('/TestStack/Cdn/Resource',
      Match.stringLikeRegexp('CloudFront standard logging \\(legacy\\) cannot deliver to TestStack/Bucket: .*ACL.*use standard logging v2: declare BucketWriter.cloudFrontLogs\\(\\)'));
  });

  test('a CloudTrail trail into a KMS bucket that does not declare it gets a warning; declared, none', () => {
    const undeclared = newStack();
    new cloudtrail.Trail(undeclared, 'Trail', { bucket: new EncryptedBucket(undeclared, 'Bucket') });
    expect(warnings(undeclared)).toEqual(expect.arrayContaining([expect.stringMatching(/add BucketWriter.cloudTrail\(\) to the bucket's writers/)]));

    const declared = newStack();
    new cloudtrail.Trail(declared, 'Trail', { bucket: new EncryptedBucket(declared, 'Bucket', { writers: [BucketWriter.cloudTrail()] }) });
    expect(warnings(declared).filter((w) => w.includes('CloudTrail'))).toEqual([]);
  });

  test('a trail encrypting with another key gets a warning', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket', { writers: [BucketWriter.cloudTrail()] });
    new cloudtrail.Trail(stack, 'Trail', { bucket, encryptionKey: new KmsKeyWithRotation(stack, 'TrailKey') });
    expect(warnings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/encrypts its log files with a key that is not the key of TestStack\/Bucket/)]));
  });

  test('VPC Flow Logs into a KMS bucket that does not declare them get a warning', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'a', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    vpc.addFlowLog('ToS3', { destination: ec2.FlowLogDestination.toS3(bucket, 'flow/') });
    expect(warnings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/add BucketWriter.vpcFlowLogs\(\) to the bucket's writers/)]));
  });

  test('replication into a KMS bucket without its key as the replica key gets a warning; with it, none', () => {
    const check = (withKey: boolean) => {
      const stack = newStack();
      const destination = new EncryptedBucket(stack, 'Destination');
      new s3.Bucket(stack, 'Source', {
        versioned: true,
        replicationRules: [{
          destination,
          priority: 1,
          ...(withKey ? { kmsKey: destination.encryptionKey, sseKmsEncryptedObjects: true } : {}),
        }],
      });
      return warnings(stack).filter((w) => w.includes('Replication into'));
    };
    expect(check(false)).toEqual([expect.stringMatching(/Set kmsKey: <destination>.encryptionKey and sseKmsEncryptedObjects: true/)]);
    expect(check(true)).toEqual([]);
  });
});
