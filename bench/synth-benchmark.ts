/**
 * Synth benchmark: N EncryptedBucket + KmsKeyWithRotation pairs against the same N written with plain
 * aws-cdk-lib L2s and the same policies, in one process, runs alternating. Run it with `npx projen bench`
 * (`-- --reps 7 --sizes 50,200` to change the defaults).
 *
 * Printed per N: median synth time of each side and their ratio, milliseconds per pair (linear growth
 * keeps it flat as N grows), template bytes of each side and their ratio, and the Lambda functions per
 * stack on each side (custom-resource handlers; they must not grow with N).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBucket } from '../src';

/** CloudFormation allows 500 resources a stack; a pair and its share of the stack's log bucket are about 3. */
const PAIRS_PER_STACK = 25;
const ENV = { account: '111111111111', region: 'us-east-1' };

type Side = 'cdk-kmi' | 'aws-cdk-lib';

interface Run {
  readonly millis: number;
  readonly templateBytes: number;
  readonly lambdasPerStack: number[];
}

/** The library: one line per encrypted bucket (the bucket creates its rotating key). */
function libraryStack(stack: Stack, pairs: number): void {
  for (let i = 0; i < pairs; i++) {
    new EncryptedBucket(stack, `Data${i}`);
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
  denyUploads(logs, { Null: { 's3:x-amz-server-side-encryption': 'false' }, StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } });
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
    denyUploads(bucket, { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } });
    denyUploads(bucket, {
      Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
      StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [key.keyArn, key.keyId] },
    });
  }
}

/** A Deny of s3:PutObject under the given conditions, plus the SSE-C deny the first time for a bucket. */
function denyUploads(bucket: s3.Bucket, conditions: Record<string, unknown>): void {
  const deny = (c: Record<string, unknown>) => bucket.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions: c,
  }));
  if (!bucket.policy) {
    deny({ Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } });
  }
  deny(conditions);
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
    return {
      millis,
      templateBytes: templates.reduce((sum, f) => sum + statSync(f).size, 0),
      lambdasPerStack: templates.map((f) => Object.values(JSON.parse(readFileSync(f, 'utf8')).Resources as Record<string, { Type: string }>)
        .filter((r) => r.Type === 'AWS::Lambda::Function').length),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, sizes: { type: 'string', default: '50,200,400' } } });
  const reps = Number(values.reps);
  const sizes = values.sizes!.split(',').map(Number);
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; `
    + `${reps} runs a side per N, alternating; ${PAIRS_PER_STACK} pairs a stack.`);
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
    const lib = median(runs['cdk-kmi'].map((x) => x.millis));
    const plain = median(runs['aws-cdk-lib'].map((x) => x.millis));
    const libBytes = runs['cdk-kmi'][0].templateBytes;
    const plainBytes = runs['aws-cdk-lib'][0].templateBytes;
    const lambdas = (side: Side) => Math.max(...runs[side][0].lambdasPerStack);
    rows.push([
      String(n), lib.toFixed(0), plain.toFixed(0), (lib / plain).toFixed(3), (lib / n).toFixed(2), (plain / n).toFixed(2),
      String(libBytes), String(plainBytes), (libBytes / plainBytes).toFixed(3), String(lambdas('cdk-kmi')), String(lambdas('aws-cdk-lib')),
    ]);
  }
  const header = ['N', 'cdk-kmi ms', 'aws-cdk-lib ms', 'synth ratio', 'cdk-kmi ms/pair', 'aws-cdk-lib ms/pair',
    'cdk-kmi bytes', 'aws-cdk-lib bytes', 'bytes ratio', 'cdk-kmi Lambdas/stack', 'aws-cdk-lib Lambdas/stack'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) {
    console.log(`| ${row.join(' | ')} |`);
  }
}

main();
