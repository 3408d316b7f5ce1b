import { createHash } from 'node:crypto';
import { ACCOUNT, REGION } from './app';

/**
 * Resolves the intrinsic functions of a synthesized template to the concrete values CloudFormation
 * would give them in account 111111111111, us-east-1, so policies can be evaluated as AWS would.
 *
 * Physical names are derived from logical ids: a bucket is named after its logical id in lower case,
 * a KMS key gets a key id made from a hash of its logical id, a role is named after its logical id.
 */
export class TemplateResolver {
  private readonly resources: Record<string, { Type: string; Properties?: any }>;

  constructor(template: any) {
    this.resources = template.Resources ?? {};
  }

  /** The logical id of the only resource of `type` whose id starts with `prefix`. */
  public logicalId(type: string, prefix = ''): string {
    const ids = Object.entries(this.resources)
      .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
      .map(([id]) => id);
    if (ids.length !== 1) {
      throw new Error(`expected one ${type} starting with '${prefix}', found ${ids.length}: ${ids.join(', ')}`);
    }
    return ids[0];
  }

  public bucketName(logicalId: string): string {
    return logicalId.toLowerCase();
  }

  public bucketArn(logicalId: string): string {
    return `arn:aws:s3:::${this.bucketName(logicalId)}`;
  }

  public keyId(logicalId: string): string {
    const h = createHash('sha256').update(logicalId).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  public keyArn(logicalId: string): string {
    return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${this.keyId(logicalId)}`;
  }

  public roleArn(logicalId: string): string {
    return `arn:aws:iam::${ACCOUNT}:role/${logicalId}`;
  }

  /** The resolved properties of a resource. */
  public properties(logicalId: string): any {
    return this.resolve(this.resources[logicalId].Properties ?? {});
  }

  /** The resolved policy documents of every AWS::IAM::Policy attached to a role. */
  public identityPolicies(roleLogicalId: string): Array<{ name: string; policy: any }> {
    return Object.entries(this.resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy'
        && (r.Properties?.Roles ?? []).some((ref: any) => ref.Ref === roleLogicalId))
      .map(([id]) => ({ name: id, policy: this.properties(id).PolicyDocument }));
  }

  public resolve(value: any): any {
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v));
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = value[fn];
      switch (fn) {
        case 'Ref': return this.ref(arg);
        case 'Fn::GetAtt': return this.getAtt(arg[0], arg[1]);
        case 'Fn::Join': return (this.resolve(arg[1]) as string[]).join(arg[0]);
        case 'Fn::Select': return this.resolve(arg[1])[Number(this.resolve(arg[0]))];
        case 'Fn::Split': return (this.resolve(arg[1]) as string).split(arg[0]);
        case 'Fn::Sub': return (arg as string).replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name.includes('.') ? this.getAtt(name.split('.')[0], name.split('.')[1]) : this.ref(name));
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(value[k])]));
  }

  private ref(name: string): string {
    switch (name) {
      case 'AWS::Partition': return 'aws';
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::Region': return REGION;
      case 'AWS::URLSuffix': return 'amazonaws.com';
    }
    const type = this.resources[name]?.Type;
    switch (type) {
      case 'AWS::S3::Bucket': return this.bucketName(name);
      case 'AWS::KMS::Key': return this.keyId(name);
      case 'AWS::IAM::Role': return name;
      case 'AWS::DynamoDB::GlobalTable': return name;
      case 'AWS::EC2::Volume': return `vol-${createHash('sha256').update(name).digest('hex').slice(0, 17)}`;
      default: throw new Error(`cannot resolve Ref ${name} (${type})`);
    }
  }

  private getAtt(name: string, attribute: string): string {
    const type = this.resources[name]?.Type;
    const key = `${type}.${attribute}`;
    switch (key) {
      case 'AWS::S3::Bucket.Arn': return this.bucketArn(name);
      case 'AWS::KMS::Key.Arn': return this.keyArn(name);
      case 'AWS::IAM::Role.Arn': return this.roleArn(name);
      case 'AWS::DynamoDB::GlobalTable.Arn': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      case 'AWS::DynamoDB::GlobalTable.StreamArn': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}/stream/2026-01-01T00:00:00.000`;
      default: throw new Error(`cannot resolve Fn::GetAtt ${name}.${attribute} (${type})`);
    }
  }
}
