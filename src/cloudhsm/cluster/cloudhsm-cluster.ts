import { Annotations, CfnOutput, CustomResource, Duration, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { CfnCloudHsmClusterResource } from './cfn-cloudhsm-cluster';
import { ICloudHsmCluster } from './cloudhsm-cluster-ref';
import { ClusterTrustAnchor } from './cluster-trust-anchor';
import { IsCompleteFunction } from './handler/is-complete-function';
import { childPath, isResolved, KmiValidationError } from '../../private/errors';
import { activateCluster, ActivationResult, ClusterActivation } from '../activation/cluster-activation';
import { OnEventFunction } from './handler/on-event-function';
import { HSMS_RESOURCE_TYPE, HsmsProperties, INITIALIZATION_RESOURCE_TYPE, InitializationProperties } from './handler/resource-properties';
import { removalPolicyValue } from '../../private/handler-kit/removal-policy';
import { checkDays, checkRemovalPolicy, selectPrivateSubnetsAcrossZones } from '../../private/prop-checks';
import { attachHandlerPolicy, kmiProvider } from '../../private/provider';

/** Construct id of the stack's provider for the cluster's custom resources. */
const PROVIDER_ID = 'KmiCloudHsmClusterProvider';

/** The HSM ports: 2223-2225 (TCP), on which clients, and KMS, reach the HSMs. */
const HSM_PORTS = ec2.Port.tcpRange(2223, 2225);

const DEFAULT_HSM_COUNT = 2;
/** Most HSMs one cluster may hold. */
const MAX_HSM_COUNT = 32;
/** Backup retention CloudHSM accepts, in days. */
const DEFAULT_BACKUP_RETENTION_DAYS = 90;
const MIN_BACKUP_RETENTION_DAYS = 7;
const MAX_BACKUP_RETENTION_DAYS = 379;
/** Subnets a cluster may have (one per Availability Zone). */
const MAX_SUBNETS = 10;
const CLUSTER_ID_PATTERN = /^cluster-[2-7a-zA-Z]{11,16}$/;
const HSM_TYPE_PATTERN = /^(p|)hsm[0-9][a-z.]*\.[a-zA-Z]+$/;
const PARAMETER_NAME_PATTERN = /^\/[a-zA-Z0-9_.\-/]+$/;

/**
 * The type of the HSMs of a cluster.
 *
 * `hsm1.medium` reached its end of life in 2025 (AWS migrates existing hsm1 clusters to hsm2m.medium)
 * and is refused; `hsm2m.medium` (FIPS 140-3 level 3, FIPS or non-FIPS mode) is the default.
 *
 * @see https://docs.aws.amazon.com/cloudhsm/latest/userguide/hsm-types.html
 */
export class CloudHsmType {
  /** hsm2m.medium: FIPS 140-3 level 3 validated, FIPS or non-FIPS clusters. */
  public static readonly HSM2M_MEDIUM = new CloudHsmType('hsm2m.medium');

  /**
   * An HSM type by name, for a type this library does not list yet. The name must match
   * `((p|)hsm[0-9][a-z.]*\.[a-zA-Z]+)`, as CloudHSM requires.
   */
  public static of(name: string): CloudHsmType {
    return new CloudHsmType(name);
  }

  /** The name CloudHSM uses, such as `hsm2m.medium`. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }
}

/**
 * The mode of a cluster; it cannot be changed after the cluster is created.
 *
 * @see https://docs.aws.amazon.com/cloudhsm/latest/userguide/cluster-hsm-types.html
 */
export enum CloudHsmClusterMode {
  /** Only FIPS-approved keys and algorithms. */
  FIPS = 'FIPS',
  /** Every key and algorithm CloudHSM supports, FIPS-approved or not (hsm2m.medium only). */
  NON_FIPS = 'NON_FIPS',
}

/**
 * How applications reach the HSMs.
 */
export enum CloudHsmNetworkType {
  /** IPv4 only. */
  IPV4 = 'IPV4',
  /** IPv4 and IPv6; the subnets need IPv6 CIDR blocks. AWS KMS reaches key stores over IPv4 only. */
  DUALSTACK = 'DUALSTACK',
}

/**
 * Properties of a `CloudHsmCluster`.
 */
export interface CloudHsmClusterProps {
  /** The VPC of the cluster. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the cluster: private or isolated, in at least two Availability Zones, one subnet
   * per zone (at most 10). An HSM gets its network interface in one of them. Warning: changing them
   * replaces the cluster.
   *
   * @default - one private subnet with egress per Availability Zone, or one isolated subnet per zone
   * when the VPC has no private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The HSM type. Warning: changing it replaces the cluster.
   *
   * @default CloudHsmType.HSM2M_MEDIUM
   */
  readonly hsmType?: CloudHsmType;

  /**
   * The cluster mode. Warning: changing it replaces the cluster.
   *
   * @default CloudHsmClusterMode.FIPS
   */
  readonly mode?: CloudHsmClusterMode;

  /**
   * The network type of the cluster.
   *
   * @default CloudHsmNetworkType.IPV4
   */
  readonly networkType?: CloudHsmNetworkType;

  /**
   * How long CloudHSM keeps the cluster's backups: whole days, 7 to 379. CloudHSM never deletes the
   * last backup of a cluster.
   *
   * @default Duration.days(90)
   */
  readonly backupRetention?: Duration;

  /**
   * How many HSMs the cluster keeps, spread over its Availability Zones (1 to 32). Each HSM is billed
   * by the hour. A KMS custom key store needs at least two, in different zones.
   *
   * @default 2
   */
  readonly hsmCount?: number;

  /**
   * Set to true to allow a cluster of one HSM, without high availability: if that HSM fails, keys
   * created since the last daily backup are lost, and KMS custom key stores cannot use the cluster.
   *
   * @default false
   */
  readonly allowSingleHsm?: boolean;

  /**
   * The root that signs the cluster's certificate. It cannot change once the cluster is initialized.
   *
   * @default ClusterTrustAnchor.selfManaged()
   */
  readonly trustAnchor?: ClusterTrustAnchor;

  /**
   * The name of the SSM parameter (String) that receives the trust anchor certificate (PEM), for
   * CloudHSM clients and KMS custom key stores. Starts with `/`.
   *
   * @default - `/cdk-kmi/cloudhsm/<unique name of this construct>/trust-anchor`
   */
  readonly trustAnchorParameterName?: string;

  /**
   * How the cluster is activated (its admin password set and `kmsuser` created) once initialized.
   * With `ClusterTrustAnchor.external()` and no certificates yet, nothing is activated until the deploy
   * that initializes the cluster.
   *
   * @default ClusterActivation.automatic()
   */
  readonly activation?: ClusterActivation;

  /**
   * What happens to the cluster when it leaves the stack.
   *
   * - `RETAIN`: the cluster, its HSMs, its backups, the trust anchor secret and parameter stay.
   * - `DESTROY`: the HSMs are deleted, then the cluster (CloudHSM keeps its backups for the retention
   *   period). Refused while a KMS custom key store uses the cluster.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Attributes of a CloudHSM cluster created elsewhere.
 */
export interface CloudHsmClusterAttributes {
  /** The cluster id, such as `cluster-abcdefghijk`. */
  readonly clusterId: string;

  /** The cluster's security group (`cloudhsm-cluster-<id>-sg`). */
  readonly securityGroup: ec2.ISecurityGroup;

  /** The name of the SSM parameter that holds the cluster's trust anchor certificate (PEM). */
  readonly trustAnchorParameterName: string;

  /**
   * The secret that holds the password of the cluster's `kmsuser` crypto user.
   *
   * @default - none
   */
  readonly kmsUserPassword?: secretsmanager.ISecret;
}

/**
 * An AWS CloudHSM cluster with HSMs in at least two Availability Zones, initialized with a trust
 * anchor you choose, and activated: key-management option 2, where you own the HSMs (FIPS 140-3
 * level 3, single tenant) and AWS runs them.
 *
 * - `AWS::CloudHSM::Cluster` in private or isolated subnets, one per zone, FIPS mode, backups kept 90 days.
 * - `Custom::KmiCloudHsmInitialization` creates the first HSM, signs the cluster's CSR with the trust
 *   anchor and initializes the cluster; the trust anchor certificate goes to an SSM parameter.
 * - The activation (see `ClusterActivation`) sets the admin password and creates `kmsuser`, for KMS, on
 *   that first HSM, and waits until the cluster is ACTIVE.
 * - Then `Custom::KmiCloudHsmHsms` adds HSMs up to `hsmCount` (default 2), spread over the zones (CloudHSM
 *   adds HSMs only to an active cluster; they get its users from a backup); changing the count adds or
 *   removes HSMs. An automatic activation then checks that `kmsuser` is on every HSM.
 *
 * Each step takes minutes: the first HSM 10 to 20, initialization and activation a few more, the other
 * HSMs another 10 to 20 (in parallel). HSMs are billed by the hour while they exist.
 *
 * Application hosts use the HSMs directly through the CloudHSM client libraries (PKCS #11, JCE,
 * OpenSSL) on TCP 2223-2225: allow them with `connections`. KMS uses the cluster through a custom key
 * store (`CustomKeyStore`), which waits for the whole construct. Anything else that needs the cluster
 * ready (HSMs ACTIVE, initialized, activated) should depend on the construct: `node.addDependency(cluster)`.
 *
 * Nothing is deleted by accident: RETAIN by default; DESTROY is refused while a KMS custom key store
 * uses the cluster.
 *
 * @see https://docs.aws.amazon.com/cloudhsm/latest/userguide/getting-started.html
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const appHost: ec2.IConnectable;
 *
 * const cluster = new CloudHsmCluster(this, 'Hsms', { vpc });
 * cluster.connections.allowDefaultPortFrom(appHost);
 */
export class CloudHsmCluster extends Resource implements ICloudHsmCluster {
  /**
   * A cluster created elsewhere, by its attributes.
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: CloudHsmClusterAttributes): ICloudHsmCluster {
    if (isResolved(attrs.clusterId) && !CLUSTER_ID_PATTERN.test(attrs.clusterId)) {
      throw new KmiValidationError({
        path: childPath(scope, id),
        prop: 'clusterId',
        given: `'${attrs.clusterId}'`,
        allowed: 'a CloudHSM cluster id: cluster- followed by 11 to 16 letters or digits 2-7',
      });
    }
    class Import extends Resource implements ICloudHsmCluster {
      public readonly clusterId = attrs.clusterId;
      public readonly trustAnchorParameterName = attrs.trustAnchorParameterName;
      public readonly kmsUserPassword = attrs.kmsUserPassword;
      public readonly connections = new ec2.Connections({ securityGroups: [attrs.securityGroup], defaultPort: HSM_PORTS });
    }
    return new Import(scope, id);
  }

  /**
   * The cluster id, such as `cluster-abcdefghijk`. It resolves when the cluster resource exists; to wait
   * for the HSMs, the initialization and the activation too, depend on this construct
   * (`node.addDependency(cluster)`), as `CustomKeyStore` does.
   *
   * @attribute
   */
  public readonly clusterId: string;

  /** Network access to the HSMs: the cluster's security group, TCP 2223-2225. */
  public readonly connections: ec2.Connections;

  /**
   * The name of the SSM parameter (String) that holds the trust anchor certificate (PEM). The
   * initialization writes it: read it after the construct (`node.addDependency(cluster)`).
   *
   * @attribute
   */
  public readonly trustAnchorParameterName: string;

  /**
   * The secret that holds the initial password of `kmsuser`, when the cluster is activated
   * automatically.
   */
  public readonly kmsUserPassword?: secretsmanager.ISecret;

  /**
   * The secret that holds the password of the cluster's `admin` user, when the cluster is activated
   * automatically.
   */
  public readonly adminPassword?: secretsmanager.ISecret;

  /**
   * The cluster's certificate signing request (PEM) while the cluster waits for an external trust
   * anchor to sign it; an empty string once the cluster is initialized.
   *
   * @attribute
   */
  public readonly clusterCsr: string;

  /**
   * The secret that keeps the self-managed trust anchor's certificate and private key, when the trust
   * anchor is self-managed.
   */
  public readonly trustAnchorSecret?: secretsmanager.ISecret;

  /** The HSM type. */
  public readonly hsmType: CloudHsmType;

  /** How many HSMs the cluster keeps. */
  public readonly hsmCount: number;

  constructor(scope: Construct, id: string, props: CloudHsmClusterProps) {
    const path = childPath(scope, id);
    validateProps(path, props);
    const trustAnchor = props.trustAnchor ?? ClusterTrustAnchor.selfManaged();
    trustAnchor._validate(path);
    const subnetSelection = subnetSelectionOf(props);
    const subnetIds = selectSubnets(path, props.vpc, subnetSelection);
    super(scope, id);

    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const destroy = removalPolicy === RemovalPolicy.DESTROY;
    this.hsmType = props.hsmType ?? CloudHsmType.HSM2M_MEDIUM;
    this.hsmCount = props.hsmCount ?? DEFAULT_HSM_COUNT;
    const parameterName = props.trustAnchorParameterName
      ?? `/cdk-kmi/cloudhsm/${Names.uniqueResourceName(this, { maxLength: 128, separator: '-' })}/trust-anchor`;

    this.clusterId = newClusterResource(this, props, this.hsmType, subnetIds, destroy).attrClusterId;
    const clusterArn = stack.formatArn({ service: 'cloudhsm', resource: 'cluster', resourceName: this.clusterId });

    const provider = clusterProvider(this);

    const anchor = trustAnchor._bind(this, { destroy });
    this.trustAnchorSecret = anchor.secret;
    const permissions = attachHandlerPolicy(this, 'HandlerPolicy', provider,
      [...handlerStatements(stack, clusterArn, parameterName), ...anchor.statements], HANDLER_WILDCARD_REASONS);

    const initialization = this.newInitialization(provider, trustAnchor, anchor, parameterName, destroy);
    initialization.node.addDependency(permissions);

    this.trustAnchorParameterName = parameterName;
    this.clusterCsr = initialization.getAttString('ClusterCsr');
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', initialization.getAttString('SecurityGroupId'), {
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: HSM_PORTS });

    if (trustAnchor._awaitingCertificates) {
      this.outputCsrToSign();
      return;
    }

    const activation = this.addHsmsAndActivation(props, provider, permissions, initialization, securityGroup, subnetSelection, destroy);
    this.kmsUserPassword = activation?.kmsUserPassword;
    this.adminPassword = activation?.adminPassword;
  }

  /**
   * Once the cluster is initialized with its first HSM, in the order AWS documents: the activation on that HSM
   * (admin password, `kmsuser`, until DescribeClusters reports ACTIVE), then `Custom::KmiCloudHsmHsms` adds the
   * other HSMs (CloudHSM adds HSMs only to an activated cluster: https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html,
   * https://docs.aws.amazon.com/cloudhsm/latest/userguide/add-hsm.html), which get the users from a backup of the cluster,
   * then the check that `kmsuser` is on every HSM. A key store depends on the whole construct, so it comes last
   * (CreateCustomKeyStore needs an ACTIVE cluster: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html).
   * With `ClusterActivation.manual()`, the HSMs resource waits for the person who activates the cluster.
   */
  private addHsmsAndActivation(
    props: CloudHsmClusterProps, provider: cr.Provider, permissions: IDependable, initialization: CustomResource,
    securityGroup: ec2.ISecurityGroup, subnetSelection: ec2.SubnetSelection, destroy: boolean,
  ): ActivationResult | undefined {
    const activation = activateCluster(this, 'Activation', {
      activation: props.activation ?? ClusterActivation.automatic(),
      clusterId: this.clusterId,
      vpc: props.vpc,
      vpcSubnets: subnetSelection,
      clusterSecurityGroup: securityGroup,
      trustAnchorParameterName: this.trustAnchorParameterName,
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      dependency: initialization,
      hsmCount: this.hsmCount,
    });

    const hsms = newCustomResource<HsmsProperties>(this, 'Hsms', provider, HSMS_RESOURCE_TYPE,
      { ClusterId: this.clusterId, HsmCount: String(this.hsmCount), RemovalPolicy: removalPolicyValue(destroy) });
    hsms.node.addDependency(permissions, initialization);
    if (activation) {
      hsms.node.addDependency(activation.activated);
      activation.checkCoverageAfter(hsms);
    }
    return activation;
  }

  /** `Custom::KmiCloudHsmInitialization`: the first HSM, the signed cluster certificate, the trust anchor parameter. */
  private newInitialization(
    provider: cr.Provider, trustAnchor: ClusterTrustAnchor, anchor: ReturnType<ClusterTrustAnchor['_bind']>,
    parameterName: string, destroy: boolean,
  ): CustomResource {
    return newCustomResource<InitializationProperties>(this, 'Initialization', provider, INITIALIZATION_RESOURCE_TYPE, {
      ClusterId: this.clusterId,
      TrustAnchor: trustAnchor._kind,
      TrustAnchorParameterName: parameterName,
      RemovalPolicy: removalPolicyValue(destroy),
      ValidityDays: String(trustAnchor._validityDays),
      ...anchor.properties,
    });
  }

  /** The first deployment with an external anchor: the CSR to sign is an output. */
  private outputCsrToSign(): void {
    new CfnOutput(this, 'ClusterCsr', {
      description: `CSR of the CloudHSM cluster of ${this.node.path}: sign it with your root, then deploy with ClusterTrustAnchor.external({ signedCertificate, trustAnchorCertificate })`,
      value: this.clusterCsr,
    });
    Annotations.of(this).addInfo('The cluster is created with one HSM and left UNINITIALIZED: sign the ClusterCsr output with your root '
      + 'and deploy again with both certificates to initialize and activate it, then create the other HSMs.');
  }
}

/**
 * What CreateHsm and DeleteHsm do with the caller's permissions (the HSM's elastic network interface).
 * The union of the dependent actions of CreateHsm and DeleteHsm in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudhsm.html) and the EC2
 * actions of the CloudHSM guide's IAM example
 * (https://docs.aws.amazon.com/cloudhsm/latest/userguide/identity-access-management.html, the same list as
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudHSMRole.html): the two documents
 * differ, so the handler has both (DescribeNetworkInterfaceAttribute, DetachNetworkInterface, CreateTags and
 * DescribeVpcs come from the guide only).
 */
const HSM_NETWORK_ACTIONS = [
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:CreateNetworkInterface',
  'ec2:CreateSecurityGroup',
  'ec2:CreateTags',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaceAttribute',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'ec2:DetachNetworkInterface',
  'ec2:RevokeSecurityGroupEgress',
];

function subnetSelectionOf(props: CloudHsmClusterProps): ec2.SubnetSelection {
  if (props.vpcSubnets) {
    return props.vpcSubnets;
  }
  const hasPrivate = props.vpc.privateSubnets.length > 0;
  return { subnetType: hasPrivate ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true };
}

/** The `AWS::CloudHSM::Cluster`, kept or deleted with the construct. */
function newClusterResource(
  scope: Construct, props: CloudHsmClusterProps, hsmType: CloudHsmType, subnetIds: string[], destroy: boolean,
): CfnCloudHsmClusterResource {
  const cluster = new CfnCloudHsmClusterResource(scope, 'Resource', {
    HsmType: hsmType.name,
    Mode: props.mode ?? CloudHsmClusterMode.FIPS,
    NetworkType: props.networkType ?? CloudHsmNetworkType.IPV4,
    SubnetIds: subnetIds,
    BackupRetentionPolicy: {
      Type: 'DAYS',
      Value: String(props.backupRetention?.toDays() ?? DEFAULT_BACKUP_RETENTION_DAYS),
    },
  });
  cluster.applyRemovalPolicy(destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
  return cluster;
}

/** The stack's one provider of the cluster's two custom resources. */
function clusterProvider(scope: Construct): cr.Provider {
  return kmiProvider(scope, {
    id: PROVIDER_ID,
    resourceType: `${INITIALIZATION_RESOURCE_TYPE} and ${HSMS_RESOURCE_TYPE}`,
    onEvent: OnEventFunction,
    isComplete: IsCompleteFunction,
    // Creating a self-managed RSA root takes seconds on a small function.
    onEventTimeout: Duration.minutes(5),
    queryInterval: Duration.seconds(30),
    // The longest CloudFormation waits for a custom resource; the handlers stop at 55 minutes with their own message.
    totalTimeout: Duration.hours(1),
    noVpcReason: 'The handlers call only the public CloudHSM, KMS, Secrets Manager, SSM and Private CA APIs; they never '
      + 'connect to the HSMs, so a VPC would add NAT or endpoints without protecting anything.',
  });
}

/** Why the handler permissions name `*`, for AwsSolutions-IAM5. */
const HANDLER_WILDCARD_REASONS = {
  'Resource::*': 'cloudhsm:DescribeClusters, kms:DescribeCustomKeyStores and ssm:DescribeParameters list resources, and they and '
    + 'cloudhsm:DeleteHsm have no resource-level permissions; the EC2 network interface actions are the ones CloudHSM performs with the caller\'s '
    + 'permissions when it creates or deletes an HSM\'s interface, before the interface exists.',
};

/** One of the cluster's custom resources, with its typed properties. */
function newCustomResource<P extends object>(
  scope: Construct, id: string, provider: cr.Provider, resourceType: string, properties: P,
): CustomResource {
  return new CustomResource(scope, id, { serviceToken: provider.serviceToken, resourceType, properties: { ...properties } });
}

/** The handler permissions every cluster needs, whatever its trust anchor. */
function handlerStatements(stack: Stack, clusterArn: string, parameterName: string): iam.PolicyStatement[] {
  return [
    // cloudhsm:DeleteHsm has no resource types in the Service Authorization Reference
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudhsm.html), so only `*` allows it.
    new iam.PolicyStatement({
      actions: ['cloudhsm:DeleteHsm', 'cloudhsm:DescribeClusters', 'kms:DescribeCustomKeyStores', 'ssm:DescribeParameters'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({ actions: ['cloudhsm:CreateHsm', 'cloudhsm:InitializeCluster'], resources: [clusterArn] }),
    // CreateHsm and DeleteHsm create and delete the HSM's network interface with the caller's permissions.
    new iam.PolicyStatement({ actions: HSM_NETWORK_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: stripLeadingSlash(parameterName) })],
    }),
  ];
}

/** The ids of the selected subnets: private or isolated, at least two zones, one subnet per zone. */
function selectSubnets(path: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection): string[] {
  return selectPrivateSubnetsAcrossZones(path, vpc, selection, {
    maxSubnets: MAX_SUBNETS,
    publicFix: 'HSMs never sit in a public subnet: select private or isolated subnets.',
    perZoneFix: 'A cluster takes one subnet per zone: add onePerAz: true to vpcSubnets.',
    zonesFix: 'HSMs in two zones keep the cluster available when a zone fails, and KMS custom key stores require it.',
  });
}

function validateProps(path: string, props: CloudHsmClusterProps): void {
  const refuse = (prop: string, given: string, allowed: string, fix?: string) => {
    throw new KmiValidationError({ path, prop, given, allowed, fix });
  };
  const hsmType = props.hsmType?.name;
  if (hsmType !== undefined && isResolved(hsmType)) {
    if (hsmType === 'hsm1.medium') {
      refuse('hsmType', `'${hsmType}'`, '\'hsm2m.medium\' or a newer type',
        'hsm1.medium reached its end of life in 2025: AWS no longer provides it and migrates existing hsm1 clusters to hsm2m.medium.');
    }
    if (!HSM_TYPE_PATTERN.test(hsmType)) {
      refuse('hsmType', `'${hsmType}'`, 'an HSM type name such as hsm2m.medium (((p|)hsm[0-9][a-z.]*\\.[a-zA-Z]+))');
    }
  }
  const count = props.hsmCount;
  if (count !== undefined && !Token.isUnresolved(count)) {
    if (!Number.isInteger(count) || count < 1 || count > MAX_HSM_COUNT) {
      refuse('hsmCount', `${count}`, `a whole number from 2 to ${MAX_HSM_COUNT} (1 with allowSingleHsm: true)`);
    }
    if (count === 1 && props.allowSingleHsm !== true) {
      refuse('hsmCount', '1', `2 to ${MAX_HSM_COUNT}, or 1 with allowSingleHsm: true`,
        'One HSM has no high availability: when it fails, keys created since the last daily backup are lost and KMS custom '
        + 'key stores stop. Set allowSingleHsm: true to accept that (for example in a test account).');
    }
  }
  checkDays(path, 'backupRetention', props.backupRetention, MIN_BACKUP_RETENTION_DAYS, MAX_BACKUP_RETENTION_DAYS);
  const name = props.trustAnchorParameterName;
  if (name !== undefined && isResolved(name)) {
    const reserved = /^\/?(aws|ssm)/i.test(name);
    if (!PARAMETER_NAME_PATTERN.test(name) || name.length > 1011 || reserved) {
      refuse('trustAnchorParameterName', `'${name}'`,
        'a parameter name that starts with /, of letters, digits and _ . - /, at most 1011 characters, not beginning with aws or ssm');
    }
  }
  checkRemovalPolicy(path, props.removalPolicy, {
    fix: 'CloudHSM backs the cluster up by itself (see backupRetention); there is no snapshot to take on removal.',
  });
}

function stripLeadingSlash(name: string): string {
  return Token.isUnresolved(name) ? name : name.replace(/^\//, '');
}
