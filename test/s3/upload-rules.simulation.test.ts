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

type Case = [string, Headers, Decision];

/** Rows as objects, so test names read `an upload with <name> is <expected>`. */
const rows = (cases: Case[]) => cases.map(([name, headers, expected]) => ({ name, headers, expected }));

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

describe('strict SSE-KMS bucket (the default)', () => {
  const f = fixture({});
  test.each(rows([
    ['no encryption header', noHeader, 'ExplicitlyDenied'],
    ['AES256', aes256, 'ExplicitlyDenied'],
    ['aws:kms with the bucket key ARN', kmsWithBucketKey, 'Allowed'],
    ['aws:kms with the bucket key ID', kmsWithBucketKeyId, 'Allowed'],
    ['aws:kms naming no key', kmsNamingNoKey, 'Allowed'],
    ['aws:kms with another key', kmsWithOtherKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
    ['aws:kms over plain HTTP', over(plainHttp, kmsWithBucketKey), 'ExplicitlyDenied'],
    ['aws:kms over TLS 1.0', over(tls10, kmsWithBucketKey), 'ExplicitlyDenied'],
    ['aws:kms over TLS 1.3', over(tls13, kmsWithBucketKey), 'Allowed'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('lenient SSE-KMS bucket (enforceEncryptionHeader: false)', () => {
  const f = fixture({ enforceEncryptionHeader: false });
  test.each(rows([
    ['no encryption header', noHeader, 'Allowed'],
    ['AES256', aes256, 'ExplicitlyDenied'],
    ['aws:kms with the bucket key ARN', kmsWithBucketKey, 'Allowed'],
    ['aws:kms naming no key', kmsNamingNoKey, 'Allowed'],
    ['aws:kms with another key', kmsWithOtherKey, 'ExplicitlyDenied'],
    ['aws:kms:dsse', dsseNamingNoKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
    ['no header over plain HTTP', over(plainHttp, noHeader), 'ExplicitlyDenied'],
    ['no header over TLS 1.0', over(tls10, noHeader), 'ExplicitlyDenied'],
    ['no header over TLS 1.3', over(tls13, noHeader), 'Allowed'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('strict SSE-S3 bucket (encryption: S3_MANAGED)', () => {
  const f = fixture({ encryption: s3.BucketEncryption.S3_MANAGED });
  test.each(rows([
    ['no encryption header', noHeader, 'ExplicitlyDenied'],
    ['AES256', aes256, 'Allowed'],
    ['aws:kms naming no key', kmsNamingNoKey, 'ExplicitlyDenied'],
    ['aws:kms with another key', kmsWithOtherKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
    ['AES256 over plain HTTP', over(plainHttp, aes256), 'ExplicitlyDenied'],
    ['AES256 over TLS 1.0', over(tls10, aes256), 'ExplicitlyDenied'],
    ['AES256 over TLS 1.3', over(tls13, aes256), 'Allowed'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('lenient SSE-S3 bucket', () => {
  const f = fixture({ encryption: s3.BucketEncryption.S3_MANAGED, enforceEncryptionHeader: false });
  test.each(rows([
    ['no encryption header', noHeader, 'Allowed'],
    ['AES256', aes256, 'Allowed'],
    ['aws:kms naming no key', kmsNamingNoKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('strict DSSE-KMS bucket (encryption: DSSE)', () => {
  const f = fixture({ encryption: s3.BucketEncryption.DSSE });
  test.each(rows([
    ['no encryption header', noHeader, 'ExplicitlyDenied'],
    ['AES256', aes256, 'ExplicitlyDenied'],
    ['aws:kms with the bucket key', kmsWithBucketKey, 'ExplicitlyDenied'],
    ['aws:kms naming no key', kmsNamingNoKey, 'ExplicitlyDenied'],
    ['aws:kms with another key', kmsWithOtherKey, 'ExplicitlyDenied'],
    ['aws:kms:dsse with the bucket key', dsseWithBucketKey, 'Allowed'],
    ['aws:kms:dsse naming no key', dsseNamingNoKey, 'Allowed'],
    ['aws:kms:dsse with another key', dsseWithOtherKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
    ['aws:kms:dsse over plain HTTP', over(plainHttp, dsseWithBucketKey), 'ExplicitlyDenied'],
    ['aws:kms:dsse over TLS 1.0', over(tls10, dsseWithBucketKey), 'ExplicitlyDenied'],
    ['aws:kms:dsse over TLS 1.3', over(tls13, dsseWithBucketKey), 'Allowed'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('lenient DSSE-KMS bucket', () => {
  const f = fixture({ encryption: s3.BucketEncryption.DSSE, enforceEncryptionHeader: false });
  test.each(rows([
    ['no encryption header', noHeader, 'Allowed'],
    ['aws:kms naming no key', kmsNamingNoKey, 'ExplicitlyDenied'],
    ['aws:kms:dsse with another key', dsseWithOtherKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('strict SSE-KMS bucket on the AWS managed key (encryption: KMS_MANAGED)', () => {
  const f = fixture({ encryption: s3.BucketEncryption.KMS_MANAGED });
  test.each(rows([
    ['no encryption header', noHeader, 'ExplicitlyDenied'],
    ['AES256', aes256, 'ExplicitlyDenied'],
    ['aws:kms naming no key', kmsNamingNoKey, 'Allowed'],
    ['aws:kms with a customer managed key', kmsWithOtherKey, 'ExplicitlyDenied'],
    ['SSE-C', sseC, 'ExplicitlyDenied'],
    ['aws:kms over plain HTTP', over(plainHttp, kmsNamingNoKey), 'ExplicitlyDenied'],
    ['aws:kms over TLS 1.0', over(tls10, kmsNamingNoKey), 'ExplicitlyDenied'],
    ['aws:kms over TLS 1.3', over(tls13, kmsNamingNoKey), 'Allowed'],
  ]))('an upload with $name is $expected', async ({ headers, expected }) => {
    expect(await upload(f, headers)).toEqual(expected);
  });
});

describe('SSE-C allowed on request (blockedEncryptionTypes: [NONE], lenient)', () => {
  const f = fixture({ blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE], enforceEncryptionHeader: false });
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
    expect(await evaluate({ ...as('Reader'), action: 's3:PutObject', resource: `${resolver.bucketArn(bucketId)}/a.csv`, context: { [SSE]: 'aws:kms' }, resourcePolicy: bucketPolicy }))
      .toEqual('ImplicitlyDenied');
  });
  test('a role without a grant can neither get objects nor decrypt', async () => {
    expect(await evaluate({ ...as('Stranger'), action: 's3:GetObject', resource: `${resolver.bucketArn(bucketId)}/a.csv`, resourcePolicy: bucketPolicy }))
      .toEqual('ImplicitlyDenied');
    expect(await evaluate({ ...as('Stranger'), action: 'kms:Decrypt', resource: resolver.keyArn(keyId), resourcePolicy: keyPolicy }))
      .toEqual('ImplicitlyDenied');
  });
});
