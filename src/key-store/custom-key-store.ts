import { createHash } from 'node:crypto';
import { CustomResource, Duration, Lazy, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { CustomKeyStoreType, ICustomKeyStore } from './custom-key-store-ref';
import { IsCompleteFunction } from './handler/is-complete-function';
import { KMS_USER_PASSWORD_RULE, kmsUserPasswordProblem } from './handler/kms-user-password';
import { OnEventFunction } from './handler/on-event-function';
import { CUSTOM_KEY_STORE_RESOURCE_TYPE, CustomKeyStoreResourceProperties } from './handler/resource-properties';
import { ICloudHsmCluster } from '../cloudhsm/cluster/cloudhsm-cluster-ref';
import { isResolved, KmiValidationError } from '../private/errors';
import { RemovalPolicyValue, removalPolicyValue } from '../private/handler-kit/removal-policy';
import { checkRemovalPolicy } from '../private/prop-checks';
import { attachHandlerPolicy, kmiProvider } from '../private/provider';

/** Construct id of the stack's provider for this custom resource. */
const PROVIDER_ID = 'KmiCustomKeyStoreProvider';

/** The longest name KMS accepts. */
const MAX_NAME_LENGTH = 256;

/** Custom key store operations: a custom key store is not an IAM resource, so they take `Resource: *`. */
const STORE_ACTIONS = [
  'kms:ConnectCustomKeyStore',
  'kms:CreateCustomKeyStore',
  'kms:DescribeCustomKeyStores',
  'kms:DisconnectCustomKeyStore',
  'kms:UpdateCustomKeyStore',
];

/** The service-linked role KMS uses to reach CloudHSM clusters, created on the first CloudHSM key store. */
const CKS_SERVICE = 'cks.kms.amazonaws.com';
const CKS_ROLE = 'AWSServiceRoleForKeyManagementServiceCustomKeyStores';

/**
 * How an external key store reaches its proxy.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/choose-xks-connectivity.html
 */
export enum XksProxyConnectivityType {
  /** Over the internet, to a public endpoint of the proxy. */
  PUBLIC_ENDPOINT = 'PUBLIC_ENDPOINT',
  /** Through an Amazon VPC endpoint service (AWS PrivateLink) in front of the proxy. */
  VPC_ENDPOINT_SERVICE = 'VPC_ENDPOINT_SERVICE',
}

/**
 * How an external key store reaches its proxy: a public endpoint, or a VPC endpoint service.
 */
export class XksProxyConnectivity {
  /**
   * KMS reaches the proxy over the internet at its public endpoint (`uriEndpoint`).
   */
  public static publicEndpoint(): XksProxyConnectivity {
    return new XksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT);
  }

  /**
   * KMS reaches the proxy through an Amazon VPC endpoint service. The service needs a network load
   * balancer in at least two Availability Zones, `cks.kms.<region>.amazonaws.com` among its allowed
   * principals, no acceptance required, and a verified private DNS name, which `uriEndpoint` names.
   *
   * @param serviceName the endpoint service name, such as `com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0` (20-64 characters)
   * @param serviceOwner the 12-digit id of the account that owns the endpoint service, when it is not this stack's account
   */
  public static vpcEndpointService(serviceName: string, serviceOwner?: string): XksProxyConnectivity {
    return new XksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE, serviceName, serviceOwner);
  }

  /** The kind of connectivity. */
  public readonly connectivityType: XksProxyConnectivityType;
  /** The VPC endpoint service name, for VPC endpoint service connectivity. */
  public readonly vpcEndpointServiceName?: string;
  /** The account that owns the VPC endpoint service, when it is not the stack's account. */
  public readonly vpcEndpointServiceOwner?: string;

  private constructor(connectivityType: XksProxyConnectivityType, serviceName?: string, serviceOwner?: string) {
    this.connectivityType = connectivityType;
    this.vpcEndpointServiceName = serviceName;
    this.vpcEndpointServiceOwner = serviceOwner;
  }
}

/**
 * A custom key store backed by an AWS CloudHSM cluster.
 */
export interface CloudHsmKeyStoreSourceOptions {
  /**
   * The cluster that holds the store's keys. It must be ACTIVE (initialized and activated) with at
   * least two active HSMs in different Availability Zones and a `kmsuser` crypto user, and serve no
   * other custom key store. The store reads the cluster's trust anchor from the SSM parameter
   * `cluster.trustAnchorParameterName` when it is created.
   *
   * Changing the cluster later moves the store to it (disconnect, update, connect), which KMS allows
   * only for a cluster that shares the original cluster's backup history.
   */
  readonly cluster: ICloudHsmCluster;

  /**
   * The secret that holds the password of the cluster's `kmsuser` crypto user: the secret's value,
   * or the `password` field of a JSON value; 7 to 32 characters for KMS (use 8 to 32 letters and
   * digits, which CloudHSM accepts too). The handler reads it when it creates the store, and tells
   * KMS again only when this secret changes to another one or KMS last failed to log in as kmsuser.
   *
   * KMS rotates the kmsuser password each time it connects the store, so after the first connection
   * the secret's value is no longer kmsuser's password.
   *
   * @default - the cluster's `kmsUserPassword`; a cluster without one is an error
   */
  readonly kmsUserPassword?: secretsmanager.ISecret;
}

/**
 * An external key store: keys in a key manager outside AWS, reached through an external key store proxy.
 */
export interface ExternalKeyStoreProxySourceOptions {
  /**
   * `https://` followed by the proxy's host name (for VPC endpoint service connectivity, the private
   * DNS name of the endpoint service): 10 to 128 characters, letters, digits, `.` and `-`, no port
   * (KMS uses 443) and no path, such as `https://xks.example.com`. Changing it disconnects the store
   * while it is updated.
   */
  readonly uriEndpoint: string;

  /**
   * The base path of the proxy's API: 10 to 128 characters, `/kms/xks/v1` or a prefix of letters,
   * digits, `/`, `_` and `-` before it, such as `/example/prefix/kms/xks/v1`. Changes in place.
   */
  readonly uriPath: string;

  /**
   * How KMS reaches the proxy. Changing it disconnects the store while it is updated.
   */
  readonly connectivity: XksProxyConnectivity;

  /**
   * The secret that holds the proxy authentication credential KMS signs its requests with, as JSON
   * `{"accessKeyId": "...", "secretAccessKey": "..."}` (20-30 characters A-Z and 2-7; 43-64 characters
   * of letters, digits, `/`, `+` and `=`). The handler reads it when it creates or updates the store.
   * To rotate the credential, add it to the proxy, store it in a new secret, and deploy with that
   * secret: the store takes it in place, without disconnecting.
   */
  readonly credential: secretsmanager.ISecret;
}

/**
 * Where a custom key store keeps its keys: an AWS CloudHSM cluster, or an external key store proxy.
 */
export class KeyStoreSource {
  /**
   * A CloudHSM key store (key-management option 2): KMS keys whose key material lives in your
   * CloudHSM cluster.
   */
  public static cloudHsm(options: CloudHsmKeyStoreSourceOptions): KeyStoreSource {
    return new KeyStoreSource(CustomKeyStoreType.AWS_CLOUDHSM, options, undefined);
  }

  /**
   * An external key store (key-management option 1): KMS keys whose key material lives in a key
   * manager outside AWS, reached through an external key store proxy.
   */
  public static externalKeyStoreProxy(options: ExternalKeyStoreProxySourceOptions): KeyStoreSource {
    return new KeyStoreSource(CustomKeyStoreType.EXTERNAL_KEY_STORE, undefined, options);
  }

  /** The type of the store this source makes. */
  public readonly customKeyStoreType: CustomKeyStoreType;

  /** @internal */
  public readonly _cloudHsm?: CloudHsmKeyStoreSourceOptions;

  /** @internal */
  public readonly _externalKeyStoreProxy?: ExternalKeyStoreProxySourceOptions;

  private constructor(type: CustomKeyStoreType, cloudHsm?: CloudHsmKeyStoreSourceOptions, xks?: ExternalKeyStoreProxySourceOptions) {
    this.customKeyStoreType = type;
    this._cloudHsm = cloudHsm;
    this._externalKeyStoreProxy = xks;
  }
}

/**
 * Properties of `CustomKeyStore`.
 */
export interface CustomKeyStoreProps {
  /**
   * Where the store keeps its keys: `KeyStoreSource.cloudHsm(...)` or
   * `KeyStoreSource.externalKeyStoreProxy(...)`. A store's type cannot change: changing the kind of
   * source creates a new store, which needs another name.
   */
  readonly source: KeyStoreSource;

  /**
   * The store's name, unique in the account and Region (1 to 256 characters). Renaming changes the
   * store in place. A deployment that finds a store of this name takes it over when it has the same
   * type and either connects to the same cluster or proxy, or is not connected.
   *
   * @default - the stack name and the construct's path in the stack, such as `MyStack-Hsm-KeyStore`
   */
  readonly customKeyStoreName?: string;

  /**
   * What happens to the store when it leaves the stack.
   *
   * - `RETAIN`: the store stays, connected, with its keys.
   * - `DESTROY`: the store is disconnected and deleted, but only when it holds no KMS key (keys
   *   scheduled for deletion count until their waiting period ends); otherwise the deletion fails
   *   and names the keys that remain. Deleting the store deletes neither the cluster, nor `kmsuser`,
   *   nor key material.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Attributes of a custom key store made outside this construct.
 */
export interface CustomKeyStoreAttributes {
  /** The custom key store id, such as `cks-1234567890abcdef0`. */
  readonly customKeyStoreId: string;
  /** Where the store keeps its keys. */
  readonly customKeyStoreType: CustomKeyStoreType;
}

/**
 * A KMS custom key store, created and connected: on an AWS CloudHSM cluster (key-management option 2)
 * or on an external key store proxy (option 1). CloudFormation cannot create either, so a custom
 * resource does (`Custom::KmiCustomKeyStore`): it creates the store, connects it, and waits until KMS
 * reports it CONNECTED (a CloudHSM store can take 20 minutes). If KMS cannot connect it, the
 * deployment fails with KMS's connection error code, what it means, and what to fix.
 *
 * The `kmsuser` password and the proxy credential are read from Secrets Manager, and the trust anchor
 * from SSM, by the handler when it runs: they never appear in the template, in responses or in logs.
 *
 * The store is kept when it leaves the stack unless `removalPolicy` is `DESTROY`.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-store-overview.html
 *
 * @example
 * declare const cluster: ICloudHsmCluster;
 * const store = new CustomKeyStore(this, 'KeyStore', {
 *   source: KeyStoreSource.cloudHsm({ cluster }),
 * });
 */
export class CustomKeyStore extends Resource implements ICustomKeyStore {
  /**
   * A custom key store made outside this construct.
   */
  public static fromCustomKeyStoreAttributes(scope: Construct, id: string, attrs: CustomKeyStoreAttributes): ICustomKeyStore {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    if (isResolved(attrs.customKeyStoreId) && !/^cks-[a-z0-9]{1,60}$/.test(attrs.customKeyStoreId)) {
      throw new KmiValidationError({
        path,
        prop: 'customKeyStoreId',
        given: `'${attrs.customKeyStoreId}'`,
        allowed: 'a custom key store id: cks- followed by lower-case letters and digits, such as cks-1234567890abcdef0',
      });
    }
    class Import extends Resource implements ICustomKeyStore {
      public readonly customKeyStoreId = attrs.customKeyStoreId;
      public readonly customKeyStoreType = attrs.customKeyStoreType;
    }
    return new Import(scope, id);
  }

  /**
   * The custom key store id, such as `cks-1234567890abcdef0`.
   *
   * @attribute
   */
  public readonly customKeyStoreId: string;

  /** Where the store's keys live. */
  public readonly customKeyStoreType: CustomKeyStoreType;

  /** The store's name. */
  public readonly customKeyStoreName: string;

  private readonly resource: CustomResource;
  private readonly handlerPolicy: iam.Policy;
  private storeRemovalPolicy: RemovalPolicy;
  private deletionAllowed = false;

  constructor(scope: Construct, id: string, props: CustomKeyStoreProps) {
    super(scope, id);
    this.storeRemovalPolicy = checkStoreRemovalPolicy(this.node.path, props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.customKeyStoreType = props.source.customKeyStoreType;
    this.customKeyStoreName = props.customKeyStoreName ?? defaultName(this);
    checkName(this.node.path, this.customKeyStoreName);

    const source = props.source._cloudHsm
      ? bindCloudHsm(this, props.source._cloudHsm)
      : bindExternalKeyStoreProxy(this, props.source._externalKeyStoreProxy!);

    const provider = kmiProvider(this, {
      id: PROVIDER_ID,
      resourceType: CUSTOM_KEY_STORE_RESOURCE_TYPE,
      onEvent: OnEventFunction,
      // Long enough to disconnect a store (waited for up to 8 minutes) and to look for keys before deleting it.
      onEventTimeout: Duration.minutes(10),
      isComplete: IsCompleteFunction,
      queryInterval: Duration.seconds(30),
      // Connecting a CloudHSM store can take 20 minutes; with onEvent this stays within CloudFormation's hour.
      totalTimeout: Duration.minutes(45),
      noVpcReason: 'The handlers call only the public KMS, Secrets Manager and SSM APIs; KMS itself reaches the cluster or the proxy. '
        + 'A VPC would add NAT or endpoints without protecting anything.',
    });

    const wildcardReasons = {
      'Resource::*': 'Custom key stores are not IAM resources: KMS authorizes their operations, and cloudhsm:DescribeClusters, '
        + 'only on Resource *. When the store may be deleted, the handler also lists and describes the keys of the account '
        + '(metadata only) to refuse deleting a store that still holds keys.',
    };
    this.handlerPolicy = attachHandlerPolicy(this, 'HandlerPolicy', provider, [
      new iam.PolicyStatement({ actions: STORE_ACTIONS, resources: ['*'] }),
      ...source.statements,
    ], wildcardReasons);
    if (this.storeRemovalPolicy === RemovalPolicy.DESTROY) {
      this.allowDeletion();
    }

    const properties: CustomKeyStoreResourceProperties = {
      CustomKeyStoreType: this.customKeyStoreType,
      CustomKeyStoreName: this.customKeyStoreName,
      RemovalPolicy: Lazy.string({ produce: () => removalPolicyValue(this.storeRemovalPolicy === RemovalPolicy.DESTROY) }) as RemovalPolicyValue,
      ...source.properties,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: CUSTOM_KEY_STORE_RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: this.storeRemovalPolicy,
    });
    this.resource.node.addDependency(this.handlerPolicy);
    for (const dependency of source.dependencies) {
      this.resource.node.addDependency(dependency);
    }
    this.customKeyStoreId = this.resource.ref;
  }

  /**
   * Keeps (`RETAIN`) or deletes (`DESTROY`) the store when it leaves the stack; see `removalPolicy`.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.storeRemovalPolicy = checkStoreRemovalPolicy(this.node.path, policy);
    this.resource.applyRemovalPolicy(policy);
    if (policy === RemovalPolicy.DESTROY) {
      this.allowDeletion();
    }
  }

  /** What the handler needs to delete the store: find the keys still in it, then delete it. */
  private allowDeletion(): void {
    if (this.deletionAllowed) {
      return;
    }
    this.deletionAllowed = true;
    this.handlerPolicy.addStatements(
      // ListKeys returns key ids only and takes no resource; DescribeKey tells which store a key is in. DescribeKey could name
      // key/* of this account and Region, but an IAM5 acknowledgement cannot name an ARN with tokens on aws-cdk-lib 2.257,
      // and the handler describes only the ids ListKeys returns for this account and Region.
      new iam.PolicyStatement({ actions: ['kms:DeleteCustomKeyStore', 'kms:DescribeKey', 'kms:ListKeys'], resources: ['*'] }),
    );
  }
}

/** What a source adds to the store: custom resource properties, handler permissions, dependencies. */
interface BoundSource {
  readonly properties: Partial<CustomKeyStoreResourceProperties>;
  readonly statements: iam.PolicyStatement[];
  readonly dependencies: IConstruct[];
}

function bindCloudHsm(store: CustomKeyStore, options: CloudHsmKeyStoreSourceOptions): BoundSource {
  const path = store.node.path;
  const stack = Stack.of(store);
  const { cluster } = options;
  if (isResolved(cluster.clusterId) && !/^cluster-[2-7a-zA-Z]{11,16}$/.test(cluster.clusterId)) {
    throw new KmiValidationError({
      path,
      prop: 'source.cluster.clusterId',
      given: `'${cluster.clusterId}'`,
      allowed: 'a CloudHSM cluster id: cluster- followed by 11 to 16 characters a-z, A-Z, 2-7',
    });
  }
  const password = options.kmsUserPassword ?? cluster.kmsUserPassword;
  if (!password) {
    throw new KmiValidationError({
      path,
      prop: 'source.kmsUserPassword',
      given: 'none, and the cluster has no kmsUserPassword',
      allowed: 'a Secrets Manager secret that holds the password of the cluster\'s kmsuser crypto user',
      fix: 'Create kmsuser in the cluster (CloudHSM CLI as admin: user create --username kmsuser --role crypto-user), store its password '
        + 'in a secret, and pass it as kmsUserPassword.',
    });
  }
  checkKmsUserPasswordSecret(path, options.kmsUserPassword ? 'source.kmsUserPassword' : 'source.cluster.kmsUserPassword', password);
  const parameterName = cluster.trustAnchorParameterName;
  const secretStatements = readSecretStatements(stack, password);
  return {
    properties: {
      CloudHsmClusterId: cluster.clusterId,
      TrustAnchorParameterName: parameterName,
      KmsUserPasswordSecretArn: secretIdOf(password),
    },
    statements: [
      new iam.PolicyStatement({ actions: ['cloudhsm:DescribeClusters'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/${CKS_SERVICE}/${CKS_ROLE}`],
        conditions: { StringEquals: { 'iam:AWSServiceName': CKS_SERVICE } },
      }),
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: parameterArns(stack, parameterName) }),
      ...secretStatements,
    ],
    // The store needs the cluster finished: HSMs, initialization, activation and kmsuser.
    dependencies: [cluster],
  };
}

function bindExternalKeyStoreProxy(store: CustomKeyStore, options: ExternalKeyStoreProxySourceOptions): BoundSource {
  const path = store.node.path;
  checkPattern(path, 'source.uriEndpoint', options.uriEndpoint, 10, 128, /^https:\/\/[a-zA-Z0-9.-]+$/,
    '10 to 128 characters: https:// followed by a host name of letters, digits, . and -, without port or path',
    'KMS always uses port 443; put the path in uriPath.');
  checkPattern(path, 'source.uriPath', options.uriPath, 10, 128, /^(\/[a-zA-Z0-9/_-]+\/kms\/xks\/v\d{1,2})$|^(\/kms\/xks\/v\d{1,2})$/,
    '10 to 128 characters: /kms/xks/v<version>, optionally after a prefix of letters, digits, /, _ and -, such as /example/kms/xks/v1');
  const connectivity = options.connectivity;
  if (connectivity.connectivityType === XksProxyConnectivityType.VPC_ENDPOINT_SERVICE) {
    // Length and pattern of XksProxyVpcEndpointServiceNameType in the KMS service model
    // (botocore/data/kms/2014-11-01/service-2.json; https://docs.aws.amazon.com/kms/latest/APIReference/API_XksProxyConfigurationType.html).
    checkPattern(path, 'source.connectivity (VPC endpoint service name)', connectivity.vpcEndpointServiceName!, 20, 64,
      /^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$/,
      '20 to 64 characters: com.amazonaws.vpce.<region>.vpce-svc-<id> (or eu.amazonaws.vpce...), lower-case letters and digits, '
      + 'such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      'Use the service name shown for the VPC endpoint service (ec2 describe-vpc-endpoint-service-configurations).');
    if (connectivity.vpcEndpointServiceOwner !== undefined) {
      checkPattern(path, 'source.connectivity (VPC endpoint service owner)', connectivity.vpcEndpointServiceOwner, 12, 12, /^[0-9]{12}$/,
        'a 12-digit AWS account id');
    }
  }

  return {
    properties: {
      XksProxyUriEndpoint: options.uriEndpoint,
      XksProxyUriPath: options.uriPath,
      XksProxyConnectivity: connectivity.connectivityType,
      XksProxyVpcEndpointServiceName: connectivity.vpcEndpointServiceName,
      XksProxyVpcEndpointServiceOwner: connectivity.vpcEndpointServiceOwner,
      XksProxyCredentialSecretArn: secretIdOf(options.credential),
    },
    statements: readSecretStatements(Stack.of(store), options.credential),
    dependencies: [],
  };
}

/** The secret's full ARN when known, otherwise its partial ARN (which GetSecretValue accepts). */
function secretIdOf(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? secret.secretArn;
}

/**
 * Reading one secret: GetSecretValue on it, and, when a customer managed key encrypts it,
 * kms:Decrypt on that key through Secrets Manager only. A secret given by name or partial ARN is
 * matched with the six random characters Secrets Manager appends to its ARN (`-??????`).
 */
function readSecretStatements(stack: Stack, secret: secretsmanager.ISecret): iam.PolicyStatement[] {
  const arn = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  const statements = [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [arn] })];
  if (secret.encryptionKey) {
    statements.push(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [secret.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
    }));
  }
  return statements;
}

/**
 * ARNs of an SSM parameter. A name with a leading `/` follows `parameter` directly, any other after
 * a `/`; when the name is not known until deployment, both forms are allowed (only one can match).
 */
function parameterArns(stack: Stack, name: string): string[] {
  const prefix = `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter`;
  if (Token.isUnresolved(name)) {
    return [`${prefix}${name}`, `${prefix}/${name}`];
  }
  return [name.startsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`];
}

/** `<stack name>-<path in the stack>`, made of the characters of construct ids; at most 256 characters. */
function defaultName(store: CustomKeyStore): string {
  const stack = Stack.of(store);
  if (Token.isUnresolved(stack.stackName)) {
    return Names.uniqueResourceName(store, { maxLength: MAX_NAME_LENGTH, separator: '-' });
  }
  const inStack = store.node.scopes.slice(store.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
  const name = [stack.stackName, ...inStack].join('-');
  if (name.length <= MAX_NAME_LENGTH) {
    return name;
  }
  const hash = createHash('sha256').update(store.node.path).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

function checkName(path: string, name: string): void {
  if (isResolved(name) && (name.length < 1 || name.length > MAX_NAME_LENGTH)) {
    throw new KmiValidationError({
      path,
      prop: 'customKeyStoreName',
      given: `a name of ${name.length} characters`,
      allowed: `1 to ${MAX_NAME_LENGTH} characters, unique in the account and Region`,
    });
  }
}

/** RETAIN or DESTROY, saying what each does to a store. */
function checkStoreRemovalPolicy(path: string, policy: RemovalPolicy): RemovalPolicy {
  return checkRemovalPolicy(path, policy, { allowed: 'RemovalPolicy.RETAIN (keep the store) or RemovalPolicy.DESTROY (delete it when it holds no keys)' });
}

function checkPattern(path: string, prop: string, value: string, min: number, max: number, pattern: RegExp, allowed: string, fix?: string): void {
  if (!isResolved(value)) {
    return;
  }
  if (value.length < min || value.length > max || !pattern.test(value)) {
    throw new KmiValidationError({ path, prop, given: `'${value}' (${value.length} characters)`, allowed, fix });
  }
}

/**
 * Refuses, at synth, a kmsuser password secret of the app whose value (a literal) or generation
 * (`generateSecretString`) breaks the rule both KMS and CloudHSM accept. Secrets made elsewhere are
 * checked by the handler when it reads them, with the same rule.
 */
function checkKmsUserPasswordSecret(path: string, prop: string, secret: secretsmanager.ISecret): void {
  const cfn = Construct.isConstruct(secret) ? secret.node.defaultChild : undefined;
  if (!(cfn instanceof secretsmanager.CfnSecret)) {
    return;
  }
  const refuse = (given: string, fix: string) => {
    throw new KmiValidationError({ path, prop, given, allowed: `a secret whose value is ${KMS_USER_PASSWORD_RULE}`, fix });
  };
  if (typeof cfn.secretString === 'string' && !Token.isUnresolved(cfn.secretString)) {
    // The value itself is never printed.
    const problem = kmsUserPasswordProblem(cfn.secretString);
    if (problem !== undefined) {
      refuse(`a secret whose literal value has ${problem}`, 'Let Secrets Manager generate it (passwordLength 32, excludePunctuation true) or change the value.');
    }
    return;
  }
  const generation = cfn.generateSecretString as secretsmanager.CfnSecret.GenerateSecretStringProperty | undefined;
  if (generation === undefined || Token.isUnresolved(generation)) {
    return;
  }
  const length = generation.passwordLength ?? 32; // Secrets Manager's default length
  const problems: string[] = [];
  if (!Token.isUnresolved(length) && (length < 8 || length > 32)) {
    problems.push(`passwordLength ${length}`);
  }
  const punctuationLeft = generation.excludePunctuation !== true
    && [...GENERATED_PUNCTUATION].some((c) => !(generation.excludeCharacters ?? '').includes(c));
  if (punctuationLeft) {
    problems.push('punctuation not excluded');
  }
  if (generation.includeSpace === true) {
    problems.push('includeSpace true');
  }
  if (generation.secretStringTemplate !== undefined && generation.generateStringKey !== 'password') {
    problems.push(`a JSON value with the password under '${generation.generateStringKey}', not 'password'`);
  }
  if (problems.length > 0) {
    refuse(`a secret generated with ${problems.join(', ')}`,
      'Generate it with passwordLength 8 to 32, excludePunctuation true and includeSpace false (a JSON value keeps the password under "password").');
  }
}

/** The punctuation Secrets Manager draws generated passwords from (GetRandomPassword ExcludePunctuation). */
const GENERATED_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
