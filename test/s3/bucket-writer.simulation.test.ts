import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { AccessLogsBucket, BucketWriter, EncryptedBucket, EncryptedBucketProps } from '../../src';
import { ACCOUNT, REGION, newStack, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { ALLOW_ALL, Decision, evaluate, Request } from '../util/simulate';

/**
 * Each writer that delivers into S3, evaluated with the request shape the service really sends
 * (principal, headers, source context and the KMS call S3 makes on its behalf, each from the AWS page
 * cited on the case) against the synthesized bucket policy, key policy and role policies, on three
 * buckets: the default EncryptedBucket (SSE-KMS with its own key), a header-enforcing one, and an
 * SSE-S3 one.
 *
 * When S3 encrypts an upload under SSE-KMS it calls kms:GenerateDataKey with the writer's
 * credentials (a service principal's, through a forward access session, or the role's), with the
 * encryption context aws:s3:arn: the bucket's ARN with S3 Bucket Keys, the object's without, and
 * kms:ViaService s3.<region>.amazonaws.com
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context,
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
 * A request made by a service principal carries aws:PrincipalServiceName
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalservicename).
 */

const SSE = 's3:x-amz-server-side-encryption';
const KEY = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const OTHER_ACCOUNT = '999999999999';
const ELB_ACCOUNT = RegionInfo.get(REGION).elbv2Account!;
const OWNER_FULL_CONTROL = { 's3:x-amz-acl': 'bucket-owner-full-control' };

interface Kind {
  readonly name: string;
  readonly props: EncryptedBucketProps;
  readonly kms: boolean;
  readonly enforcing: boolean;
}
const KINDS: Kind[] = [
  { name: 'default', props: {}, kms: true, enforcing: false },
  { name: 'header-enforcing', props: { enforceEncryptionHeader: true }, kms: true, enforcing: true },
  { name: 'SSE-S3', props: { encryption: s3.BucketEncryption.S3_MANAGED }, kms: false, enforcing: false },
  { name: 'header-enforcing SSE-S3', props: { encryption: s3.BucketEncryption.S3_MANAGED, enforceEncryptionHeader: true }, kms: false, enforcing: true },
];

/** The synthesized policies of one bucket with one writer declared. */
interface Built {
  readonly resolver: TemplateResolver;
  readonly bucketArn: string;
  readonly bucketPolicy: any;
  readonly keyArn?: string;
  readonly keyPolicy?: any;
  readonly sourceBucketArn: string;
  /** The writer role's ARN and policies, for role writers. */
  readonly role?: { principal: string; identityPolicies: Array<{ name: string; policy: any }> };
}

interface WriterCase {
  readonly name: string;
  /** Where the request shape comes from. */
  readonly source: string;
  readonly writer: (source: s3.IBucket, role: iam.IRole) => BucketWriter;
  /** Refused on KMS buckets (AWS writes these only to SSE-S3 buckets). */
  readonly sseS3Only?: RegExp;
  /** Service principal, or the account it writes as. */
  readonly service?: string;
  readonly account?: string;
  /** Object key it writes. */
  readonly key: string;
  /** Bucket-level checks it makes before writing. */
  readonly bucketActions?: string[];
  /** Context of its requests (source, ACL). */
  readonly context: (b: Built) => Record<string, string>;
  /** Headers it sends on a header-enforcing bucket (role writers, configured with the bucket's key). */
  readonly sendsHeaders?: boolean;
  /** It sends the bucket's encryption on every bucket, not only when configured to. */
  readonly alwaysSendsHeaders?: boolean;
  /** The KMS action S3 performs for it. */
  readonly kmsAction?: string;
  /** S3 calls KMS as itself for this writer (no kms:ViaService). */
  readonly s3CallsAsItself?: boolean;
}

const trailArn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management`;
const logsSource = `arn:aws:logs:${REGION}:${ACCOUNT}:vpc-flow-log/fl-0123456789abcdef0`;

const CASES: WriterCase[] = [
  {
    name: 'CloudTrail',
    // Bucket policy: AWSCloudTrailAclCheck (GetBucketAcl) and AWSCloudTrailWrite (PutObject with
    // bucket-owner-full-control), both with aws:SourceArn of the trail. No trail key: no encryption header.
    source: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
    writer: () => BucketWriter.cloudTrail({ trailName: 'management' }),
    service: 'cloudtrail.amazonaws.com',
    key: `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/12/02/${ACCOUNT}_CloudTrail_${REGION}_20261202T0000Z_a.json.gz`,
    bucketActions: ['s3:GetBucketAcl'],
    context: () => ({ 'aws:SourceArn': trailArn, 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'VPC Flow Logs',
    // delivery.logs.amazonaws.com: AWSLogDeliveryAclCheck (GetBucketAcl, ListBucket) and AWSLogDeliveryWrite
    // (PutObject with bucket-owner-full-control), aws:SourceAccount and aws:SourceArn arn:aws:logs:region:account:*;
    // key policy kms:GenerateDataKey* for delivery.logs (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html#AWS-logs-SSE-KMS-S3).
    source: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html',
    writer: () => BucketWriter.vpcFlowLogs(),
    service: 'delivery.logs.amazonaws.com',
    key: `AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/2026/12/02/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0123_20261202T0000Z_a.log.gz`,
    bucketActions: ['s3:GetBucketAcl', 's3:ListBucket'],
    context: () => ({ 'aws:SourceArn': logsSource, 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'NLB access logs',
    // NLB access logs are vended logs (delivery.logs.amazonaws.com) and support SSE-KMS with a customer managed key.
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html',
    writer: () => BucketWriter.nlbAccessLogs({ prefix: 'nlb' }),
    service: 'delivery.logs.amazonaws.com',
    key: `nlb/AWSLogs/${ACCOUNT}/elasticloadbalancing/${REGION}/2026/12/02/a.log.gz`,
    bucketActions: ['s3:GetBucketAcl'],
    context: () => ({ 'aws:SourceArn': `arn:aws:logs:${REGION}:${ACCOUNT}:delivery-source:nlb`, 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'CloudFront standard logs (v2)',
    // Standard logging v2 delivers through CloudWatch Logs vended-log delivery from us-east-1 delivery sources.
    source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html',
    writer: () => BucketWriter.cloudFrontLogs({ prefix: 'cdn' }),
    service: 'delivery.logs.amazonaws.com',
    key: `cdn/AWSLogs/${ACCOUNT}/CloudFront/E123/a.log.gz`,
    context: () => ({ 'aws:SourceArn': `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-source:cdn`, 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'S3 Inventory',
    // s3.amazonaws.com PutObject with aws:SourceArn (source bucket), aws:SourceAccount and bucket-owner-full-control;
    // with SSE-KMS, key policy kms:GenerateDataKey for s3.amazonaws.com with the same source conditions.
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html',
    writer: (source) => BucketWriter.inventory(source, { prefix: 'inventory' }),
    service: 's3.amazonaws.com',
    key: 'inventory/source/daily/2026-12-02T00-00Z/manifest.json',
    context: (b) => ({ 'aws:SourceArn': b.sourceBucketArn, 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
    s3CallsAsItself: true,
  },
  {
    name: 'S3 analytics export',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/analytics-storage-class.html',
    writer: (source) => BucketWriter.analyticsExport(source, { prefix: 'analytics' }),
    service: 's3.amazonaws.com',
    key: 'analytics/source/report.csv',
    context: (b) => ({ 'aws:SourceArn': b.sourceBucketArn, 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
    s3CallsAsItself: true,
  },
  {
    name: 'AWS Config',
    // config.amazonaws.com: GetBucketAcl, ListBucket, PutObject on AWSLogs/<account>/Config/* with
    // bucket-owner-full-control and aws:SourceAccount; KMS kms:GenerateDataKey (s3-kms-key-policy.html).
    source: 'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html',
    writer: () => BucketWriter.config(),
    service: 'config.amazonaws.com',
    key: `AWSLogs/${ACCOUNT}/Config/${REGION}/2026/12/2/ConfigHistory/a.json.gz`,
    bucketActions: ['s3:GetBucketAcl', 's3:ListBucket'],
    context: () => ({ 'aws:SourceAccount': ACCOUNT, ...OWNER_FULL_CONTROL }),
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'Firehose',
    // The delivery stream's role: s3:PutObject, s3:AbortMultipartUpload, s3:GetBucketLocation, and
    // kms:GenerateDataKey / kms:Decrypt with kms:ViaService s3 and kms:EncryptionContext:aws:s3:arn.
    // With KMSEncryptionConfig set to the bucket's key, Firehose sends aws:kms and the key ARN.
    source: 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3',
    writer: (_, role) => BucketWriter.firehose(role, { prefix: 'events' }),
    key: 'events/2026/12/02/00/stream-1-2026-12-02-00-00-00-a',
    bucketActions: ['s3:GetBucketLocation'],
    context: () => ({}),
    sendsHeaders: true,
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'Athena query results',
    // Athena writes results with the caller's credentials; with SSE_KMS result encryption it sends aws:kms and the key.
    source: 'https://docs.aws.amazon.com/athena/latest/ug/encryption.html',
    writer: (_, role) => BucketWriter.athena(role, { prefix: 'results' }),
    key: 'results/0a1b2c3d.csv',
    bucketActions: ['s3:GetBucketLocation'],
    context: () => ({}),
    sendsHeaders: true,
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'CDK asset publishing',
    // cdk-assets: GetBucketLocation, ListObjectsV2, GetBucketEncryption, then PutObject stating the bucket's
    // default encryption: aws:kms with its KMSMasterKeyID (the key ARN), or AES256.
    source: 'https://github.com/aws/aws-cdk-cli/blob/main/packages/@aws-cdk/cdk-assets-lib/lib/private/handlers/files.ts',
    writer: (_, role) => BucketWriter.assetPublishing(role),
    key: '0123456789abcdef.zip',
    bucketActions: ['s3:GetBucketLocation', 's3:GetEncryptionConfiguration', 's3:ListBucket'],
    context: () => ({}),
    sendsHeaders: true,
    alwaysSendsHeaders: true,
    kmsAction: 'kms:GenerateDataKey',
  },
  {
    name: 'S3 replication',
    // The replication role: s3:ReplicateObject on the destination and kms:Encrypt with kms:ViaService
    // s3.<destination region> and the destination's encryption context.
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html',
    writer: (_, role) => BucketWriter.replication(role),
    key: 'records/2026/report.csv',
    context: () => ({}),
    sendsHeaders: true,
    kmsAction: 'kms:Encrypt',
  },
  {
    name: 'ALB access logs',
    // In us-east-1 ALB writes as the Elastic Load Balancing account 127311923021; only SSE-S3 is supported.
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html',
    writer: () => BucketWriter.albAccessLogs({ prefix: 'alb' }),
    sseS3Only: /ALB access logs, on a bucket encrypted with aws:kms; allowed: a bucket encrypted with SSE-S3 for ALB access logs\. Application Load Balancer access logs support only SSE-S3/,
    account: ELB_ACCOUNT,
    key: `alb/AWSLogs/${ACCOUNT}/elasticloadbalancing/${REGION}/2026/12/02/a.log.gz`,
    context: () => ({}),
  },
  {
    name: 'Redshift audit logs',
    // redshift.amazonaws.com: GetBucketAcl and PutObject; audit logging supports only SSE-S3 (AES-256).
    source: 'https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html#db-auditing-bucket-permissions',
    writer: () => BucketWriter.redshiftAuditLogs({ prefix: 'redshift' }),
    sseS3Only: /Redshift audit logs, on a bucket encrypted with aws:kms; .*Amazon Redshift audit logging supports only SSE-S3/,
    service: 'redshift.amazonaws.com',
    key: `redshift/AWSLogs/${ACCOUNT}/redshift/${REGION}/2026/12/02/a_useractivitylog.gz`,
    bucketActions: ['s3:GetBucketAcl'],
    context: () => ({ 'aws:SourceArn': `arn:aws:redshift:${REGION}:${ACCOUNT}:cluster:warehouse`, 'aws:SourceAccount': ACCOUNT }),
  },
  {
    name: 'S3 server access logs',
    // logging.s3.amazonaws.com with aws:SourceArn (source bucket) and aws:SourceAccount; SSE-S3 destinations only.
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
    writer: (source) => BucketWriter.serverAccessLogs(source, { prefix: 'access' }),
    sseS3Only: /S3 server access logs, on a bucket encrypted with aws:kms; .*S3 server access log delivery supports only SSE-S3/,
    service: 'logging.s3.amazonaws.com',
    key: 'access/2026-12-02-00-00-00-ABCDEF',
    context: (b) => ({ 'aws:SourceArn': b.sourceBucketArn, 'aws:SourceAccount': ACCOUNT }),
  },
];

function build(c: WriterCase, props: EncryptedBucketProps): Built {
  const stack = newStack();
  const source = new s3.Bucket(stack, 'Source');
  const role = new iam.Role(stack, 'WriterRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
  new EncryptedBucket(stack, 'Bucket', { ...props, writers: [c.writer(source, role)] });
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const bucket = resolver.logicalId('AWS::S3::Bucket', 'Bucket');
  const keys = Object.keys(synth(stack).findResources('AWS::KMS::Key'));
  const roleId = resolver.logicalId('AWS::IAM::Role', 'WriterRole');
  return {
    resolver,
    bucketArn: resolver.bucketArn(bucket),
    bucketPolicy: resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'BucketPolicy')).PolicyDocument,
    keyArn: keys.length ? resolver.keyArn(keys[0]) : undefined,
    keyPolicy: keys.length ? resolver.properties(keys[0]).KeyPolicy : undefined,
    sourceBucketArn: resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Source')),
    role: { principal: resolver.roleArn(roleId), identityPolicies: resolver.identityPolicies(roleId) },
  };
}

/** The writer's principal and identity policies. */
function who(c: WriterCase, b: Built): Pick<Request, 'principal' | 'identityPolicies'> & { context: Record<string, string> } {
  if (c.service) {
    return { principal: c.service, identityPolicies: [], context: { 'aws:PrincipalServiceName': c.service } };
  }
  if (c.account) {
    // Another account's principal: its own policies allow it; the bucket policy must too.
    return { principal: `arn:aws:iam::${c.account}:root`, identityPolicies: [ALLOW_ALL], context: { 'aws:PrincipalAccount': c.account } };
  }
  return { principal: b.role!.principal, identityPolicies: b.role!.identityPolicies, context: { 'aws:PrincipalAccount': ACCOUNT } };
}

/** The write request, with the headers the writer sends on this bucket. */
function put(c: WriterCase, b: Built, kind: Kind, extra: Record<string, string> = {}): Promise<Decision> {
  const w = who(c, b);
  // Headers given in `extra` replace the ones the writer would send.
  const sends = c.sendsHeaders && (kind.enforcing || c.alwaysSendsHeaders) && !(SSE in extra);
  const headers = !sends ? {} : kind.kms ? { [SSE]: 'aws:kms', [KEY]: b.keyArn! } : { [SSE]: 'AES256' };
  return evaluate({
    principal: w.principal,
    identityPolicies: w.identityPolicies,
    action: c.name === 'S3 replication' ? 's3:ReplicateObject' : 's3:PutObject',
    resource: `${b.bucketArn}/${c.key}`,
    context: { ...w.context, ...c.context(b), ...headers, ...extra },
    resourcePolicy: b.bucketPolicy,
  });
}

/** The KMS call S3 makes for the writer's upload, with the bucket's encryption context. */
function kmsCall(c: WriterCase, b: Built, overrides: Record<string, string> = {}, action = c.kmsAction!): Promise<Decision> {
  const w = who(c, b);
  return evaluate({
    principal: w.principal,
    identityPolicies: w.identityPolicies,
    action,
    resource: b.keyArn!,
    context: {
      ...w.context,
      ...c.context(b),
      ...(c.s3CallsAsItself ? {} : { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }),
      'kms:EncryptionContext:aws:s3:arn': b.bucketArn,
      ...overrides,
    },
    resourcePolicy: b.keyPolicy,
  });
}

describe.each(CASES)('$name', (c) => {
  describe.each(KINDS)('on the $name bucket', (kind) => {
    const props = kind.props;
    if (c.sseS3Only && kind.kms) {
      test('is refused at synth, naming the writer and the fix', () => {
        expect(() => build(c, props)).toThrow(c.sseS3Only!);
        expect(() => build(c, props)).toThrow(/AccessLogsBucket, or an EncryptedBucket with encryption: s3\.BucketEncryption\.S3_MANAGED/);
      });
      return;
    }
    const b = build(c, props);

    test('its upload is allowed', async () => {
      expect(await put(c, b, kind)).toBe('Allowed');
    });
    if (c.bucketActions) {
      test.each(c.bucketActions)('its bucket check %s is allowed', async (action) => {
        const w = who(c, b);
        expect(await evaluate({ ...w, action, resource: b.bucketArn, context: { ...w.context, ...c.context(b) }, resourcePolicy: b.bucketPolicy }))
          .toBe('Allowed');
      });
    }
    if (kind.kms && c.kmsAction) {
      test('S3 may use the bucket key on its behalf, with the bucket\'s encryption context', async () => {
        expect(await kmsCall(c, b)).toBe('Allowed');
      });
      test('also with the object\'s encryption context (no S3 Bucket Key)', async () => {
        expect(await kmsCall(c, b, { 'kms:EncryptionContext:aws:s3:arn': `${b.bucketArn}/${c.key}` })).toBe('Allowed');
      });
      if (!c.service && !c.account) {
        test('it may not use the key for another bucket', async () => {
          expect(await kmsCall(c, b, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::another-bucket' })).not.toBe('Allowed');
        });
      }
      if (!c.s3CallsAsItself) {
        test('it may not use the key other than through S3', async () => {
          const w = who(c, b);
          const context = { ...w.context, ...c.context(b) };
          expect(await evaluate({ ...w, action: c.kmsAction!, resource: b.keyArn!, context, resourcePolicy: b.keyPolicy }))
            .not.toBe('Allowed');
        });
      }
      test('it may not decrypt outside S3 (no read)', async () => {
        const w = who(c, b);
        expect(await evaluate({ ...w, action: 'kms:Decrypt', resource: b.keyArn!, context: { ...w.context, ...c.context(b) }, resourcePolicy: b.keyPolicy }))
          .not.toBe('Allowed');
      });
      test('it may not manage the key', async () => {
        const w = who(c, b);
        expect(await evaluate({ ...w, action: 'kms:ScheduleKeyDeletion', resource: b.keyArn!, context: w.context, resourcePolicy: b.keyPolicy }))
          .not.toBe('Allowed');
      });
    }
    test('it may not read objects', async () => {
      const w = who(c, b);
      expect(await evaluate({ ...w, action: 's3:GetObject', resource: `${b.bucketArn}/${c.key}`, context: { ...w.context, ...c.context(b) }, resourcePolicy: b.bucketPolicy }))
        .not.toBe('Allowed');
    });
    if (c.context(b)['aws:SourceAccount']) {
      test('it may not write for another account', async () => {
        expect(await put(c, b, kind, { 'aws:SourceAccount': OTHER_ACCOUNT })).not.toBe('Allowed');
      });
    }
    if (c.context(b)['aws:SourceArn']) {
      test('it may not write for another source', async () => {
        expect(await put(c, b, kind, { 'aws:SourceArn': `arn:aws:s3:::someone-elses-${c.service}` })).not.toBe('Allowed');
      });
    }
    if (kind.kms) {
      test('its upload naming another key is denied (key integrity holds for writers)', async () => {
        expect(await put(c, b, kind, { [SSE]: 'aws:kms', [KEY]: `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000` })).toBe('ExplicitlyDenied');
      });
      test('its upload stating aws:kms without a key is denied', async () => {
        expect(await put(c, b, kind, { [SSE]: 'aws:kms' })).toBe('ExplicitlyDenied');
      });
    }
    test('its upload stating another algorithm is denied', async () => {
      expect(await put(c, b, kind, { [SSE]: kind.kms ? 'AES256' : 'aws:kms' })).toBe('ExplicitlyDenied');
    });
    if (c.sendsHeaders && kind.enforcing && c.name !== 'S3 replication') {
      test('its upload without the encryption headers is denied (configure it with the bucket key)', async () => {
        const w = who(c, b);
        expect(await evaluate({ ...w, action: 's3:PutObject', resource: `${b.bucketArn}/${c.key}`, context: w.context, resourcePolicy: b.bucketPolicy }))
          .toBe('ExplicitlyDenied');
      });
    }
  });
});

describe.each(CASES.filter((c) => c.service && c.kmsAction))('$name on a bucket with a literal bucketName', (c) => {
  // The key policy names the bucket's encryption context only when the name is known at synth (a
  // generated name would make the key's policy refer to the bucket that refers to the key: a cycle).
  const name = 'kmi-writer-records';
  const b = { ...build(c, { bucketName: name }), bucketArn: `arn:aws:s3:::${name}` };
  test('S3 may use the key for this bucket', async () => {
    expect(await kmsCall(c, b)).toBe('Allowed');
  });
  test('S3 may not use the key on its behalf for another bucket', async () => {
    expect(await kmsCall(c, b, { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::another-bucket' })).not.toBe('Allowed');
  });
});

describe('CloudTrail with the bucket key as the trail key', () => {
  // CloudTrail calls KMS itself, with the context aws:cloudtrail:arn, and sends aws:kms with the key
  // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
  const c = CASES[0];
  const stack = newStack();
  const bucket = new EncryptedBucket(stack, 'Bucket', { enforceEncryptionHeader: true });
  bucket.addWriter(BucketWriter.cloudTrail({ trailName: 'management', trailUsesBucketKey: true }));
  new s3.Bucket(stack, 'Source');
  new iam.Role(stack, 'WriterRole', { assumedBy: new iam.AccountRootPrincipal() });
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const keyId = resolver.logicalId('AWS::KMS::Key', 'BucketKey');
  const b: Built = {
    resolver,
    bucketArn: resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Bucket')),
    bucketPolicy: resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'BucketPolicy')).PolicyDocument,
    keyArn: resolver.keyArn(keyId),
    keyPolicy: resolver.properties(keyId).KeyPolicy,
    sourceBucketArn: '',
  };
  test('its upload stating aws:kms with the bucket key is allowed', async () => {
    expect(await put(c, b, KINDS[1], { [SSE]: 'aws:kms', [KEY]: b.keyArn! })).toBe('Allowed');
  });
  test('it may generate data keys with its trail encryption context', async () => {
    expect(await evaluate({
      principal: 'cloudtrail.amazonaws.com',
      action: 'kms:GenerateDataKey',
      resource: b.keyArn!,
      context: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com', 'aws:SourceArn': trailArn, 'aws:SourceAccount': ACCOUNT, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn },
      resourcePolicy: b.keyPolicy,
    })).toBe('Allowed');
  });
  test('it may describe the key', async () => {
    expect(await evaluate({
      principal: 'cloudtrail.amazonaws.com',
      action: 'kms:DescribeKey',
      resource: b.keyArn!,
      context: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com', 'aws:SourceArn': trailArn, 'aws:SourceAccount': ACCOUNT },
      resourcePolicy: b.keyPolicy,
    })).toBe('Allowed');
  });
  test('another account\'s trail may not', async () => {
    expect(await evaluate({
      principal: 'cloudtrail.amazonaws.com',
      action: 'kms:GenerateDataKey',
      resource: b.keyArn!,
      context: { 'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com', 'aws:SourceArn': `arn:aws:cloudtrail:${REGION}:${OTHER_ACCOUNT}:trail/x`, 'aws:SourceAccount': OTHER_ACCOUNT, 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:${REGION}:${OTHER_ACCOUNT}:trail/x` },
      resourcePolicy: b.keyPolicy,
    })).not.toBe('Allowed');
  });
});

describe('the header-enforcing bucket still denies an application that states nothing', () => {
  const stack = newStack();
  new EncryptedBucket(stack, 'Bucket', { enforceEncryptionHeader: true, writers: [BucketWriter.cloudTrail(), BucketWriter.vpcFlowLogs()] });
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const policy = resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'BucketPolicy')).PolicyDocument;
  const object = `${resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Bucket'))}/AWSLogs/${ACCOUNT}/a.json`;
  test('a role with every permission, stating no encryption, is denied', async () => {
    expect(await evaluate({ principal: `arn:aws:iam::${ACCOUNT}:role/App`, action: 's3:PutObject', resource: object, identityPolicies: [ALLOW_ALL], context: { 'aws:PrincipalAccount': ACCOUNT }, resourcePolicy: policy }))
      .toBe('ExplicitlyDenied');
  });
  test('an undeclared service principal, stating no encryption, is denied', async () => {
    expect(await evaluate({ principal: 'config.amazonaws.com', action: 's3:PutObject', resource: object, context: { 'aws:PrincipalServiceName': 'config.amazonaws.com' }, resourcePolicy: policy }))
      .not.toBe('Allowed');
  });
});

describe('AccessLogsBucket writers', () => {
  const stack = newStack();
  new AccessLogsBucket(stack, 'Logs', { writers: [BucketWriter.albAccessLogs(), BucketWriter.redshiftAuditLogs()] });
  const resolver = new TemplateResolver(synth(stack).toJSON());
  const policy = resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'LogsPolicy')).PolicyDocument;
  const arn = resolver.bucketArn(resolver.logicalId('AWS::S3::Bucket', 'Logs'));
  test('ALB access log delivery by the ELB account is allowed', async () => {
    expect(await evaluate({ principal: `arn:aws:iam::${ELB_ACCOUNT}:root`, identityPolicies: [ALLOW_ALL], action: 's3:PutObject', resource: `${arn}/AWSLogs/${ACCOUNT}/elasticloadbalancing/a.log.gz`, resourcePolicy: policy }))
      .toBe('Allowed');
  });
  test('Redshift audit log delivery is allowed', async () => {
    expect(await evaluate({
      principal: 'redshift.amazonaws.com',
      action: 's3:PutObject',
      resource: `${arn}/a_useractivitylog.gz`,
      context: { 'aws:SourceArn': `arn:aws:redshift:${REGION}:${ACCOUNT}:cluster:warehouse`, 'aws:SourceAccount': ACCOUNT },
      resourcePolicy: policy,
    })).toBe('Allowed');
  });
});
