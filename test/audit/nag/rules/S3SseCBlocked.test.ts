import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { S3SseCBlocked } from '../../../../src/audit/nag/rules/S3SseCBlocked';
import { EncryptedBucket } from '../../../../src/s3/encrypted-bucket';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const SSE_C = 's3:x-amz-server-side-encryption-customer-algorithm';

/** A plain bucket whose policy denies uploads under the given conditions. */
function bucketDenying(conditions: Record<string, Record<string, unknown>>) {
  const bucket = new s3.Bucket(newStack(), 'Bucket');
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions,
  }));
  return bucket;
}

describe('S3SseCBlocked', () => {
  describe('compliant', () => {
    test('an EncryptedBucket with defaults (SSE-C blocked by the bucket and by its policy)', () => {
      expect(check(S3SseCBlocked, new EncryptedBucket(newStack(), 'Bucket'))).toBe(COMPLIANT);
    });
    test('an s3.Bucket that lists SSE-C in blockedEncryptionTypes', () => {
      const bucket = new s3.Bucket(newStack(), 'Bucket', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
      expect(check(S3SseCBlocked, bucket)).toBe(COMPLIANT);
    });
    test('an s3.Bucket whose policy denies uploads that carry the SSE-C header (Null false)', () => {
      expect(check(S3SseCBlocked, bucketDenying({ Null: { [SSE_C]: 'false' } }))).toBe(COMPLIANT);
    });
    test('an s3.Bucket whose policy denies uploads whose SSE-C algorithm is anything (StringLike *)', () => {
      expect(check(S3SseCBlocked, bucketDenying({ StringLike: { [SSE_C]: '*' } }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('an s3.Bucket with defaults', () => {
      expect(check(S3SseCBlocked, new s3.Bucket(newStack(), 'Bucket'))).toBe(NON_COMPLIANT);
    });
    test('an EncryptedBucket told to accept SSE-C (blockedEncryptionTypes without SSE_C)', () => {
      const bucket = new EncryptedBucket(newStack(), 'Bucket', { blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE] });
      expect(check(S3SseCBlocked, bucket)).toBe(NON_COMPLIANT);
    });
    test('a Deny of SSE-C uploads narrowed by another condition key', () => {
      const bucket = bucketDenying({ Null: { [SSE_C]: 'false' }, StringEquals: { 'aws:PrincipalAccount': '111111111111' } });
      expect(check(S3SseCBlocked, bucket)).toBe(NON_COMPLIANT);
    });
    test('a Deny only of requests without the SSE-C header (Null true), which lets SSE-C through', () => {
      expect(check(S3SseCBlocked, bucketDenying({ Null: { [SSE_C]: 'true' } }))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(S3SseCBlocked, new kms.Key(newStack(), 'Key'))).toBe(NOT_APPLICABLE);
  });
});
