/**
 * Synth benchmark: N EncryptedBucket + KmsKeyWithRotation pairs against the same N written with plain
 * aws-cdk-lib L2s and the same policies, in one process, runs alternating. Run it with `npx projen bench`
 * (`npx projen bench -- --reps 21 --sizes 50,200` to change the defaults).
 *
 * Printed per N: median synth time of each side; the synth-time ratio, as the median (and quartiles) of
 * the ratios of runs paired in time; milliseconds per pair (with linear growth it does not grow with N);
 * template bytes of each side and their ratio; and the Lambda functions per stack on each side
 * (custom-resource handlers; they must not grow with N). Both sides must synthesize the same resources,
 * type for type, or the benchmark stops.
 *
 * `--case writers` measures buckets that each declare five writers (CloudTrail, VPC Flow Logs, Config,
 * an S3 inventory and a Firehose role) against the same statements written by hand.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketWriter, EncryptedBucket } from '../src';

/** CloudFormation allows 500 resources a stack; a pair and its share of the stack's log bucket are about 3. */
const PAIRS_PER_STACK = 25;
const ENV = { account: '111111111111', region: 'us-east-1' };

type Side = 'cdk-kmi' | 'aws-cdk-lib';

interface Run {
  readonly millis: number;
  readonly templateBytes: number;
  readonly lambdasPerStack: number[];
  /** Resources of each type, over all stacks. */
  readonly resourceTypes: Record<string, number>;
}

/**
 * Which buckets are measured: `plain` (the defaults) or `writers` (each bucket with five declared
 * writers: CloudTrail, VPC Flow Logs, Config, an inventory and a Firehose role).
 */
let benchCase: 'plain' | 'writers' = 'plain';

/** The library: one line per encrypted bucket (the bucket creates its rotating key). */
function libraryStack(stack: Stack, pairs: number): void {
  const writers = benchCase === 'writers' ? sharedWriterResources(stack) : undefined;
  for (let i = 0; i < pairs; i++) {
    new EncryptedBucket(stack, `Data${i}`, { writers: writers && libraryWriters(writers) });
  }
}

/** The same resources and policies written by hand with aws-cdk-lib L2s. */
function plainStack(stack: Stack, pairs: number): void {
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  denyUploads(logs, 'DenyUploadsStatingOtherEncryption', { Null: { [SSE]: 'false' }, StringNotEquals: { [SSE]: 'AES256' } });
  denyUploads(logs, 'DenySseCUploads', { Null: { [SSE_C]: 'false' } });
  const writers = benchCase === 'writers' ? sharedWriterResources(stack) : undefined;
  for (let i = 0; i < pairs; i++) {
    const key = new kms.Key(stack, `Data${i}Key`, {
      description: `Encrypts the objects of the S3 bucket ${stack.node.path}/Data${i}`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(stack, `Data${i}`, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: logs,
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME),
    });
    denyUploads(bucket, 'DenyUploadsStatingOtherEncryption', { Null: { [SSE]: 'false' }, StringNotEquals: { [SSE]: 'aws:kms' } });
    denyUploads(bucket, 'DenyUploadsNamingOtherKmsKey', { Null: { [SSE_KMS_KEY]: 'false' }, StringNotEquals: { [SSE_KMS_KEY]: [key.keyArn, key.keyId] } });
    denyUploads(bucket, 'DenyKmsUploadsNamingNoKey', { StringEquals: { [SSE]: ['aws:kms', 'aws:kms:dsse'] }, Null: { [SSE_KMS_KEY]: 'true' } });
    denyUploads(bucket, 'DenySseCUploads', { Null: { [SSE_C]: 'false' } });
    if (writers) {
      handWrittenWriters(stack, bucket, key, writers);
    }
  }
}

/** What the five writers of the `writers` case share in a stack: an inventoried bucket and a Firehose role. */
interface SharedWriters {
  readonly source: s3.IBucket;
  readonly role: iam.IRole;
}

function sharedWriterResources(stack: Stack): SharedWriters {
  return {
    source: s3.Bucket.fromBucketName(stack, 'Inventoried', 'inventoried-bucket'),
    role: iam.Role.fromRoleName(stack, 'FirehoseRole', 'firehose-delivery'),
  };
}

/** The five writers the library declares in the `writers` case. */
function libraryWriters(writers: SharedWriters): BucketWriter[] {
  return [
    BucketWriter.cloudTrail(), BucketWriter.vpcFlowLogs(), BucketWriter.config(),
    BucketWriter.inventory(writers.source), BucketWriter.firehose(writers.role),
  ];
}

/** The same five writers written by hand: bucket policy, key policy and role policy statements. */
function handWrittenWriters(stack: Stack, bucket: s3.Bucket, key: kms.Key, writers: SharedWriters): void {
  const { account, region, partition, urlSuffix } = stack;
  const viaS3 = { 'kms:ViaService': `s3.${region}.${urlSuffix}` };
  const acl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  const service = (principal: string, objects: string, bucketActions: string[], source: Record<string, Record<string, unknown>>,
    keyActions: string[], withAcl = true) => {
    if (bucketActions.length) {
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(principal)], actions: bucketActions, resources: [bucket.bucketArn], conditions: source,
      }));
    }
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(principal)],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(objects)],
      conditions: { ...source, StringEquals: { ...source.StringEquals, ...(withAcl ? acl : {}) } },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(principal)],
      actions: keyActions,
      resources: ['*'],
      conditions: { ...source, StringEquals: { ...source.StringEquals, ...(principal === 's3.amazonaws.com' ? {} : viaS3) } },
    }));
  };
  service('cloudtrail.amazonaws.com', `AWSLogs/${account}/*`, ['s3:GetBucketAcl'],
    { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudtrail:${region}:${account}:trail/*` } }, ['kms:GenerateDataKey*']);
  service('delivery.logs.amazonaws.com', `AWSLogs/${account}/*`, ['s3:GetBucketAcl', 's3:ListBucket'],
    { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*` } }, ['kms:GenerateDataKey*']);
  service('config.amazonaws.com', `AWSLogs/${account}/Config/*`, ['s3:GetBucketAcl', 's3:ListBucket'],
    { StringEquals: { 'aws:SourceAccount': account } }, ['kms:Decrypt', 'kms:GenerateDataKey']);
  service('s3.amazonaws.com', '*', [],
    { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': writers.source.bucketArn } }, ['kms:GenerateDataKey']);
  bucket.grantPut(writers.role);
  key.grant(writers.role, 'kms:GenerateDataKey', 'kms:Decrypt');
}

const SSE = 's3:x-amz-server-side-encryption';
const SSE_KMS_KEY = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const SSE_C = 's3:x-amz-server-side-encryption-customer-algorithm';

/** A Deny of s3:PutObject to anyone under the given conditions. */
function denyUploads(bucket: s3.Bucket, sid: string, conditions: Record<string, unknown>): void {
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions,
  }));
}

function synthesize(side: Side, pairs: number): Run {
  const outdir = mkdtempSync(join(tmpdir(), 'kmi-bench-'));
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    // The recommended flag that lets aws-cdk-lib grant log delivery with a bucket policy rather than an ACL.
    const app = new App({ outdir, context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
    for (let first = 0, n = 0; first < pairs; first += PAIRS_PER_STACK, n++) {
      const stack = new Stack(app, `Bench${n}`, { env: ENV });
      (side === 'cdk-kmi' ? libraryStack : plainStack)(stack, Math.min(PAIRS_PER_STACK, pairs - first));
    }
    app.synth();
    const millis = Number(process.hrtime.bigint() - start) / 1e6;
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(outdir, f));
    const resources = templates.map((f) => Object.values(JSON.parse(readFileSync(f, 'utf8')).Resources as Record<string, { Type: string }>));
    const resourceTypes: Record<string, number> = {};
    for (const resource of resources.flat()) {
      resourceTypes[resource.Type] = (resourceTypes[resource.Type] ?? 0) + 1;
    }
    return {
      millis,
      templateBytes: templates.reduce((sum, f) => sum + statSync(f).size, 0),
      lambdasPerStack: resources.map((stack) => stack.filter((r) => r.Type === 'AWS::Lambda::Function').length),
      resourceTypes,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The q-quantile of the values (linear interpolation between the closest ranks). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function assertSameResources(n: number, lib: Run, plain: Run): void {
  const a = JSON.stringify(Object.entries(lib.resourceTypes).sort());
  const b = JSON.stringify(Object.entries(plain.resourceTypes).sort());
  if (a !== b) {
    throw new Error(`N = ${n}: the two sides synthesize different resources: cdk-kmi ${a}, aws-cdk-lib ${b}`);
  }
}

function main(): void {
  // `npx projen bench -- --reps 7` passes the `--` on.
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: { reps: { type: 'string', default: '21' }, sizes: { type: 'string', default: '50,200,400' }, case: { type: 'string', default: 'plain' } },
  });
  if (values.case !== 'plain' && values.case !== 'writers') {
    throw new Error(`--case ${values.case}: allowed: plain, writers`);
  }
  benchCase = values.case;
  const reps = Number(values.reps);
  const sizes = values.sizes!.split(',').map(Number);
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; `
    + `${reps} runs a side per N, alternating; ${PAIRS_PER_STACK} pairs a stack; case ${benchCase}.`);
  // Warm-up: load and JIT both code paths before measuring.
  synthesize('cdk-kmi', PAIRS_PER_STACK);
  synthesize('aws-cdk-lib', PAIRS_PER_STACK);

  const rows: string[][] = [];
  for (const n of sizes) {
    const runs: Record<Side, Run[]> = { 'cdk-kmi': [], 'aws-cdk-lib': [] };
    for (let r = 0; r < reps; r++) {
      const order: Side[] = r % 2 === 0 ? ['cdk-kmi', 'aws-cdk-lib'] : ['aws-cdk-lib', 'cdk-kmi'];
      for (const side of order) {
        runs[side].push(synthesize(side, n));
      }
    }
    assertSameResources(n, runs['cdk-kmi'][0], runs['aws-cdk-lib'][0]);
    const lib = median(runs['cdk-kmi'].map((x) => x.millis));
    const plain = median(runs['aws-cdk-lib'].map((x) => x.millis));
    // Each run of one side is paired with the run of the other side next to it in time, so that a slow
    // spell of the machine slows both.
    const ratios = runs['cdk-kmi'].map((x, r) => x.millis / runs['aws-cdk-lib'][r].millis);
    const libBytes = runs['cdk-kmi'][0].templateBytes;
    const plainBytes = runs['aws-cdk-lib'][0].templateBytes;
    const lambdas = (side: Side) => Math.max(...runs[side][0].lambdasPerStack);
    rows.push([
      String(n), lib.toFixed(0), plain.toFixed(0), median(ratios).toFixed(3),
      `${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}`, (lib / n).toFixed(2), (plain / n).toFixed(2),
      String(libBytes), String(plainBytes), (libBytes / plainBytes).toFixed(3), String(lambdas('cdk-kmi')), String(lambdas('aws-cdk-lib')),
    ]);
  }
  const header = ['N', 'cdk-kmi ms (median)', 'aws-cdk-lib ms (median)', 'synth ratio (median of pairs)', 'synth ratio quartiles', 'cdk-kmi ms/pair', 'aws-cdk-lib ms/pair',
    'cdk-kmi bytes', 'aws-cdk-lib bytes', 'bytes ratio', 'cdk-kmi Lambdas/stack', 'aws-cdk-lib Lambdas/stack'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) {
    console.log(`| ${row.join(' | ')} |`);
  }
}

main();
