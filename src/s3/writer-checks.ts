import { Annotations, Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';

/** What the checks need to know of a bucket of the library. */
export interface CheckedBucket extends s3.IBucket {
  readonly serverSideEncryption: string;
  readonly enforceEncryptionHeader: boolean;
  readonly writerNames: string[];
}

/**
 * Registers `bucket` with the stack's writer checks (an aspect added once per stack): aws-cdk-lib
 * constructs wired to the bucket so that its policies will deny them at run time get a warning, or an
 * error where AWS cannot write at all.
 */
export function addWriterChecks(bucket: CheckedBucket): void {
  const stack = Stack.of(bucket);
  let checks = Aspects.of(stack).all.find((aspect): aspect is WriterChecks => aspect instanceof WriterChecks);
  if (!checks) {
    checks = new WriterChecks();
    Aspects.of(stack).add(checks);
  }
  checks.buckets.push(bucket);
}

/**
 * The reason an upload with these headers is denied by `bucket`'s upload rules, or undefined when it
 * is allowed. `sse` and `keyId` are resolved template values.
 */
export function uploadDenial(bucket: CheckedBucket, sse: unknown, keyId: unknown): string | undefined {
  const stack = Stack.of(bucket);
  if (sse === undefined) {
    return bucket.enforceEncryptionHeader ? 'it states no server-side encryption, which this header-enforcing bucket denies' : undefined;
  }
  if (sse !== bucket.serverSideEncryption) {
    return `it states ${JSON.stringify(sse)}, not the bucket's ${bucket.serverSideEncryption}`;
  }
  const key = bucket.encryptionKey;
  if (key) {
    const names = [stack.resolve(key.keyArn), stack.resolve(key.keyId)].map((v) => JSON.stringify(v));
    if (keyId === undefined) {
      return `it states ${sse} without naming the bucket's key, so S3 would use the AWS managed key aws/s3`;
    }
    if (!names.includes(JSON.stringify(keyId))) {
      return 'it names a KMS key that is not the bucket\'s';
    }
  } else if (keyId !== undefined && bucket.serverSideEncryption !== 'AES256') {
    return 'it names a KMS key, while the bucket uses the AWS managed key aws/s3';
  }
  return undefined;
}

class WriterChecks implements IAspect {
  public readonly buckets: CheckedBucket[] = [];
  private index?: Map<string, CheckedBucket>;

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    switch (node.cfnResourceType) {
      case 'Custom::CDKBucketDeployment': return this.checkDeployment(node);
      case 'AWS::CloudFront::Distribution': return this.checkLegacyCloudFrontLogging(node);
      case 'AWS::S3::Bucket': return this.checkReplication(node);
      case 'AWS::CloudTrail::Trail': return this.checkTrail(node);
      case 'AWS::EC2::FlowLog': return this.checkFlowLog(node);
      default: return;
    }
  }

  /** The library's bucket that a resolved reference (name, ARN or domain name) stands for. */
  private find(stack: Stack, value: unknown): CheckedBucket | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const bucket of this.buckets) {
        for (const ref of [bucket.bucketName, bucket.bucketArn, bucket.bucketRegionalDomainName, bucket.bucketDomainName]) {
          this.index.set(JSON.stringify(Stack.of(bucket).resolve(ref)), bucket);
        }
      }
    }
    return value === undefined ? undefined : this.index.get(JSON.stringify(stack.resolve(value)));
  }

  private checkDeployment(node: CfnResource): void {
    const stack = Stack.of(node);
    const props = stack.resolve(customResourceProperties(node));
    const bucket = this.find(stack, props.DestinationBucketName);
    if (!bucket) {
      return;
    }
    const reason = uploadDenial(bucket, props.SystemMetadata?.sse, props.SystemMetadata?.['sse-kms-key-id']);
    if (reason) {
      const fix = bucket.serverSideEncryption === 'AES256'
        ? 'serverSideEncryption: s3deploy.ServerSideEncryption.AES_256'
        : `serverSideEncryption: s3deploy.ServerSideEncryption.${bucket.serverSideEncryption === 'aws:kms' ? 'AWS_KMS' : 'AWS_KMS_DSSE'}${bucket.encryptionKey ? ' and serverSideEncryptionAwsKmsKeyId: bucket.encryptionKey.keyArn' : ''}`;
      Annotations.of(node.node.scope ?? node).addWarningV2('cdk-kmi:deploymentDenied',
        `This BucketDeployment's uploads into ${bucket.node.path} will be denied: ${reason}. Set ${fix}, or leave both unset on a bucket that does not enforce the encryption header.`);
    }
  }

  private checkLegacyCloudFrontLogging(node: CfnResource): void {
    const stack = Stack.of(node);
    const config = stack.resolve((node as cloudfront.CfnDistribution).distributionConfig);
    const bucket = this.find(stack, config?.logging?.bucket);
    if (bucket) {
      Annotations.of(node).addError(
        `CloudFront standard logging (legacy) cannot deliver to ${bucket.node.path}: it writes with an ACL that grants the awslogsdelivery account FULL_CONTROL, and the bucket disables ACLs (ObjectOwnership BUCKET_OWNER_ENFORCED). `
        + 'Remove the distribution\'s logBucket (enableLogging) and use standard logging v2: declare BucketWriter.cloudFrontLogs() on the bucket and deliver with AWS::Logs::DeliverySource, DeliveryDestination and Delivery. '
        + 'See https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html');
    }
  }

  private checkReplication(node: CfnResource): void {
    const stack = Stack.of(node);
    const replication = (node as s3.CfnBucket).replicationConfiguration;
    if (replication === undefined) {
      return;
    }
    const rules: any[] = stack.resolve(replication)?.rules ?? [];
    for (const rule of rules) {
      const bucket = this.find(stack, rule.destination?.bucket);
      if (!bucket || bucket.serverSideEncryption === 'AES256') {
        continue;
      }
      const replicaKey = rule.destination?.encryptionConfiguration?.replicaKmsKeyId;
      const denial = uploadDenial(bucket, bucket.serverSideEncryption, replicaKey);
      if (replicaKey === undefined || denial) {
        Annotations.of(node).addWarningV2('cdk-kmi:replicaKey',
          `Replication into ${bucket.node.path}: SSE-KMS objects are replicated only with a replica key, and replicas must be encrypted under the destination's own key. Set kmsKey: <destination>.encryptionKey and sseKmsEncryptedObjects: true on the replication rule. See https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html`);
      }
    }
  }

  private checkTrail(node: CfnResource): void {
    const stack = Stack.of(node);
    const trail = node as cloudtrail.CfnTrail;
    const bucket = this.find(stack, trail.s3BucketName);
    if (!bucket) {
      return;
    }
    const trailKey = trail.kmsKeyId === undefined ? undefined : stack.resolve(trail.kmsKeyId);
    if (trailKey !== undefined && uploadDenial(bucket, bucket.serverSideEncryption, trailKey)) {
      Annotations.of(node).addWarningV2('cdk-kmi:trailKey',
        `This trail encrypts its log files with a key that is not the key of ${bucket.node.path}, whose policy denies such uploads. Leave the trail's encryptionKey unset (the bucket's default encryption applies) or give it the bucket's key and declare BucketWriter.cloudTrail({ trailUsesBucketKey: true }).`);
    }
    if (!bucket.writerNames.includes('CloudTrail') && bucket.serverSideEncryption !== 'AES256') {
      Annotations.of(node).addWarningV2('cdk-kmi:trailNotDeclared',
        `CloudTrail cannot use the key of ${bucket.node.path} unless the bucket declares it: add BucketWriter.cloudTrail() to the bucket's writers.`);
    }
  }

  private checkFlowLog(node: CfnResource): void {
    const stack = Stack.of(node);
    const flowLog = node as ec2.CfnFlowLog;
    if (flowLog.logDestinationType !== 's3' || flowLog.logDestination === undefined) {
      return;
    }
    // The destination is the bucket's ARN, or its ARN joined with a key prefix.
    const destination = JSON.stringify(stack.resolve(flowLog.logDestination));
    const bucket = this.find(stack, flowLog.logDestination) ?? this.buckets.find((b) => {
      const arn = JSON.stringify(stack.resolve(b.bucketArn));
      return destination.includes(arn.slice(1, -1)) || destination.includes(JSON.stringify(stack.resolve(b.bucketArn)));
    });
    if (bucket && !bucket.writerNames.includes('VPC Flow Logs') && bucket.serverSideEncryption !== 'AES256') {
      Annotations.of(node).addWarningV2('cdk-kmi:flowLogsNotDeclared',
        `VPC Flow Logs cannot use the key of ${bucket.node.path} unless the bucket declares them: add BucketWriter.vpcFlowLogs() to the bucket's writers.`);
    }
  }
}

/** The properties of a CfnResource built from a type and properties, as custom resources are. */
function customResourceProperties(node: CfnResource): any {
  return (node as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties ?? {};
}
