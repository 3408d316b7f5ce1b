import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBucket, EncryptedBucketProps } from '../../src';
import { ACCOUNT, newStack, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { ALLOW_ALL, Decision, evaluate } from '../util/simulate';

/**
 * Every upload rule of EncryptedBucket, evaluated as IAM evaluates the synthesized bucket policy:
 * a role whose identity policy allows everything uploads an object with the given request headers.
 */

const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const WRITER = `arn:aws:iam::${ACCOUNT}:role/Writer`;

interface Fixture {
  readonly bucketPolicy: any;
  readonly objectArn: string;
  readonly bucketKeyArn?: string;
  readonly bucketKeyId?: string;
}

function fixture(props: EncryptedBucketProps): Fixture {
  const stack = newStack();
  new EncryptedBucket(stack, 'Bucket', props);
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const bucket = resolver.logicalId('AWS::S3::Bucket', 'Bucket');
  const managed = [s3.BucketEncryption.S3_MANAGED, s3.BucketEncryption.KMS_MANAGED, s3.BucketEncryption.DSSE_MANAGED];
  const key = managed.includes(props.encryption!) ? undefined : resolver.logicalId('AWS::KMS::Key', 'BucketKey');
  return {
    bucketPolicy: resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'BucketPolicy')).PolicyDocument,
    objectArn: `${resolver.bucketArn(bucket)}/records/2026/report.csv`,
    bucketKeyArn: key && resolver.keyArn(key),
    bucketKeyId: key && resolver.keyId(key),
  };
}

type Headers = (f: Fixture) => Record<string, string>;

const SSE = 's3:x-amz-server-side-encryption';
const KEY = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const noHeader: Headers = () => ({});
const aes256: Headers = () => ({ [SSE]: 'AES256' });
const kmsWithBucketKey: Headers = (f) => ({ [SSE]: 'aws:kms', [KEY]: f.bucketKeyArn! });
const kmsWithBucketKeyId: Headers = (f) => ({ [SSE]: 'aws:kms', [KEY]: f.bucketKeyId! });
const kmsNamingNoKey: Headers = () => ({ [SSE]: 'aws:kms' });
const kmsWithOtherKey: Headers = () => ({ [SSE]: 'aws:kms', [KEY]: OTHER_KEY });
const dsseWithBucketKey: Headers = (f) => ({ [SSE]: 'aws:kms:dsse', [KEY]: f.bucketKeyArn! });
const dsseNamingNoKey: Headers = () => ({ [SSE]: 'aws:kms:dsse' });
const dsseWithOtherKey: Headers = () => ({ [SSE]: 'aws:kms:dsse', [KEY]: OTHER_KEY });
const sseC: Headers = () => ({ 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' });
const over = (transport: Record<string, string>, headers: Headers): Headers => (f) => ({ ...headers(f), ...transport });
const plainHttp = { 'aws:SecureTransport': 'false' };
const tls10 = { 's3:TlsVersion': '1.0' };
const tls13 = { 's3:TlsVersion': '1.3' };

async function upload(f: Fixture, headers: Headers): Promise<Decision> {
  return evaluate({
    principal: WRITER,
    action: 's3:PutObject',
    resource: f.objectArn,
    context: headers(f),
    identityPolicies: [ALLOW_ALL],
    resourcePolicy: f.bucketPolicy,
  });
}

/**
 * PutObject, CopyObject (into the bucket) and CreateMultipartUpload are all authorized as
 * `s3:PutObject` on the destination object, with the same encryption headers and condition keys
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html, and the
 * "Permissions" section of https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html). CopyObject adds
 * `x-amz-copy-source`. A copy that states no encryption gets the destination's default encryption.
 */
const SHAPES: Array<[string, Record<string, string>]> = [
  ['PutObject', {}],
  ['CopyObject', { 's3:x-amz-copy-source': 'other-bucket/records/report.csv' }],
  ['CreateMultipartUpload', {}],
];

const ALIAS = 'alias/records';
const ALIAS_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:alias/records`;
const kmsWithAlias: Headers = () => ({ [SSE]: 'aws:kms', [KEY]: ALIAS });
const kmsWithAliasArn: Headers = () => ({ [SSE]: 'aws:kms', [KEY]: ALIAS_ARN });
const keyIdWithoutAlgorithm: Headers = (f) => ({ [KEY]: f.bucketKeyArn! });
const dsseWithBucketKeyId: Headers = (f) => ({ [SSE]: 'aws:kms:dsse', [KEY]: f.bucketKeyId! });

const A: Decision = 'Allowed';
const D: Decision = 'ExplicitlyDenied';

/** [request, expected on the default bucket, expected with enforceEncryptionHeader: true]. */
type ModeCase = [string, Headers, Decision, Decision];

/**
 * Runs every case as each request shape, against the bucket built with `props` in both modes: the
 * default (`enforceEncryptionHeader` unset) and header-enforcing.
 */
function uploadMatrix(title: string, props: EncryptedBucketProps, cases: ModeCase[]): void {
  describe(title, () => {
    const modes: Array<[string, Fixture, 2 | 3]> = [
      ['default', fixture(props), 2],
      ['header-enforcing', fixture({ ...props, enforceEncryptionHeader: true }), 3],
    ];
    const rowsOf = modes.flatMap(([mode, f, column]) => SHAPES.flatMap(([shape, extra]) => cases.map((c) => ({
      mode, shape, name: c[0], f, headers: over(extra, c[1]), expected: c[column],
    }))));
    test.each(rowsOf)('$mode bucket: $shape with $name is $expected', async ({ f, headers, expected }) => {
      expect(await upload(f, headers)).toEqual(expected);
    });
  });
}

uploadMatrix('SSE-KMS bucket with its customer managed key (the default encryption)', {}, [
  ['no encryption header', noHeader, A, D],
  ['AES256', aes256, D, D],
  ['aws:kms with the bucket key ARN', kmsWithBucketKey, A, A],
  ['aws:kms with the bucket key ID', kmsWithBucketKeyId, A, A],
  // The policy compares the header with the key ARN and key ID; an alias is not resolved, so it is denied.
  ['aws:kms with an alias name', kmsWithAlias, D, D],
  ['aws:kms with an alias ARN', kmsWithAliasArn, D, D],
  // Key integrity: S3 would encrypt under aws/s3 (API_PutObject.html, x-amz-server-side-encryption-aws-kms-key-id).
  ['aws:kms naming no key', kmsNamingNoKey, D, D],
  ['aws:kms with another key', kmsWithOtherKey, D, D],
  ['the bucket key ARN without an algorithm', keyIdWithoutAlgorithm, A, D],
  ['aws:kms:dsse with the bucket key', dsseWithBucketKey, D, D],
  ['aws:kms:dsse naming no key', dsseNamingNoKey, D, D],
  ['SSE-C', sseC, D, D],
  ['SSE-C and aws:kms with the bucket key', (f) => ({ ...sseC(f), ...kmsWithBucketKey(f) }), D, D],
  ['aws:kms with the bucket key over plain HTTP', over(plainHttp, kmsWithBucketKey), D, D],
  ['aws:kms with the bucket key over TLS 1.0', over(tls10, kmsWithBucketKey), D, D],
  ['aws:kms with the bucket key over TLS 1.3', over(tls13, kmsWithBucketKey), A, A],
  ['no encryption header over plain HTTP', over(plainHttp, noHeader), D, D],
]);

uploadMatrix('DSSE-KMS bucket (encryption: DSSE)', { encryption: s3.BucketEncryption.DSSE }, [
  ['no encryption header', noHeader, A, D],
  ['AES256', aes256, D, D],
  ['aws:kms with the bucket key', kmsWithBucketKey, D, D],
  ['aws:kms naming no key', kmsNamingNoKey, D, D],
  ['aws:kms:dsse with the bucket key ARN', dsseWithBucketKey, A, A],
  ['aws:kms:dsse with the bucket key ID', dsseWithBucketKeyId, A, A],
  ['aws:kms:dsse naming no key', dsseNamingNoKey, D, D],
  ['aws:kms:dsse with another key', dsseWithOtherKey, D, D],
  ['SSE-C', sseC, D, D],
  ['aws:kms:dsse with the bucket key over TLS 1.0', over(tls10, dsseWithBucketKey), D, D],
]);

uploadMatrix('SSE-S3 bucket (encryption: S3_MANAGED)', { encryption: s3.BucketEncryption.S3_MANAGED }, [
  ['no encryption header', noHeader, A, D],
  ['AES256', aes256, A, A],
  ['aws:kms naming no key', kmsNamingNoKey, D, D],
  ['aws:kms with another key', kmsWithOtherKey, D, D],
  ['aws:kms:dsse naming no key', dsseNamingNoKey, D, D],
  ['SSE-C', sseC, D, D],
  ['AES256 over plain HTTP', over(plainHttp, aes256), D, D],
  ['AES256 over TLS 1.3', over(tls13, aes256), A, A],
]);

uploadMatrix('SSE-KMS bucket on the AWS managed key (encryption: KMS_MANAGED)', { encryption: s3.BucketEncryption.KMS_MANAGED }, [
  ['no encryption header', noHeader, A, D],
  ['AES256', aes256, D, D],
  // aws/s3 is this bucket's key: naming no key is what its uploads must do.
  ['aws:kms naming no key', kmsNamingNoKey, A, A],
  ['aws:kms with a customer managed key', kmsWithOtherKey, D, D],
  ['SSE-C', sseC, D, D],
  ['aws:kms over TLS 1.0', over(tls10, kmsNamingNoKey), D, D],
]);

describe('SSE-C allowed on request (blockedEncryptionTypes: [NONE])', () => {
  const f = fixture({ blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE] });
  test('an SSE-C upload is allowed by the policy', async () => {
    expect(await upload(f, sseC)).toEqual('Allowed');
  });
  test('an upload naming another KMS key is still denied', async () => {
    expect(await upload(f, kmsWithOtherKey)).toEqual('ExplicitlyDenied');
  });
});

describe('grants', () => {
  const stack = newStack();
  const bucket = new EncryptedBucket(stack, 'Bucket');
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  new iam.Role(stack, 'Stranger', { assumedBy: new iam.AccountRootPrincipal() });
  bucket.grantRead(reader);
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const bucketId = resolver.logicalId('AWS::S3::Bucket', 'Bucket');
  const keyId = resolver.logicalId('AWS::KMS::Key', 'BucketKey');
  const bucketPolicy = resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'BucketPolicy')).PolicyDocument;
  const keyPolicy = resolver.properties(keyId).KeyPolicy;

  const as = (role: string) => ({
    principal: resolver.roleArn(resolver.logicalId('AWS::IAM::Role', role)),
    identityPolicies: resolver.identityPolicies(resolver.logicalId('AWS::IAM::Role', role)),
  });

  test('grantRead lets the role get objects', async () => {
    expect(await evaluate({ ...as('Reader'), action: 's3:GetObject', resource: `${resolver.bucketArn(bucketId)}/a.csv`, resourcePolicy: bucketPolicy }))
      .toEqual('Allowed');
  });
  test('grantRead lets the role decrypt with the bucket key', async () => {
    expect(await evaluate({ ...as('Reader'), action: 'kms:Decrypt', resource: resolver.keyArn(keyId), resourcePolicy: keyPolicy }))
      .toEqual('Allowed');
  });
  test('grantRead does not let the role upload', async () => {
    expect(await evaluate({ ...as('Reader'), action: 's3:PutObject', resource: `${resolver.bucketArn(bucketId)}/a.csv`, resourcePolicy: bucketPolicy }))
      .toEqual('ImplicitlyDenied');
  });
  test('a role without a grant can neither get objects nor decrypt', async () => {
    expect(await evaluate({ ...as('Stranger'), action: 's3:GetObject', resource: `${resolver.bucketArn(bucketId)}/a.csv`, resourcePolicy: bucketPolicy }))
      .toEqual('ImplicitlyDenied');
    expect(await evaluate({ ...as('Stranger'), action: 'kms:Decrypt', resource: resolver.keyArn(keyId), resourcePolicy: keyPolicy }))
      .toEqual('ImplicitlyDenied');
  });
});

describe.each([
  ['grantWrite', (b: EncryptedBucket, r: iam.IGrantable) => b.grantWrite(r)],
  ['grantPut', (b: EncryptedBucket, r: iam.IGrantable) => b.grantPut(r)],
  ['grantReadWrite', (b: EncryptedBucket, r: iam.IGrantable) => b.grantReadWrite(r)],
])('application code given %s, uploading with no encryption parameters', (_, grant) => {
  // What SDK code sends by default: PutObject with no x-amz-server-side-encryption headers. S3 then
  // applies the bucket's default encryption and calls kms:GenerateDataKey on the bucket's key with the
  // caller's credentials, through S3, with the encryption context aws:s3:arn
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
  const build = (props: EncryptedBucketProps) => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Bucket', props);
    grant(bucket, new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    const resolver = new TemplateResolver(synth(stack).toJSON());
    const roleId = resolver.logicalId('AWS::IAM::Role', 'App');
    const keyId = resolver.logicalId('AWS::KMS::Key', 'BucketKey');
    const bucketArn = resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Bucket'));
    const as = { principal: resolver.roleArn(roleId), identityPolicies: resolver.identityPolicies(roleId) };
    return {
      put: () => evaluate({
        ...as,
        action: 's3:PutObject',
        resource: `${bucketArn}/uploads/a.json`,
        resourcePolicy: resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'BucketPolicy')).PolicyDocument,
      }),
      generateDataKey: () => evaluate({
        ...as,
        action: 'kms:GenerateDataKey',
        resource: resolver.keyArn(keyId),
        context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': bucketArn },
        resourcePolicy: resolver.properties(keyId).KeyPolicy,
      }),
    };
  };
  const byDefault = build({});
  test('is allowed by the default bucket', async () => {
    expect(await byDefault.put()).toBe('Allowed');
  });
  test('and S3 may generate the data key under the bucket key for it', async () => {
    expect(await byDefault.generateDataKey()).toBe('Allowed');
  });
  test('is denied by a header-enforcing bucket (it must send aws:kms and the bucket key ARN)', async () => {
    expect(await build({ enforceEncryptionHeader: true }).put()).toBe('ExplicitlyDenied');
  });
});
