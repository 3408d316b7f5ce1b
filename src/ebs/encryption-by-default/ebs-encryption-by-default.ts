import { CustomResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { OnEventFunction } from './handler/on-event-function';
import { EBS_ENCRYPTION_BY_DEFAULT_RESOURCE_TYPE, EbsEncryptionByDefaultProperties } from './handler/resource-properties';
import { KmsKeyWithRotation } from '../../kms/kms-key-with-rotation';
import { attachHandlerPolicy, kmiProvider } from '../../private/provider';
import { Ec2KeyUsers, ec2OnlyKeyPolicy } from '../ec2-only-key-policy';

/** Construct id of the stack's provider for this custom resource. */
const PROVIDER_ID = 'KmiEbsEncryptionByDefaultProvider';

/** The EC2 actions of the handler; none supports resource-level permissions. */
const EBS_DEFAULT_ACTIONS = [
  'ec2:DisableEbsEncryptionByDefault',
  'ec2:EnableEbsEncryptionByDefault',
  'ec2:GetEbsDefaultKmsKeyId',
  'ec2:GetEbsEncryptionByDefault',
  'ec2:ModifyEbsDefaultKmsKeyId',
  'ec2:ResetEbsDefaultKmsKeyId',
];

/**
 * Properties of `EbsEncryptionByDefault`.
 */
export interface EbsEncryptionByDefaultProps {
  /**
   * The KMS key that encrypts new EBS volumes and snapshot copies of the account in this Region.
   * It must be a symmetric encryption key; the custom resource checks it before setting it.
   *
   * Principals that launch instances or create volumes need to use it through EC2: the key this
   * construct creates allows that to every principal of the account (as the AWS managed key
   * `aws/ebs` does), Auto Scaling's service-linked role included; a key you pass needs the same.
   *
   * @default - a new `KmsKeyWithRotation` usable only through EC2 by principals of this account
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the account setting when this construct leaves the stack.
   *
   * - `RETAIN`: encryption by default stays on with this key: removing a stack never weakens the
   *   account. The key this construct creates is retained too.
   * - `DESTROY`: the setting and default key recorded when this construct was created are restored.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Turns on EBS encryption by default for the account and Region of its stack, with a customer
 * managed key: every new EBS volume and snapshot copy is then encrypted, whoever creates it.
 *
 * CloudFormation has no resource for this account setting, so a custom resource does it (AWS SDK
 * calls `EnableEbsEncryptionByDefault` and `ModifyEbsDefaultKmsKeyId`, after checking the key with
 * `DescribeKey`, since EC2 accepts a bad key and fails launches later). One provider serves every
 * stack's instance. An environment (account and Region) has one setting, so a second
 * `EbsEncryptionByDefault` for the same environment in the app is refused.
 *
 * Existing volumes are not changed.
 *
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html
 *
 * @example
 * new EbsEncryptionByDefault(this, 'EbsEncryption');
 */
export class EbsEncryptionByDefault extends Construct {
  /**
   * The default key of EBS encryption.
   */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EbsEncryptionByDefaultProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.encryptionKey = props.encryptionKey ?? new KmsKeyWithRotation(this, 'Key', {
      description: `Default key of EBS encryption by default (${this.node.path}); usable only through EC2`,
      policy: ec2OnlyKeyPolicy(stack, Ec2KeyUsers.ANY_IN_ACCOUNT),
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    const provider = kmiProvider(this, {
      id: PROVIDER_ID,
      resourceType: EBS_ENCRYPTION_BY_DEFAULT_RESOURCE_TYPE,
      onEvent: OnEventFunction,
      noVpcReason: 'The handler calls only the public EC2 and KMS APIs to change an account setting, and touches no data; a VPC would add NAT or endpoints without protecting anything.',
    });
    const permissions = attachHandlerPolicy(this, 'HandlerPolicy', provider, [
      new iam.PolicyStatement({ actions: EBS_DEFAULT_ACTIONS, resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [this.encryptionKey.keyArn] }),
    ], {
      'Resource::*': 'The EC2 EBS-encryption-by-default actions are account settings without resource-level permissions; kms:DescribeKey is limited to the default key.',
    });

    const properties: EbsEncryptionByDefaultProperties = {
      KmsKeyId: this.encryptionKey.keyArn,
      RestoreOnDelete: removalPolicy === RemovalPolicy.DESTROY ? 'true' : 'false',
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: EBS_ENCRYPTION_BY_DEFAULT_RESOURCE_TYPE,
      properties: { ...properties },
    });
    resource.node.addDependency(permissions);

    this.node.addValidation({ validate: () => this.validateOnePerEnvironment() });
  }

  private validateOnePerEnvironment(): string[] {
    const mine = Stack.of(this);
    const others = this.node.root.node.findAll()
      .filter((c): c is EbsEncryptionByDefault => c instanceof EbsEncryptionByDefault && c !== this)
      .filter((other) => sameEnvironment(mine, Stack.of(other)));
    return others.map((other) =>
      `${this.node.path}: another EbsEncryptionByDefault, ${other.node.path}, manages the same account and Region `
      + `(${describeEnv(mine)}); EBS encryption by default is one setting per environment: keep one of them.`);
  }
}

function sameEnvironment(a: Stack, b: Stack): boolean {
  if (a === b) {
    return true;
  }
  const resolved = (s: Stack) => !Token.isUnresolved(s.account) && !Token.isUnresolved(s.region);
  return resolved(a) && resolved(b) && a.account === b.account && a.region === b.region;
}

function describeEnv(stack: Stack): string {
  return Token.isUnresolved(stack.account) ? `stack ${stack.node.path}` : `${stack.account}/${stack.region}`;
}
