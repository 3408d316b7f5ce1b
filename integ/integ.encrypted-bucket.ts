/**
 * EncryptedBucket, deployed: default encryption is SSE-KMS with S3 Bucket Keys, versioning is on,
 * and the bucket policy really accepts an upload that states no encryption (default encryption
 * applies) or aws:kms with the bucket's key, while rejecting one that states AES256 or aws:kms without
 * a key (S3 would use aws/s3). Deploy with `npx projen integ:deploy`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AccessLogsBucket, EncryptedBucket } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiEncryptedBucketInteg');

const logs = new AccessLogsBucket(stack, 'Logs', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
const bucket = new EncryptedBucket(stack, 'Bucket', {
  serverAccessLogsBucket: logs,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});

// Tries uploads as a role that IAM allows to put objects, so any refusal comes from the bucket policy.
const prober = new lambda.Function(stack, 'UploadProber', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  timeout: Duration.seconds(30),
  environment: { BUCKET: bucket.bucketName, KEY_ARN: bucket.encryptionKey!.keyArn },
  code: lambda.Code.fromInline(`
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({});
async function put(key, extra) {
  try {
    await s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: key, Body: 'probe', ...extra }));
    return 'Allowed';
  } catch (e) {
    return e.name;
  }
}
exports.handler = async () => ({
  noHeader: await put('probe/no-header', {}),
  aes256: await put('probe/aes256', { ServerSideEncryption: 'AES256' }),
  awsKmsNamingNoKey: await put('probe/aws-kms', { ServerSideEncryption: 'aws:kms' }),
  awsKmsWithBucketKey: await put('probe/aws-kms-key', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: process.env.KEY_ARN }),
});
`),
});
bucket.grantPut(prober);

const integ = new IntegTest(app, 'EncryptedBucket', { testCases: [stack] });

// GetBucketEncryption is authorized as s3:GetEncryptionConfiguration, which the assertion's generated
// policy (s3:GetBucketEncryption, named after the API call) does not grant:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
const encryption = integ.assertions.awsApiCall('S3', 'getBucketEncryption', { Bucket: bucket.bucketName });
encryption.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:GetEncryptionConfiguration'], Resource: [bucket.bucketArn] });
encryption
  .expect(ExpectedResult.objectLike({
    ServerSideEncryptionConfiguration: {
      Rules: Match.arrayWith([Match.objectLike({
        ApplyServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
        BucketKeyEnabled: true,
      })]),
    },
  }));

integ.assertions
  .awsApiCall('S3', 'getBucketVersioning', { Bucket: bucket.bucketName })
  .expect(ExpectedResult.objectLike({ Status: 'Enabled' }));

integ.assertions
  .invokeFunction({ functionName: prober.functionName })
  .expect(ExpectedResult.objectLike({
    Payload: JSON.stringify({ noHeader: 'Allowed', aes256: 'AccessDenied', awsKmsNamingNoKey: 'AccessDenied', awsKmsWithBucketKey: 'Allowed' }),
  }));
