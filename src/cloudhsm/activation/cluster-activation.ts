import { Annotations, CustomResource, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { activationDocumentContent } from './cluster-activation-document';
import { activationKeyPolicy } from './cluster-activation-key-policy';
import { KMS_USER_NAME } from './cluster-activation-steps';
import { IsCompleteFunction } from './handler/is-complete-function';
import { OnEventFunction } from './handler/on-event-function';
import { ACTIVATION_PHASES, ACTIVATION_RESOURCE_TYPE, ActivationProperties } from './handler/resource-properties';

type ActivationPhase = typeof ACTIVATION_PHASES[number];
import { KmsKeyWithRotation } from '../../kms/kms-key-with-rotation';
import { acknowledgeRule } from '../../private/acknowledge';
import { childPath, isResolved, KmiValidationError } from '../../private/errors';
import { checkNoPublicSubnets } from '../../private/prop-checks';
import { attachHandlerPolicy, kmiProvider } from '../../private/provider';

/** Construct id of the stack's provider for `Custom::KmiCloudHsmActivation`. */
const PROVIDER_ID = 'KmiCloudHsmActivationProvider';

/** Where AWS publishes the CloudHSM CLI for Amazon Linux 2023 (always the latest release). */
const PACKAGE_BASE_URL = 'https://s3.amazonaws.com/cloudhsmv2-software/CloudHsmClient/Amzn2023';

/** The ports of the HSMs. */
const HSM_PORTS = ec2.Port.tcpRange(2223, 2225);

/**
 * What the SSM agent needs to receive and answer Run Command (the Run Command part of the AWS
 * managed policy `AmazonSSMManagedInstanceCore`, without inventory, patching, associations or
 * parameters). Recent agents use the ssmmessages control channel, older ones ec2messages.
 */
const SSM_AGENT_ACTIONS = [
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/** A password both CloudHSM (8-32 characters) and AWS KMS (7-32 alphanumerics) accept, at full length. */
const PASSWORD_GENERATION: secretsmanager.SecretStringGenerator = {
  passwordLength: 32,
  excludePunctuation: true,
  includeSpace: false,
  requireEachIncludedType: true,
};

/**
 * What becomes of the client instance that activated a CloudHSM cluster.
 */
export enum ClientInstanceAfterActivation {
  /**
   * Terminate it once the activation succeeded: no instance is left to patch or to reach the HSMs,
   * and its root volume is deleted. A later deployment that changes the activation finds the cluster
   * ACTIVE and has nothing to do.
   */
  TERMINATE = 'TERMINATE',
  /**
   * Stop it once the activation succeeded; a later deployment that changes the activation starts it,
   * checks `kmsuser` again and stops it. Its encrypted root volume remains (and is billed).
   */
  STOP = 'STOP',
  /** Leave it running, for instance to manage HSM users with CloudHSM CLI through Session Manager. */
  KEEP_RUNNING = 'KEEP_RUNNING',
}

/**
 * Options of the automatic activation of a CloudHSM cluster.
 */
export interface AutomaticActivationOptions {
  /**
   * The instance type of the client instance (Amazon Linux 2023) that runs CloudHSM CLI. A Graviton
   * type (such as `c7g.medium`) gets the ARM64 build of CloudHSM CLI (Client SDK 5 supports Amazon Linux
   * 2023 on x86_64 and ARM: https://docs.aws.amazon.com/cloudhsm/latest/userguide/sdk8-linux.html).
   *
   * The default is a Nitro type that encrypts traffic between instances in transit (AWS Control Tower
   * CT.EC2.PR.19): the client runs for minutes and is terminated by default. Warning: changing it on a
   * deployed client that is stopped or terminated makes CloudFormation modify that instance.
   *
   * @default c6i.large
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * What becomes of the client instance once the activation succeeded.
   *
   * @default ClientInstanceAfterActivation.TERMINATE
   */
  readonly clientAfterActivation?: ClientInstanceAfterActivation;

  /**
   * Where the client instance runs. It has no public IP address, so the subnets must be private
   * subnets with egress (a NAT gateway) or reach everything the client needs through VPC endpoints
   * (ssm, ssmmessages, ec2messages, secretsmanager) and a package mirror (`cloudHsmCliPackageUrl`).
   *
   * @default - the subnets of the cluster
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Where the client may open HTTPS connections: Systems Manager, Secrets Manager, the Amazon Linux
   * repositories and the CloudHSM CLI package. Narrow it to your VPC endpoints' and mirror's addresses
   * (or a prefix list) when the VPC has no internet egress.
   *
   * @default ec2.Peer.anyIpv4()
   */
  readonly httpsEgressPeer?: ec2.IPeer;

  /**
   * HTTPS URL of the CloudHSM CLI RPM for Amazon Linux 2023, for instance on your own mirror.
   *
   * @default - the latest release AWS publishes for the instance's architecture, `https://s3.amazonaws.com/cloudhsmv2-software/CloudHsmClient/Amzn2023/cloudhsm-cli-latest.amzn2023.<x86_64|aarch64>.rpm`
   * @see https://docs.aws.amazon.com/cloudhsm/latest/userguide/gs_cloudhsm_cli-install.html
   */
  readonly cloudHsmCliPackageUrl?: string;

  /**
   * The KMS key that encrypts the two password secrets and the client's root volume.
   *
   * @default - a new `KmsKeyWithRotation` usable only through Secrets Manager and EC2, with the removal policy of the cluster
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * How a `CloudHsmCluster` is activated: the step after initialization that sets the password of the
 * cluster's `admin` and moves the cluster from INITIALIZED to ACTIVE, plus the creation of the
 * `kmsuser` crypto user that AWS KMS needs for a CloudHSM key store.
 *
 * Both need CloudHSM CLI on a host that reaches the HSMs inside the VPC; no AWS API does them.
 */
export class ClusterActivation {
  /**
   * The construct activates the cluster: it generates the admin password and a separate `kmsuser`
   * password into Secrets Manager, starts a small client instance (Amazon Linux 2023, Systems
   * Manager agent, no SSH key, no public IP, IMDSv2, encrypted root volume), runs an SSM command
   * document on it that installs CloudHSM CLI, activates the cluster and creates `kmsuser`, and then
   * terminates the instance (see `clientAfterActivation`). The instance reads the passwords from
   * Secrets Manager itself: they appear in no template, command parameter, output or log.
   *
   * The client needs HTTPS egress (private subnets with a NAT gateway, or VPC endpoints and a package
   * mirror): see `AutomaticActivationOptions`.
   */
  public static automatic(options: AutomaticActivationOptions = {}): ClusterActivation {
    return new ClusterActivation(true, options);
  }

  /**
   * You activate the cluster yourself with CloudHSM CLI: the construct leaves it INITIALIZED and
   * creates no password secret, no client instance and no `kmsuser`. AWS KMS cannot use the cluster
   * until it is ACTIVE and has `kmsuser`.
   */
  public static manual(): ClusterActivation {
    return new ClusterActivation(false);
  }

  /** Whether the construct activates the cluster itself. */
  public readonly isAutomatic: boolean;

  /** @internal */
  public readonly _options?: AutomaticActivationOptions;

  private constructor(isAutomatic: boolean, options?: AutomaticActivationOptions) {
    this.isAutomatic = isAutomatic;
    this._options = options;
  }
}

/**
 * The cluster an activation works on (internal: given by `CloudHsmCluster`).
 */
export interface ActivationTarget {
  /** How to activate. */
  readonly activation: ClusterActivation;
  /** The cluster id, such as `cluster-abcdefghijk`. */
  readonly clusterId: string;
  /** The VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /** The subnets of the cluster; the client runs in them unless the options say otherwise. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The cluster's security group (`cloudhsm-cluster-<id>-sg`): the client may reach it on TCP 2223-2225. */
  readonly clusterSecurityGroup: ec2.ISecurityGroup;
  /** The SSM parameter (String) that holds the trust anchor certificate (PEM). */
  readonly trustAnchorParameterName: string;
  /** Removal policy of the password secrets and of the key the activation creates (RETAIN or DESTROY). */
  readonly removalPolicy: RemovalPolicy;
  /** What must be complete before the activation runs: the cluster's initialization (its first HSM). */
  readonly dependency: IDependable;
  /** How many HSMs the cluster keeps: the coverage check runs again when it changes. */
  readonly hsmCount: number;
}

/**
 * What an automatic activation created (internal: read by `CloudHsmCluster`).
 */
export interface ActivationResult {
  /** The secret that holds the password of the cluster's `admin` user (32 letters and digits). */
  readonly adminPassword: secretsmanager.ISecret;
  /**
   * The secret that holds the initial password of the `kmsuser` crypto user (32 letters and digits),
   * for the key store's `KeyStorePassword`. AWS KMS changes the password of `kmsuser` when it connects
   * the key store; the secret keeps the initial one.
   */
  readonly kmsUserPassword: secretsmanager.ISecret;
  /** Complete once the cluster is ACTIVE with `kmsuser` (on its first HSM): the other HSMs are added after it. */
  readonly activated: IDependable;
  /**
   * Adds the check that `kmsuser` is a crypto user on every HSM (CloudHSM CLI `user list`, cluster-coverage
   * `full`), run after `hsms`; the client is stopped or terminated after it.
   */
  checkCoverageAfter(hsms: IDependable): IDependable;
}

/**
 * Activates a CloudHSM cluster as `props.activation` says (internal: called by `CloudHsmCluster`).
 *
 * Automatic: creates, under `scope/id`, the password secrets and their key, the client instance, its
 * security group and role, the command document and a `Custom::KmiCloudHsmActivation` that depends on
 * `props.dependency`, and returns the two secrets. Manual: creates nothing, returns undefined.
 */
export function activateCluster(scope: Construct, id: string, props: ActivationTarget): ActivationResult | undefined {
  if (!props.activation.isAutomatic) {
    Annotations.of(scope).addInfo(`The CloudHSM cluster ${Token.isUnresolved(props.clusterId) ? 'of this construct' : props.clusterId} `
      + 'is left INITIALIZED (ClusterActivation.manual()): activate it and create kmsuser with CloudHSM CLI from a host in its VPC '
      + 'before AWS KMS can use it.');
    return undefined;
  }
  const options = props.activation._options ?? {};
  validateOptions(childPath(scope, id), props, options);
  return new AutomaticActivation(scope, id, props, options);
}

/** The resources of an automatic activation. */
class AutomaticActivation extends Construct implements ActivationResult {
  public readonly adminPassword: secretsmanager.ISecret;
  public readonly kmsUserPassword: secretsmanager.ISecret;
  public readonly activated: CustomResource;
  private readonly hsmCount: number;
  private readonly newPhase: (id: string, phase: ActivationPhase, extra?: Partial<ActivationProperties>) => CustomResource;

  constructor(scope: Construct, id: string, props: ActivationTarget, options: AutomaticActivationOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const afterwards = options.clientAfterActivation ?? ClientInstanceAfterActivation.TERMINATE;

    const key = options.encryptionKey ?? new KmsKeyWithRotation(this, 'Key', {
      description: `Encrypts the CloudHSM admin and ${KMS_USER_NAME} password secrets and the activation client volume (${this.node.path}); usable only through Secrets Manager and EC2`,
      policy: activationKeyPolicy(stack),
      removalPolicy,
    });
    this.adminPassword = this.passwordSecret('AdminPassword', 'admin', key, removalPolicy);
    this.kmsUserPassword = this.passwordSecret('KmsUserPassword', KMS_USER_NAME, key, removalPolicy);

    const { securityGroup, hsmIngress } = this.clientNetwork(props, options);
    const role = this.clientRole(props);
    const { client, packageUrl } = this.clientInstance(props, options, securityGroup, role, key);

    const document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Command',
      content: activationDocumentContent(),
    });

    const provider = activationProvider(this);
    const permissions = this.attachHandlerPermissions(provider, key, client, document, afterwards);

    const properties: ActivationProperties = {
      ClusterId: props.clusterId,
      InstanceId: client.instanceId,
      DocumentName: document.ref,
      AdminPasswordSecretArn: this.adminPassword.secretArn,
      KmsUserPasswordSecretArn: this.kmsUserPassword.secretArn,
      TrustAnchorParameterName: props.trustAnchorParameterName,
      PackageUrl: packageUrl,
      ClientAfterActivation: afterwards,
    };
    this.newPhase = (resourceId, phase, extra = {}) => {
      const resource = new CustomResource(this, resourceId, {
        serviceToken: provider.serviceToken,
        resourceType: ACTIVATION_RESOURCE_TYPE,
        properties: { ...properties, Phase: phase, ...extra },
      });
      resource.node.addDependency(permissions, hsmIngress);
      return resource;
    };
    // Activation on the first HSM: "run the cluster activate command on your first HSM"
    // (https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html); the other HSMs come after it.
    this.activated = this.newPhase('Resource', 'ACTIVATE');
    this.activated.node.addDependency(props.dependency);
    this.hsmCount = props.hsmCount;

    this.acknowledge(role, client, afterwards);
    this.warnIfIsolated(props.vpc, options.vpcSubnets ?? props.vpcSubnets, options.cloudHsmCliPackageUrl);
  }

  public checkCoverageAfter(hsms: IDependable): IDependable {
    const check = this.newPhase('CoverageCheck', 'CHECK_COVERAGE', { HsmCount: String(this.hsmCount) });
    check.node.addDependency(this.activated, hsms);
    return check;
  }

  /** The client instance (Amazon Linux 2023, IMDSv2, no public IP, encrypted root volume) and the CloudHSM CLI package for its architecture. */
  private clientInstance(
    props: ActivationTarget, options: AutomaticActivationOptions, securityGroup: ec2.ISecurityGroup, role: iam.IRole, key: kms.IKey,
  ): { client: ec2.Instance; packageUrl: string } {
    // A Nitro type with encryption in transit between instances, as CT.EC2.PR.19 asks
    // (https://docs.aws.amazon.com/controltower/latest/controlreference/ec2-rules.html#ct-ec2-pr-19-description).
    const instanceType = options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.C6I, ec2.InstanceSize.LARGE);
    const arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    const packageUrl = options.cloudHsmCliPackageUrl
      ?? `${PACKAGE_BASE_URL}/cloudhsm-cli-latest.amzn2023.${arm ? 'aarch64' : 'x86_64'}.rpm`;
    const client = new ec2.Instance(this, 'Client', {
      vpc: props.vpc,
      vpcSubnets: options.vpcSubnets ?? props.vpcSubnets,
      instanceType,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 }),
      securityGroup,
      role,
      // IMDSv2 only, through the instance's own MetadataOptions (requireImdsv2 would add a launch template with a fixed name).
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      ebsOptimized: true,
      propagateTagsToVolumeOnCreation: true,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, kmsKey: key, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
      }],
    });
    return { client, packageUrl };
  }

  /** The client's security group (HSM ports to the cluster, HTTPS out, nothing in) and the cluster's ingress from it. */
  private clientNetwork(props: ActivationTarget, options: AutomaticActivationOptions) {
    const securityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: `CloudHSM activation client (${this.node.path}): HSM ports to the cluster, HTTPS out, nothing in`,
    });
    // Every egress rule inline: a VPC security group keeps its default allow-all egress rule unless the group
    // itself lists egress rules, and aws-cdk-lib writes rules to security groups and prefix lists as separate resources.
    (securityGroup.node.defaultChild as ec2.CfnSecurityGroup).securityGroupEgress = [
      egressRule(props.clusterSecurityGroup, HSM_PORTS, 'CloudHSM CLI to the HSMs'),
      egressRule(options.httpsEgressPeer ?? ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
        'HTTPS to Systems Manager, Secrets Manager, the package repositories and the CloudHSM CLI package'),
    ];
    const hsmIngress = new ec2.CfnSecurityGroupIngress(this, 'HsmIngressFromClient', {
      groupId: props.clusterSecurityGroup.securityGroupId,
      sourceSecurityGroupId: securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 2223,
      toPort: 2225,
      description: `CloudHSM activation client ${this.node.path} to the HSMs`,
    });
    return { securityGroup, hsmIngress };
  }

  /** The client's role: Run Command, and reading the two password secrets and the trust anchor. */
  private clientRole(props: ActivationTarget): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'ClientRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `CloudHSM activation client (${this.node.path}): Run Command, and reading the two password secrets and the trust anchor`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'RunCommandAgent', actions: SSM_AGENT_ACTIONS, resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTrustAnchor',
      actions: ['ssm:GetParameter'],
      resources: [parameterArn(stack, props.trustAnchorParameterName)],
    }));
    this.adminPassword.grantRead(role);
    this.kmsUserPassword.grantRead(role);
    return role;
  }

  /** The handlers' permissions: this document and this client only. */
  private attachHandlerPermissions(
    provider: cr.Provider, key: kms.IKey, client: ec2.Instance, document: ssm.CfnDocument, afterwards: ClientInstanceAfterActivation,
  ): iam.Policy {
    const stack = Stack.of(this);
    const instanceArn = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: client.instanceId });
    const clientActions = ['ec2:StartInstances',
      ...afterwards === ClientInstanceAfterActivation.STOP ? ['ec2:StopInstances'] : [],
      ...afterwards === ClientInstanceAfterActivation.TERMINATE ? ['ec2:TerminateInstances'] : []];
    // Starting a stopped instance whose volume is encrypted with a customer managed key takes the caller's KMS
    // permissions through EC2; a client that is terminated after the activation is never started again.
    const startVolume = afterwards === ClientInstanceAfterActivation.TERMINATE ? [] : [new iam.PolicyStatement({
      actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `ec2.${stack.region}.amazonaws.com` } },
    })];
    return attachHandlerPolicy(this, 'HandlerPolicy', provider, [
      // ec2:DescribeInstances has no resource-level permissions
      // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html): it tells a stopping client from a terminated one.
      new iam.PolicyStatement({ actions: ['cloudhsm:DescribeClusters', 'ec2:DescribeInstances', 'ssm:GetCommandInvocation'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'document', resourceName: document.ref }), instanceArn],
      }),
      new iam.PolicyStatement({ actions: clientActions, resources: [instanceArn] }),
      ...startVolume,
    ], {
      'Resource::*': 'cloudhsm:DescribeClusters, ec2:DescribeInstances and ssm:GetCommandInvocation support no resource-level permissions; '
        + 'SendCommand and the instance actions are limited to this document and this client.',
    });
  }

  /** A client in isolated subnets reaches nothing unless the VPC has endpoints and a mirror: say so at synth. */
  private warnIfIsolated(vpc: ec2.IVpc, selection: ec2.SubnetSelection, packageUrl?: string): void {
    const isolated = new Set(vpc.isolatedSubnets.map((s) => s.subnetId));
    const selected = vpc.selectSubnets(selection).subnetIds;
    if (selected.length > 0 && selected.every((id) => isolated.has(id))) {
      Annotations.of(this).addWarningV2('cdk-kmi:activationClientIsolated',
        'The CloudHSM activation client runs in isolated subnets: it needs VPC interface endpoints for ssm, ssmmessages, ec2messages '
        + 'and secretsmanager, an S3 gateway endpoint for the Amazon Linux repositories, and '
        + `${packageUrl ? 'your package mirror reachable over HTTPS' : 'cloudHsmCliPackageUrl pointing at a mirror it can reach (the default URL is on s3.amazonaws.com, in us-east-1)'}. `
        + 'Otherwise choose private subnets with egress in ClusterActivation.automatic({ vpcSubnets }).');
    }
  }

  private passwordSecret(id: string, user: string, key: kms.IKey, removalPolicy: RemovalPolicy): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, {
      description: `Password of the ${user} user of the CloudHSM cluster activated by ${this.node.path} (32 letters and digits)`,
      encryptionKey: key,
      generateSecretString: PASSWORD_GENERATION,
      removalPolicy,
    });
    acknowledgeRule(secret, 'SecretsManagerRotationEnabled',
      user === KMS_USER_NAME
        ? 'AWS KMS rotates the kmsuser password itself each time it connects the key store; this secret holds only the initial password.'
        : 'The admin password lives on the HSMs: rotating the secret alone would lock the administrator out. Change it with CloudHSM CLI '
        + '(user change-password) and store the new value here.',
      'AwsSolutions-SMG4');
    return secret;
  }

  private acknowledge(role: iam.Role, client: ec2.Instance, afterwards: ClientInstanceAfterActivation): void {
    acknowledgeRule(role, 'IAMNoInlinePolicy',
      'The client role carries only its own small policy: Run Command for the SSM agent, and reading two secrets and one parameter.');
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'The SSM agent actions (ec2messages, ssmmessages, ssm:UpdateInstanceInformation) support no resource-level permissions; '
        + 'the role is the client instance\'s own role.',
    });
    const fate = afterwards === ClientInstanceAfterActivation.KEEP_RUNNING ? 'kept for CloudHSM user administration'
      : `${afterwards === ClientInstanceAfterActivation.TERMINATE ? 'terminated' : 'stopped'} once the activation succeeded`;
    acknowledgeRule(client, 'EC2InstancesInVPC',
      'The instance is in a VPC subnet, given in its network interface (NetworkInterfaces[0].SubnetId) so that it can refuse a public IP address; the rule reads only the SubnetId property.');
    Validations.of(client).acknowledge({
      id: 'AwsSolutions-EC29',
      reason: `A one-off client that runs the activation and is ${fate}: termination protection would stop that, and an Auto Scaling group would replace it.`,
    });
  }
}

function validateOptions(path: string, props: ActivationTarget, options: AutomaticActivationOptions): void {
  const url = options.cloudHsmCliPackageUrl;
  if (isResolved(url) && !/^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/[A-Za-z0-9._~%/+-]*$/.test(url!)) {
    throw new KmiValidationError({
      path,
      prop: 'cloudHsmCliPackageUrl',
      given: `'${url}'`,
      allowed: 'an https:// URL of letters, digits and . _ ~ % / + - (no query string)',
      fix: 'The client downloads the package over HTTPS only; put the RPM on an HTTPS mirror the client can reach.',
    });
  }
  const selection = options.vpcSubnets ?? props.vpcSubnets;
  checkNoPublicSubnets(path, options.vpcSubnets ? 'vpcSubnets' : 'vpcSubnets (the cluster\'s)', props.vpc, selection,
    'private subnets with egress, or isolated subnets with VPC endpoints and a package mirror',
    'The activation client has no public IP address, so in a public subnet it reaches nothing. '
      + 'Choose private subnets with ClusterActivation.automatic({ vpcSubnets }).');
}

/** The stack's one provider of cluster activations. */
function activationProvider(scope: Construct): cr.Provider {
  return kmiProvider(scope, {
    id: PROVIDER_ID,
    resourceType: ACTIVATION_RESOURCE_TYPE,
    onEvent: OnEventFunction,
    onEventTimeout: Duration.minutes(15),
    isComplete: IsCompleteFunction,
    queryInterval: Duration.seconds(30),
    // CloudFormation waits at most an hour for a custom resource: up to 12 minutes in onEvent, then this.
    totalTimeout: Duration.minutes(40),
    noVpcReason: 'The handlers call only the public CloudHSM, Systems Manager and EC2 APIs with identifiers; the passwords are read '
      + 'by the client instance inside the VPC, never by the handlers, so a VPC would protect nothing.',
  });
}

/** An inline egress rule of a security group. */
function egressRule(peer: ec2.IPeer, port: ec2.Port, description: string): ec2.CfnSecurityGroup.EgressProperty {
  return { ...peer.toEgressRuleConfig(), ...port.toRuleJson(), description };
}

/** The ARN of an SSM parameter by name, whether the name starts with a slash or not (also for tokens). */
function parameterArn(stack: Stack, name: string): string {
  if (!Token.isUnresolved(name)) {
    return stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') });
  }
  // "parameter/" + "/a/b" gives "parameter//a/b": joining the parts around "//" with "/" removes the extra slash.
  const resource = Fn.join('/', Fn.split('//', `parameter/${name}`));
  return `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:${resource}`;
}
