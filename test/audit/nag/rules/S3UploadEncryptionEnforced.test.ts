import { Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { S3UploadEncryptionEnforced } from '../../../../src/audit/nag/rules/S3UploadEncryptionEnforced';
import { AccessLogsBucket } from '../../../../src/s3/access-logs-bucket';
import { EncryptedBucket } from '../../../../src/s3/encrypted-bucket';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const SSE = 's3:x-amz-server-side-encryption';

/** A plain bucket whose policy holds one upload Deny with the given conditions, principals and resources. */
function bucketDenying(conditions: Record<string, Record<string, unknown>>, options: { principal?: iam.IPrincipal; objects?: string } = {}) {
  const stack = newStack();
  const bucket = new s3.Bucket(stack, 'Bucket');
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [options.principal ?? new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(options.objects ?? '*')],
    conditions,
  }));
  return bucket;
}

describe('S3UploadEncryptionEnforced', () => {
  describe('compliant', () => {
    test('an EncryptedBucket with defaults (strict: uploads must state aws:kms)', () => {
      expect(check(S3UploadEncryptionEnforced, new EncryptedBucket(newStack(), 'Bucket'))).toBe(COMPLIANT);
    });
    test('an EncryptedBucket in lenient mode (uploads stating another algorithm are denied)', () => {
      expect(check(S3UploadEncryptionEnforced, new EncryptedBucket(newStack(), 'Bucket', { enforceEncryptionHeader: false }))).toBe(COMPLIANT);
    });
    test('an EncryptedBucket with SSE-S3 and one with DSSE-KMS', () => {
      const stack = newStack();
      const sseS3 = new EncryptedBucket(stack, 'SseS3', { encryption: s3.BucketEncryption.S3_MANAGED });
      const dsse = new EncryptedBucket(stack, 'Dsse', { encryption: s3.BucketEncryption.DSSE });
      expect([check(S3UploadEncryptionEnforced, sseS3), check(S3UploadEncryptionEnforced, dsse)]).toEqual([COMPLIANT, COMPLIANT]);
    });
    test('an AccessLogsBucket', () => {
      expect(check(S3UploadEncryptionEnforced, new AccessLogsBucket(newStack(), 'Logs'))).toBe(COMPLIANT);
    });
    test('a hand-written Deny of uploads without the encryption header (Null true)', () => {
      expect(check(S3UploadEncryptionEnforced, bucketDenying({ Null: { [SSE]: 'true' } }))).toBe(COMPLIANT);
    });
    test('a hand-written Deny of uploads not stating AES256 (StringNotEquals)', () => {
      expect(check(S3UploadEncryptionEnforced, bucketDenying({ StringNotEquals: { [SSE]: 'AES256' } }))).toBe(COMPLIANT);
    });
    test('a bucket policy that names the bucket and its objects by literal name', () => {
      const stack = newStack();
      const bucket = new s3.CfnBucket(stack, 'Bucket', { bucketName: 'kmi-records' });
      new s3.CfnBucketPolicy(stack, 'Policy', {
        bucket: 'kmi-records',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:Put*', Resource: 'arn:aws:s3:::kmi-records/*', Condition: { StringNotEquals: { [SSE]: 'aws:kms' } } }],
        },
      });
      expect(check(S3UploadEncryptionEnforced, bucket)).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('an s3.Bucket with defaults (no bucket policy)', () => {
      expect(check(S3UploadEncryptionEnforced, new s3.Bucket(newStack(), 'Bucket'))).toBe(NON_COMPLIANT);
    });
    test('an s3.Bucket with SSE-KMS and enforceSSL (a policy without an upload Deny)', () => {
      const bucket = new s3.Bucket(newStack(), 'Bucket', { encryption: s3.BucketEncryption.KMS, enforceSSL: true });
      expect(check(S3UploadEncryptionEnforced, bucket)).toBe(NON_COMPLIANT);
    });
    test('a Deny that applies to one principal only', () => {
      const bucket = bucketDenying({ StringNotEquals: { [SSE]: 'aws:kms' } }, { principal: new iam.ArnPrincipal('arn:aws:iam::111111111111:role/Uploader') });
      expect(check(S3UploadEncryptionEnforced, bucket)).toBe(NON_COMPLIANT);
    });
    test('a Deny narrowed by another condition key', () => {
      const bucket = bucketDenying({ StringNotEquals: { [SSE]: 'aws:kms', 'aws:PrincipalAccount': '111111111111' } });
      expect(check(S3UploadEncryptionEnforced, bucket)).toBe(NON_COMPLIANT);
    });
    test('a Deny only of uploads that state some encryption (Null false alone)', () => {
      expect(check(S3UploadEncryptionEnforced, bucketDenying({ Null: { [SSE]: 'false' } }))).toBe(NON_COMPLIANT);
    });
    test('a Deny that covers part of the bucket only', () => {
      expect(check(S3UploadEncryptionEnforced, bucketDenying({ StringNotEquals: { [SSE]: 'aws:kms' } }, { objects: 'uploads/*' }))).toBe(NON_COMPLIANT);
    });
    test('an upload Deny in the policy of another bucket', () => {
      const stack = newStack();
      const enforced = new EncryptedBucket(stack, 'Enforced');
      const plain = new s3.Bucket(stack, 'Plain', { enforceSSL: true });
      expect([check(S3UploadEncryptionEnforced, enforced), check(S3UploadEncryptionEnforced, plain)]).toEqual([COMPLIANT, NON_COMPLIANT]);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(S3UploadEncryptionEnforced, new kms.Key(newStack(), 'Key'))).toBe(NOT_APPLICABLE);
  });

  test('cannot judge a bucket policy chosen at deployment, and says so', () => {
    const stack = newStack();
    const bucket = new s3.CfnBucket(stack, 'Bucket');
    const statement = { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::kmi-test-bucket/*', Condition: { Null: { [SSE]: 'true' } } };
    new s3.CfnBucketPolicy(stack, 'Policy', {
      bucket: bucket.ref,
      policyDocument: Fn.conditionIf('Strict', { Statement: [statement] }, { Statement: [] }),
    });
    expect(() => check(S3UploadEncryptionEnforced, bucket)).toThrow(/PolicyDocument of Policy is .*Fn::If.*, known only at deployment/);
  });

  test('cannot judge a statement list chosen at deployment, and says so', () => {
    const stack = newStack();
    const bucket = new s3.CfnBucket(stack, 'Bucket');
    const statement = { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::kmi-test-bucket/*', Condition: { Null: { [SSE]: 'true' } } };
    new s3.CfnBucketPolicy(stack, 'Policy', {
      bucket: bucket.ref,
      policyDocument: { Version: '2012-10-17', Statement: Fn.conditionIf('Strict', [statement], []) },
    });
    expect(() => check(S3UploadEncryptionEnforced, bucket)).toThrow(/the Statement of PolicyDocument of Policy is .*Fn::If.*, known only at deployment/);
  });
});
