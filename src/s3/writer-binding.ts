import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketWriter } from './bucket-writer';
import { WriterSpec } from './writer-spec';
import { KmiValidationError } from '../private/errors';

type Conditions = Record<string, Record<string, unknown>>;

/** The bucket a writer is bound to, as the binder needs it. */
export interface WriterTarget {
  readonly bucket: s3.Bucket;
  /** The bucket's algorithm: `AES256`, `aws:kms` or `aws:kms:dsse`. */
  readonly algorithm: string;
  /** The bucket's customer managed key. */
  readonly key?: kms.IKey;
  /** The bucket encrypts with the AWS managed key `aws/s3`. */
  readonly awsManagedKey: boolean;
  /** The header-enforcing Deny, which service writers that send no header are exempted from. */
  readonly requireHeaderStatement?: iam.PolicyStatement;
}

/**
 * Gives each declared writer of one bucket what its documented request needs: bucket policy
 * statements (or role policy statements) for write, key policy statements (or role policy
 * statements) for key use through S3, and its exemption from the header rule.
 */
export class WriterBinder {
  private readonly exemptServices: string[] = [];
  private readonly exemptAccounts: string[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly target: WriterTarget) {}

  public bind(writer: BucketWriter): void {
    const { bucket } = this.target;
    const spec = writer._spec(bucket);
    this.refuseUnsupported(spec);
    const principal = spec.servicePrincipal ? new iam.ServicePrincipal(spec.servicePrincipal)
      : spec.writerAccount ? new iam.AccountPrincipal(spec.writerAccount) : undefined;
    const objects = bucket.arnForObjects(spec.objectKeys);

    if (principal) {
      if (spec.bucketActions.length > 0) {
        bucket.addToResourcePolicy(new iam.PolicyStatement({
          principals: [principal],
          actions: spec.bucketActions,
          resources: [bucket.bucketArn],
          conditions: spec.sourceConditions,
        }));
      }
      bucket.addToResourcePolicy(new iam.PolicyStatement({
        principals: [principal],
        actions: spec.objectActions,
        resources: [objects],
        conditions: merge(spec.sourceConditions, spec.objectConditions),
      }));
    } else {
      const grantee = spec.grantee!;
      iam.Grant.addToPrincipalOrResource({ grantee, actions: spec.objectActions, resourceArns: [objects], resource: bucket });
      if (spec.bucketActions.length > 0) {
        iam.Grant.addToPrincipalOrResource({ grantee, actions: spec.bucketActions, resourceArns: [bucket.bucketArn], resource: bucket });
      }
    }

    const key = this.target.key;
    if (key && spec.keyActions.length > 0) {
      const viaS3: Conditions = spec.viaS3 ? { StringEquals: { 'kms:ViaService': `s3.${Stack.of(bucket).region}.${Stack.of(bucket).urlSuffix}` } } : {};
      // The encryption context S3 sends: the bucket's ARN with S3 Bucket Keys, the object's without.
      const context = (arn: string, objectArn: string): Conditions => ({ StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, objectArn] } });
      if (principal) {
        // The key policy may name the bucket only by a name known at synth: the bucket refers to its
        // key, so a reference from the key's policy to a generated bucket name would be a cycle.
        const named = literalBucketArn(bucket);
        this.addToKeyPolicy(spec, new iam.PolicyStatement({
          principals: [principal],
          actions: spec.keyActions,
          resources: ['*'],
          conditions: merge(viaS3, named ? context(named, `${named}/${spec.objectKeys}`) : {}, spec.sourceConditions),
        }));
      } else {
        const keyConditions = merge(viaS3, context(bucket.bucketArn, objects));
        iam.Grant.addToPrincipalOrResource({
          grantee: spec.grantee!,
          actions: spec.keyActions,
          resourceArns: [key.keyArn],
          resource: key,
          resourceSelfArns: ['*'],
          conditions: keyConditions,
        });
      }
      for (const statement of spec.extraKeyStatements ?? []) {
        this.addToKeyPolicy(spec, statement);
      }
    }

    if (this.target.requireHeaderStatement && !spec.sendsHeaders && principal) {
      this.exempt(spec);
    }
    this.names.add(spec.name);
  }

  /** The names of the writers bound so far. */
  public get writerNames(): string[] {
    return [...this.names];
  }

  private refuseUnsupported(spec: WriterSpec): void {
    const { bucket, algorithm } = this.target;
    if (spec.sseS3Only && algorithm !== 'AES256') {
      throw new KmiValidationError({
        path: bucket.node.path,
        prop: 'writers',
        given: `${spec.name}, on a bucket encrypted with ${algorithm}`,
        allowed: `a bucket encrypted with SSE-S3 for ${spec.name}`,
        fix: `${spec.sseS3Only} (${spec.source}). Declare it on an SSE-S3 bucket: an AccessLogsBucket, or an EncryptedBucket with encryption: s3.BucketEncryption.S3_MANAGED.`,
      });
    }
    if (this.target.awsManagedKey && !spec.grantee) {
      throw new KmiValidationError({
        path: bucket.node.path,
        prop: 'writers',
        given: `${spec.name}, on a bucket encrypted with the AWS managed key aws/s3`,
        allowed: 'a bucket with a customer managed key (encryption KMS or DSSE, the default) or SSE-S3',
        fix: `The policy of aws/s3 cannot be changed to let ${spec.servicePrincipal ?? spec.writerAccount} use the key. Leave encryption unset for a new customer managed key.`,
      });
    }
  }

  private addToKeyPolicy(spec: WriterSpec, statement: iam.PolicyStatement): void {
    const key = this.target.key!;
    if (!key.addToResourcePolicy(statement).statementAdded) {
      Annotations.of(this.target.bucket).addWarningV2('cdk-kmi:writerKeyPolicyNotChanged',
        `The policy of the imported key ${key.node.path} cannot be changed here: allow ${statement.actions.join(', ')} to ${spec.servicePrincipal ?? spec.writerAccount} there (${spec.name}, see ${spec.source}), or ${spec.name} cannot write.`);
    }
  }

  /**
   * Exempts a service writer from the header rule: its uploads state no encryption and get the
   * bucket's default encryption. The other-algorithm and key rules still bind it.
   */
  private exempt(spec: WriterSpec): void {
    if (spec.servicePrincipal && !this.exemptServices.includes(spec.servicePrincipal)) {
      this.exemptServices.push(spec.servicePrincipal);
    }
    if (spec.writerAccount && !this.exemptAccounts.includes(spec.writerAccount)) {
      this.exemptAccounts.push(spec.writerAccount);
    }
    this.target.requireHeaderStatement!.addCondition('StringNotEquals', {
      ...(this.exemptServices.length ? { 'aws:PrincipalServiceName': [...this.exemptServices] } : {}),
      ...(this.exemptAccounts.length ? { 'aws:PrincipalAccount': [...this.exemptAccounts] } : {}),
    });
  }
}

/** The bucket's ARN when its name is a literal (`bucketName` given), without referring to the bucket. */
function literalBucketArn(bucket: s3.Bucket): string | undefined {
  const name = (bucket.node.defaultChild as s3.CfnBucket).bucketName;
  return name !== undefined && !Token.isUnresolved(name) ? `arn:${Stack.of(bucket).partition}:s3:::${name}` : undefined;
}

/** Merges condition blocks operator by operator. */
function merge(...blocks: Conditions[]): Conditions {
  const result: Conditions = {};
  for (const block of blocks) {
    for (const [operator, entries] of Object.entries(block)) {
      result[operator] = { ...result[operator], ...entries };
    }
  }
  return result;
}
