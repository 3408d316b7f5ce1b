import { Arn, ArnFormat, CustomResource, Duration, ITaggable, Lazy, Names, RemovalPolicy, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CustomKeyStoreKeyAttributes, CustomKeyStoreKeyBase, ICustomKeyStoreKey } from './custom-key-store-key-base';
import { CustomKeyStoreKeyRotation } from './custom-key-store-key-rotation';
import { RotationSchedule } from './custom-key-store-key-rotation-schedule';
import { KMI_TAG_PREFIX, TAG_KEY_FAMILY } from './custom-key-store-key-tags';
import { kmsWildcardArn, nagResourceFinding } from './custom-key-store-key-wildcards';
import { OnEventFunction } from './handler/on-event-function';
import { CUSTOM_KEY_STORE_KEY_RESOURCE_TYPE, CustomKeyStoreKeyProperties } from './handler/resource-properties';
import { grantAliasManagement } from '../../kms/alias-management';
import { SeparationOfDuties } from '../../kms/separation-of-duties';
import { serviceGrantsOnly } from '../../kms/service-grants-only';
import { childPath, isResolved, KmiValidationError } from '../../private/errors';
import { removalPolicyValue } from '../../private/handler-kit/removal-policy';
import { MAX_PENDING_WINDOW_DAYS, MAX_ROTATION_DAYS, MIN_PENDING_WINDOW_DAYS, MIN_ROTATION_DAYS, checkAlias } from '../../private/key-props';
import { KEY_POLICY_MAX_BYTES, sizeCheckedPolicy } from '../../private/policy-size';
import { checkDays } from '../../private/prop-checks';
import { attachHandlerPolicy, kmiProvider } from '../../private/provider';
import { CustomKeyStoreType, ICustomKeyStore } from '../custom-key-store-ref';

/** The custom resource type (read by the posture report and the nag pack). */
const PROVIDER_ID = 'KmiCustomKeyStoreKeyProvider';

const DEFAULT_PENDING_WINDOW_DAYS = 30;
const XKS_KEY_ID_PATTERN = /^[a-zA-Z0-9-_.]+$/;
const MAX_XKS_KEY_ID_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 8192;

/** Cryptographic actions of `grantEncrypt` / `grantDecrypt`, as aws-cdk-lib's `kms.Key` grants them. */

/** What the custom resource handler does to the keys (through the key policy, which names its role). */
const LIFECYCLE_ACTIONS = [
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * What the rotation function does to the keys. `kms:PutKeyPolicy` is there because CreateKey's policy
 * lockout safety check requires that the creator of a key may change the policy it gives the key.
 */
const ROTATION_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:TagResource',
  'kms:UpdateAlias',
];

/**
 * Properties of a `CustomKeyStoreKey`.
 */
export interface CustomKeyStoreKeyProps {
  /**
   * The custom key store that holds the key material: a CloudHSM key store (key-management option 2)
   * or an external key store (option 1). It must be CONNECTED when the key is created.
   *
   * Changing it replaces the key (a new key in the new store; the old one is retained or scheduled
   * for deletion according to `removalPolicy`).
   */
  readonly customKeyStore: ICustomKeyStore;

  /**
   * The id of the key in the external key manager that serves as this key's material: 1–128
   * letters, digits, `-`, `_` or `.`. Required for a key in an external key store, refused for a
   * CloudHSM key store. It must name an enabled 256-bit AES key that no other KMS key uses.
   *
   * Changing it replaces the key (see `customKeyStore`): the way to rotate a key in an external key
   * store is to give it a new external key, with `removalPolicy` RETAIN so that the previous KMS key
   * stays to decrypt what it encrypted.
   *
   * @default - none (CloudHSM key stores)
   */
  readonly xksKeyId?: string;

  /**
   * The alias of the key: `alias/` followed by letters, digits, `/`, `_` or `-`, not `alias/aws/…`.
   *
   * The alias names the current generation: with scheduled rotation it moves to each successor.
   * Applications that encrypt should name the key by this alias (or use `byAlias`).
   *
   * @default - `alias/cdk-kmi/<unique name from the construct path>`
   */
  readonly alias?: string;

  /**
   * A description of the key.
   *
   * @default - "Key in custom key store <store id> (<construct path>)"
   */
  readonly description?: string;

  /**
   * Principals that may administer the key (describe, enable and disable, change its policy, tags and
   * aliases, schedule and cancel deletion) and are denied its cryptographic use in the key policy.
   *
   * @default - no administrators besides those of the account's IAM policies
   */
  readonly admins?: iam.IGrantable[];

  /**
   * Principals that may use the key for cryptographic operations (Encrypt, Decrypt, ReEncrypt,
   * GenerateDataKey*, DescribeKey) and are denied every action that changes the key, in the key
   * policy. A principal may not be both a user and an admin.
   *
   * @default - no users: grant use later with `grantUse` or the `grant*` methods
   */
  readonly users?: iam.IGrantable[];

  /**
   * How the key rotates.
   *
   * KMS cannot rotate keys in custom key stores. The default for a CloudHSM key store is scheduled
   * rotation every 365 days (a successor key, the alias moved to it, predecessors kept enabled for
   * decryption), because a key that never changes protects ever more data over an unlimited
   * cryptoperiod. An external key store's keys cannot rotate this way (each generation needs a new
   * external key, which only the external key manager can create): they default to, and accept
   * only, `CustomKeyStoreKeyRotation.none()`.
   *
   * @default - `CustomKeyStoreKeyRotation.scheduled(Duration.days(365))` in a CloudHSM key store,
   * `CustomKeyStoreKeyRotation.none()` in an external key store
   */
  readonly rotation?: CustomKeyStoreKeyRotation;

  /**
   * How long KMS waits before it deletes the key after its deletion is scheduled: 7 to 30 days.
   *
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;

  /**
   * What happens to the key (all its generations) when it leaves the stack or is replaced.
   *
   * - `RETAIN`: the keys stay, enabled, with their alias.
   * - `DESTROY`: the alias is deleted and every generation is scheduled for deletion after
   *   `pendingWindow`. Data encrypted under them becomes unreadable once they are deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A symmetric KMS key whose key material lives in a custom key store: a CloudHSM cluster you own
 * (option 2, Origin `AWS_CLOUDHSM`) or a key manager outside AWS behind an external key store proxy
 * (option 1, Origin `EXTERNAL_KEY_STORE`). CloudFormation cannot create such keys; a custom resource
 * does (CreateKey with `CustomKeyStoreId`).
 *
 * It is a `kms.IKey`, so `EncryptedBucket`, `EncryptedVolume`, `RedshiftEncryptedCluster`,
 * `EmrSecurityConfiguration` and aws-cdk-lib constructs take it as their key.
 *
 * - The key policy is written here and kept in sync on every deployment: it delegates to the
 *   account's IAM policies, lets the custom resource (and the rotation) manage the key, keeps
 *   `admins` and `users` apart, and holds what `addToResourcePolicy` and the grants add to it.
 * - Rotation: KMS rotates keys in custom key stores neither automatically nor on demand. By default
 *   a key in a CloudHSM key store rotates on a schedule: every 365 days a successor key is created in
 *   the same store with the same policy, description and tags, and the alias moves to it. Earlier
 *   generations stay enabled for decryption. `keyArn` stays the first generation's ARN: resources
 *   configured with it (an EBS volume, a Redshift cluster) keep using that key; services that
 *   resolve an alias at each request (S3 default encryption given `byAlias`, applications calling
 *   KMS by alias) use the newest generation.
 * - Grants cover every generation: IAM statements on `arn:…:key/*` limited to keys tagged with
 *   this key's family (`cdk-kmi:key-family`), a tag the key policy lets only the library change.
 * - The key is retained when it leaves the stack (RETAIN); with DESTROY, deletion waits 30 days.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/create-cmk-keystore.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/create-xks-keys.html
 *
 * @example
 * declare const store: ICustomKeyStore;
 * declare const appRole: iam.IRole;
 *
 * const key = new CustomKeyStoreKey(this, 'HsmKey', {
 *   customKeyStore: store,
 *   alias: 'alias/app-data',
 *   users: [appRole],
 * });
 * new EncryptedBucket(this, 'Data', { encryptionKey: key.byAlias });
 */
export class CustomKeyStoreKey extends CustomKeyStoreKeyBase implements ITaggable {
  /**
   * A key in a custom key store made elsewhere, by its ARN and key family. Its grants, like those of
   * a key made here, cover every generation (IAM statements conditioned on the key family tag); its
   * key policy is not this app's, so grants to principals without IAM policies add nothing.
   */
  public static fromCustomKeyStoreKeyAttributes(scope: Construct, id: string, attrs: CustomKeyStoreKeyAttributes): ICustomKeyStoreKey {
    if (isResolved(attrs.keyArn) && !/^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key\/[a-zA-Z0-9-]+$/.test(attrs.keyArn)) {
      throw new KmiValidationError({
        path: childPath(scope, id),
        prop: 'keyArn',
        given: `'${attrs.keyArn}'`,
        allowed: 'a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>',
      });
    }
    class Import extends CustomKeyStoreKeyBase {
      public readonly keyArn = attrs.keyArn;
      public readonly keyId = Arn.split(attrs.keyArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      public readonly keyFamily = attrs.keyFamily;
    }
    return new Import(scope, id);
  }

  /**
   * The ARN of the key's first generation.
   *
   * @attribute
   */
  public readonly keyArn: string;

  /**
   * The id of the key's first generation (the custom resource's physical id).
   *
   * @attribute
   */
  public readonly keyId: string;

  /**
   * The alias that names the key's current generation.
   */
  public readonly aliasName: string;

  /**
   * The ARN of the alias.
   */
  public readonly aliasArn: string;

  /**
   * The key addressed by its alias: `keyArn` is the alias ARN and `keyId` the alias name, and its
   * grants are this key's grants (every generation). Give it to services that resolve an alias at
   * each request, such as S3 default encryption, so that they use the newest generation after each
   * rotation. Services that store the key they were given (EBS, Redshift) resolve it once.
   */
  public readonly byAlias: kms.IKey;

  /**
   * The custom key store that holds the key material.
   */
  public readonly customKeyStore: ICustomKeyStore;

  /**
   * The value of the `cdk-kmi:key-family` tag that every generation of the key carries; IAM grants
   * on the key are conditioned on it.
   */
  public readonly keyFamily: string;

  /**
   * How long a generation stays current; undefined when the key does not rotate.
   */
  public readonly rotationPeriod?: Duration;

  /**
   * Tags applied to every generation of the key.
   */
  public readonly tags: TagManager;

  private readonly policy: iam.PolicyDocument;
  private readonly duties: SeparationOfDuties;
  private readonly rotationSchedule?: RotationSchedule;

  constructor(scope: Construct, id: string, props: CustomKeyStoreKeyProps) {
    const path = childPath(scope, id);
    const rotation = validateProps(path, props);
    super(scope, id);
    const stack = Stack.of(this);
    const isXks = props.customKeyStore.customKeyStoreType === CustomKeyStoreType.EXTERNAL_KEY_STORE;

    this.customKeyStore = props.customKeyStore;
    this.rotationPeriod = rotation.period;
    this.tags = new TagManager(TagType.KEY_VALUE, CUSTOM_KEY_STORE_KEY_RESOURCE_TYPE);
    this.aliasName = props.alias ?? defaultAlias(this);
    this.aliasArn = stack.formatArn({ service: 'kms', resource: this.aliasName });
    this.keyFamily = Token.isUnresolved(stack.stackName) ? this.node.addr : `${stack.stackName}/${this.node.addr}`;

    const provider = kmiProvider(this, {
      id: PROVIDER_ID,
      resourceType: CUSTOM_KEY_STORE_KEY_RESOURCE_TYPE,
      onEvent: OnEventFunction,
      onEventTimeout: Duration.minutes(5),
      noVpcReason: 'The handler calls only the public KMS API and handles key ids, policies and tags, never data or key material; '
        + 'a VPC would add NAT or endpoints without protecting anything.',
    });
    const handlerRole = provider.onEventHandler.role!;

    this.rotationSchedule = rotation.period
      ? new RotationSchedule(this, 'Rotation', { aliasName: this.aliasName, keyFamily: this.keyFamily, period: rotation.period })
      : undefined;
    this.policy = keyPolicy(handlerRole, this.rotationSchedule);
    this.duties = new SeparationOfDuties(this);

    const permissions = this.attachHandlerPermissions(provider, isXks);

    const resource = this.createResource(provider, props, rotation, isXks);
    resource.node.addDependency(permissions);
    // The first run needs the key and its alias.
    this.rotationSchedule?.schedule.node.addDependency(resource);
    this.keyArn = resource.getAttString('KeyArn');
    this.keyId = resource.ref;
    this.byAlias = new AliasedKey(this, 'ByAlias', this, this.policy, this.duties);

    this.node.addValidation({ validate: () => this.policy.validateForResourcePolicy() });

    for (const admin of props.admins ?? []) {
      this.grantAdmin(admin);
    }
    for (const user of props.users ?? []) {
      this.grantUse(user);
    }
  }

  /**
   * Adds an alias (an `AWS::KMS::Alias`) that names the key's first generation.
   *
   * Refused for a key with scheduled rotation: CloudFormation would move such an alias back to the
   * first generation on every deployment. Use the `alias` prop, which follows the rotation.
   */
  /**
   * Lets a principal administer the key (and manage its alias, which KMS authorizes against the
   * alias as well as the key) and denies it the key's cryptographic use.
   */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    return super.grantAdmin(grantee).combine(grantAliasManagement(this, grantee, this.aliasName));
  }

  public addAlias(aliasName: string): kms.Alias {
    if (this.rotationPeriod) {
      throw new KmiValidationError({
        path: this.node.path,
        prop: 'addAlias()',
        given: `'${aliasName}' on a key with scheduled rotation`,
        allowed: 'addAlias() only on keys with CustomKeyStoreKeyRotation.none()',
        fix: 'An alias added here would keep naming the first generation. Name the key by its alias prop (it moves to each successor).',
      });
    }
    return super.addAlias(aliasName);
  }

  /**
   * Failed runs of the scheduled rotation (the rotation function's Errors). Alarm on it: a key whose
   * rotation fails keeps its current generation.
   */
  public metricRotationErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.rotationSchedule) {
      throw new KmiValidationError({
        path: this.node.path,
        prop: 'metricRotationErrors()',
        given: 'a key with CustomKeyStoreKeyRotation.none()',
        allowed: 'keys with scheduled rotation',
        fix: 'The key has no rotation to report on.',
      });
    }
    return this.rotationSchedule.metricErrors(props);
  }

  /** The handler's permissions for this key, in a policy of their own. */
  private attachHandlerPermissions(provider: cr.Provider, isXks: boolean): iam.Policy {
    const stack = Stack.of(this);
    return attachHandlerPolicy(this, 'HandlerPolicy', provider, [
      new iam.PolicyStatement({ actions: ['kms:DescribeCustomKeyStores'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['kms:CreateKey'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:KeyOrigin': isXks ? 'EXTERNAL_KEY_STORE' : 'AWS_CLOUDHSM',
            'kms:KeySpec': 'SYMMETRIC_DEFAULT',
            'kms:KeyUsage': 'ENCRYPT_DECRYPT',
            [`aws:RequestTag/${TAG_KEY_FAMILY}`]: this.keyFamily,
          },
          Bool: { 'kms:MultiRegion': 'false' },
        },
      }),
      // Tags given to CreateKey need kms:TagResource in an IAM policy covering all keys of the account and Region.
      new iam.PolicyStatement({
        actions: ['kms:TagResource'],
        resources: [this.familyKeyArns()],
        conditions: { StringEquals: { [`aws:RequestTag/${TAG_KEY_FAMILY}`]: this.keyFamily } },
      }),
      // The alias side of alias operations; the key side is in the key policy, so only this stack's keys qualify.
      new iam.PolicyStatement({
        actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
        resources: [kmsWildcardArn(stack, 'alias/*')],
      }),
    ], {
      'Resource::*': 'kms:CreateKey and kms:DescribeCustomKeyStores have no resource-level permissions; CreateKey is limited by '
        + 'conditions to symmetric single-Region keys of this store type tagged with this key\'s family.',
      [nagResourceFinding(stack, this.familyKeyArns())]: 'Tags given to CreateKey need kms:TagResource on all keys of the '
        + 'account and Region (the key does not exist yet); the statement allows only requests that tag the key with this key\'s family.',
      [nagResourceFinding(stack, kmsWildcardArn(stack, 'alias/*'))]:
        'An alias operation needs permission on the alias and on its key; the key side is granted only in this stack\'s key policies, '
        + 'so the handler can only name, rename or delete aliases of its own keys (an alias rename needs the old and the new name).',
    });
  }

  /** The custom resource that creates the key in the store. */
  private createResource(provider: cr.Provider, props: CustomKeyStoreKeyProps, rotation: CustomKeyStoreKeyRotation, isXks: boolean): CustomResource {
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const pendingWindow = props.pendingWindow ?? Duration.days(DEFAULT_PENDING_WINDOW_DAYS);
    const properties: CustomKeyStoreKeyProperties = {
      CustomKeyStoreId: props.customKeyStore.customKeyStoreId,
      CustomKeyStoreType: props.customKeyStore.customKeyStoreType,
      XksKeyId: isXks ? props.xksKeyId : undefined,
      AliasName: this.aliasName,
      Description: props.description ?? `Key in custom key store ${props.customKeyStore.customKeyStoreId} (${this.node.path})`,
      Policy: sizeCheckedPolicy(this, 'key policy', KEY_POLICY_MAX_BYTES, this.policy),
      KeyFamily: this.keyFamily,
      PendingWindowInDays: String(pendingWindow.toDays()),
      RemovalPolicy: removalPolicyValue(removalPolicy === RemovalPolicy.DESTROY),
      Tags: Lazy.any({ produce: () => this.tags.renderTags() }) as unknown as CustomKeyStoreKeyProperties['Tags'],
      RotationPeriodInDays: rotation.period ? String(rotation.period.toDays()) : undefined,
    };
    return new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: CUSTOM_KEY_STORE_KEY_RESOURCE_TYPE,
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      properties: { ...properties },
    });
  }

  protected keyPolicy(): iam.PolicyDocument {
    return this.policy;
  }

  protected separateAdmin(principal: iam.IPrincipal): void {
    this.duties.addAdmin(principal);
  }

  protected separateUser(principal: iam.IPrincipal): void {
    this.duties.addUser(principal);
  }
}

/**
 * The key seen through its alias (see `CustomKeyStoreKey.byAlias`): the same key policy, separation
 * of duties and grants, named by the alias.
 */
class AliasedKey extends CustomKeyStoreKeyBase {
  public readonly keyArn: string;
  public readonly keyId: string;
  public readonly keyFamily: string;

  constructor(scope: Construct, id: string, private readonly key: CustomKeyStoreKey,
    private readonly policy: iam.PolicyDocument, private readonly duties: SeparationOfDuties) {
    super(scope, id);
    this.keyArn = key.aliasArn;
    this.keyId = key.aliasName;
    this.keyFamily = key.keyFamily;
  }

  public addAlias(alias: string): kms.Alias {
    return this.key.addAlias(alias);
  }

  protected keyPolicy(): iam.PolicyDocument {
    return this.policy;
  }

  protected familyKeyArns(): string {
    return kmsWildcardArn(Stack.of(this.key), 'key/*');
  }

  protected separateAdmin(principal: iam.IPrincipal): void {
    this.duties.addAdmin(principal);
  }

  protected separateUser(principal: iam.IPrincipal): void {
    this.duties.addUser(principal);
  }

  protected refusalPath(): string {
    return this.key.node.path;
  }
}

/** The key policy of every generation: the account's IAM policies decide, the handler and the rotation manage the key, and only they may change its bookkeeping tags. */
function keyPolicy(handlerRole: iam.IRole, rotationSchedule: RotationSchedule | undefined): iam.PolicyDocument {
  const policy = new iam.PolicyDocument({
    statements: [
      // As KMS's default key policy: IAM policies of the account decide, so the account is never locked out.
      new iam.PolicyStatement({ sid: 'EnableIamPolicies', actions: ['kms:*'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] }),
      new iam.PolicyStatement({ sid: 'KmiKeyLifecycle', actions: LIFECYCLE_ACTIONS, resources: ['*'], principals: [handlerRole] }),
    ],
  });
  if (rotationSchedule) {
    policy.addStatements(new iam.PolicyStatement({
      sid: 'KmiScheduledRotation', actions: ROTATION_ACTIONS, resources: ['*'], principals: [rotationSchedule.role],
    }));
  }
  policy.addStatements(new iam.PolicyStatement({
    sid: 'ProtectKmiBookkeepingTags',
    effect: iam.Effect.DENY,
    actions: ['kms:TagResource', 'kms:UntagResource'],
    resources: ['*'],
    principals: [new iam.AnyPrincipal()],
    conditions: {
      'ForAnyValue:StringLike': { 'aws:TagKeys': `${KMI_TAG_PREFIX}*` },
      'ArnNotEquals': { 'aws:PrincipalArn': [handlerRole.roleArn, ...rotationSchedule ? [rotationSchedule.role.roleArn] : []] },
    },
  }));
  // CT.KMS.PR.3: grants only for AWS resources or to AWS service principals.
  policy.addStatements(serviceGrantsOnly());
  return policy;
}

/** `alias/cdk-kmi/<stack>-<path>-<hash>`, unique in the account and Region as the stack name is. */
function defaultAlias(key: Construct): string {
  return `alias/cdk-kmi/${Names.uniqueResourceName(key, { maxLength: 200, separator: '-', allowedSpecialCharacters: '-_' })}`;
}

/** Validates the props and returns the rotation the key will have. */
function validateProps(path: string, props: CustomKeyStoreKeyProps): CustomKeyStoreKeyRotation {
  const isXks = props.customKeyStore.customKeyStoreType === CustomKeyStoreType.EXTERNAL_KEY_STORE;
  if (isXks && props.xksKeyId === undefined) {
    throw new KmiValidationError({
      path,
      prop: 'xksKeyId',
      given: 'nothing, for a key in an external key store',
      allowed: 'the id of an enabled 256-bit AES key in the external key manager (1-128 letters, digits, -, _ or .)',
      fix: 'A KMS key in an external key store uses an external key as its key material: create one in the external key manager and pass its id.',
    });
  }
  if (!isXks && props.xksKeyId !== undefined) {
    throw new KmiValidationError({
      path,
      prop: 'xksKeyId',
      given: `'${props.xksKeyId}' for a key in a ${props.customKeyStore.customKeyStoreType} key store`,
      allowed: 'no xksKeyId (KMS creates the key material in the CloudHSM cluster)',
      fix: 'Remove xksKeyId, or use an external key store.',
    });
  }
  if (isResolved(props.xksKeyId)) {
    const id = props.xksKeyId!;
    if (id.length < 1 || id.length > MAX_XKS_KEY_ID_LENGTH || !XKS_KEY_ID_PATTERN.test(id)) {
      throw new KmiValidationError({
        path,
        prop: 'xksKeyId',
        given: `'${id}' (${id.length} characters)`,
        allowed: `1-${MAX_XKS_KEY_ID_LENGTH} letters, digits, '-', '_' or '.'`,
      });
    }
  }
  if (isResolved(props.alias)) {
    checkAlias(path, props.alias!);
  }
  if (isResolved(props.description) && props.description!.length > MAX_DESCRIPTION_LENGTH) {
    throw new KmiValidationError({
      path,
      prop: 'description',
      given: `${props.description!.length} characters`,
      allowed: `at most ${MAX_DESCRIPTION_LENGTH} characters`,
    });
  }
  checkDays(path, 'pendingWindow', props.pendingWindow, MIN_PENDING_WINDOW_DAYS, MAX_PENDING_WINDOW_DAYS);
  const removal = props.removalPolicy;
  if (removal !== undefined && removal !== RemovalPolicy.RETAIN && removal !== RemovalPolicy.DESTROY) {
    throw new KmiValidationError({
      path,
      prop: 'removalPolicy',
      given: removal,
      allowed: 'RETAIN or DESTROY',
      fix: 'A KMS key has no snapshot: RETAIN keeps it, DESTROY schedules its deletion after the pending window.',
    });
  }

  const rotation = props.rotation ?? (isXks ? CustomKeyStoreKeyRotation.none() : CustomKeyStoreKeyRotation.scheduled());
  if (rotation.period && isXks) {
    throw new KmiValidationError({
      path,
      prop: 'rotation',
      given: `scheduled every ${rotation.period.toDays({ integral: false })} days for a key in an external key store`,
      allowed: 'CustomKeyStoreKeyRotation.none() (or unset) in an external key store',
      fix: 'Each generation would need a new external key, which only the external key manager can create. Rotate by giving the key '
        + 'a new xksKeyId (a new KMS key; keep removalPolicy RETAIN so the old one still decrypts), or rotate the external key in the key manager.',
    });
  }
  checkDays(path, 'rotation', rotation.period, MIN_ROTATION_DAYS, MAX_ROTATION_DAYS);
  return rotation;
}


