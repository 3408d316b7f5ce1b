import { CustomResource, Duration, RemovalPolicy, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IDependable } from 'constructs';
import { OnEventFunction } from './handler/on-event-function';
import { IMPORTED_KEY_MATERIAL_RESOURCE_TYPE, ImportedKeyMaterialProperties } from './handler/resource-properties';
import { KeyMaterialExpiration, KeyMaterialExpirationModel } from './imported-key-material-expiration';
import { acceptFindings } from '../../private/accepted-findings';
import { childPath, isResolved, KmiValidationError } from '../../private/errors';
import { MAX_PENDING_WINDOW_DAYS, MIN_PENDING_WINDOW_DAYS, checkAlias } from '../../private/key-props';
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from '../../private/kms-actions';
import { KEY_POLICY_MAX_BYTES, sizeCheckedPolicy } from '../../private/policy-size';
import { checkDays } from '../../private/prop-checks';
import { attachHandlerPolicy, kmiProvider } from '../../private/provider';
import { grantAliasManagement } from '../alias-management';
import { SeparationOfDuties } from '../separation-of-duties';
import { serviceGrantsOnly } from '../service-grants-only';

/** The custom resource type; the posture report and the nag pack read it. */
/** Construct id of the stack's provider for this custom resource. */
const PROVIDER_ID = 'KmiImportedKeyMaterialProvider';

const DEFAULT_PENDING_WINDOW_DAYS = 30;
/** Longest validity of imported material KMS accepts, counted from the import. */
const MAX_VALIDITY_DAYS = 365;

/**
 * Administration of a key with imported material: the actions of every key administrator, without
 * `kms:EnableKeyRotation` (KMS cannot rotate imported material automatically), plus the management
 * of the material: getting import parameters, importing (to restore expired or deleted material) and
 * deleting it (to halt the key's use at once, reversibly, by importing the same material again).
 */
const IMPORTED_KEY_ADMIN_ACTIONS = [
  ...KEY_ADMIN_ACTIONS.filter((action) => action !== 'kms:EnableKeyRotation'),
  'kms:DeleteImportedKeyMaterial',
  'kms:GetParametersForImport',
  'kms:ImportKeyMaterial',
].sort();

/** What the import handler does with the key; each action is limited to the key. */
const HANDLER_KEY_ACTIONS = [
  'kms:GetParametersForImport',
  'kms:ImportKeyMaterial',
  'kms:ListKeyRotations',
  'kms:RotateKeyOnDemand',
];

/**
 * Properties of a `KmsKeyWithImportedMaterial`.
 */
export interface KmsKeyWithImportedMaterialProps {
  /**
   * The secret that holds the key material: its text value is the standard base64 encoding of 32
   * random bytes (256 bits), for example the output of `openssl rand -base64 32` on a machine of
   * your own key management infrastructure.
   *
   * The import handler reads it at deployment time. The handler (one per stack) may read the
   * material secrets of the stack's imported keys and no other secret, and decrypt with a secret's
   * KMS key only through Secrets Manager. The material never enters the template, the handler's
   * responses or its logs.
   *
   * The secret is the copy of the material that AWS holds outside the key: keep it (and your own copy
   * outside AWS). Without the material, a key whose material expired or was deleted cannot be
   * restored, and what it encrypted is lost. Give the secret no rotation: a changed value is refused
   * at the next re-import.
   *
   * To rotate the key to new material, pass a new secret holding the new material: the handler
   * imports it as new material and rotates the key on demand (the key keeps its earlier material
   * to decrypt what it encrypted). Keep the earlier secret too. Rotation needs
   * `KeyMaterialExpiration.never()`.
   */
  readonly keyMaterial: secretsmanager.ISecret;

  /**
   * When the imported material expires.
   *
   * The default differs from KMS's (which expires material unless told otherwise): material that
   * expires makes the key unusable, and everything encrypted under it unreadable, until the same
   * material is imported again, and CloudFormation imports only when the stack is deployed. With
   * `after`, re-import in time by increasing `importGeneration` and deploying, and alarm on
   * `metricSecondsUntilKeyMaterialExpiration`.
   *
   * @default KeyMaterialExpiration.never()
   */
  readonly expiration?: KeyMaterialExpiration;

  /**
   * Increase this number to import the material again at the next deployment: the same material,
   * from the same secret, with the expiration set afresh (for example to renew an expiring import,
   * or after the material was deleted). Any change of value triggers a re-import.
   *
   * @default 0
   */
  readonly importGeneration?: number;

  /**
   * A description of the key.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * An alias for the key, `alias/` followed by letters, digits, `/`, `_` or `-`.
   *
   * @default - no alias
   */
  readonly alias?: string;

  /**
   * Principals that may administer the key (describe, enable and disable, change its policy, tags
   * and aliases, schedule and cancel deletion, import and delete its material, rotate it on demand)
   * and are denied its cryptographic use in the key policy.
   *
   * @default - no admins: the account's IAM policies decide
   */
  readonly admins?: iam.IPrincipal[];

  /**
   * Principals that may use the key for cryptographic operations (Encrypt, Decrypt, ReEncrypt,
   * GenerateDataKey*, DescribeKey) and are denied, in the key policy, every action that changes the
   * key or its material.
   *
   * @default - no users: use is granted later with `grantUse` or the `grant*` methods of `kms.Key`
   */
  readonly users?: iam.IGrantable[];

  /**
   * How long a scheduled deletion of the key waits (7–30 days).
   *
   * @default Duration.days(30)
   */
  readonly pendingWindow?: Duration;

  /**
   * What happens to the key when it leaves the stack. `DESTROY` schedules its deletion (after
   * `pendingWindow`), and with it the deletion of every material imported into it.
   *
   * The imported material itself is never deleted by the stack: a retained key keeps it.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A symmetric AWS KMS key whose key material you generate and keep ("bring your own key"): a key
 * with origin `EXTERNAL`, and the import of its material from a Secrets Manager secret.
 *
 * This is key-management option 1 as far as KMS allows it: you provide the key material and own its
 * durability; KMS holds a copy in its HSMs and performs the cryptography.
 *
 * - The material is imported by a custom resource at deployment: `GetParametersForImport` (an RSA
 *   4096 wrapping key, `RSAES_OAEP_SHA_256`), the material encrypted under that key in the handler,
 *   `ImportKeyMaterial`. It never appears in the template, in responses or in logs.
 * - Material does not expire by default (`expiration`); `importGeneration` re-imports it.
 * - A new secret rotates the key to new material (import as new material, then `RotateKeyOnDemand`).
 *   KMS cannot rotate imported material automatically, so the key has no automatic rotation.
 * - `admins` manage the key and its material and may not use it; `users` use it and may not manage
 *   it. The key is retained when the stack is deleted, by default.
 *
 * Resources that encrypt with the key when they are created need the material first: make them
 * depend on `keyMaterialImported` (or on the whole key construct).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
 *
 * @example
 * declare const materialSecret: secretsmanager.ISecret;
 * declare const adminRole: iam.IRole;
 * declare const appRole: iam.IRole;
 *
 * new KmsKeyWithImportedMaterial(this, 'ByokKey', {
 *   keyMaterial: materialSecret,
 *   alias: 'alias/app-byok',
 *   admins: [adminRole],
 *   users: [appRole],
 * });
 */
export class KmsKeyWithImportedMaterial extends kms.Key {
  /**
   * When the imported material expires.
   */
  public readonly expiration: KeyMaterialExpiration;

  /**
   * The secret that holds the key material.
   */
  public readonly keyMaterial: secretsmanager.ISecret;

  /**
   * The KMS identifier of the key's current material (64 hexadecimal digits).
   *
   * @attribute
   */
  public readonly keyMaterialId: string;

  /**
   * The import of the key material: until it is done, the key is in state `PendingImport` and
   * cannot be used. Depend on it to create resources that encrypt with the key only once it can.
   */
  public readonly keyMaterialImported: IDependable;

  private readonly duties: SeparationOfDuties;
  private readonly aliasName?: string;

  constructor(scope: Construct, id: string, props: KmsKeyWithImportedMaterialProps) {
    const expiration = props.expiration ?? KeyMaterialExpiration.never();
    validateProps(childPath(scope, id), props, expiration);
    super(scope, id, {
      description: props.description,
      alias: props.alias,
      pendingWindow: props.pendingWindow ?? Duration.days(DEFAULT_PENDING_WINDOW_DAYS),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const cfnKey = this.node.defaultChild as kms.CfnKey;
    // Created without material (state PendingImport) for the import below. Automatic rotation stays
    // absent: KMS rejects it for keys with origin EXTERNAL.
    cfnKey.origin = 'EXTERNAL';
    this.expiration = expiration;
    this.keyMaterial = props.keyMaterial;
    this.duties = new SeparationOfDuties(this);
    this.aliasName = props.alias;
    this.addToResourcePolicy(serviceGrantsOnly());
    (this.node.defaultChild as kms.CfnKey).keyPolicy = sizeCheckedPolicy(this, 'key policy', KEY_POLICY_MAX_BYTES, this.policy!);
    acceptFindings(cfnKey, 'imported-material-on-demand-rotation');

    for (const admin of props.admins ?? []) {
      this.grantAdmin(admin);
    }
    for (const user of props.users ?? []) {
      this.grantUse(user);
    }

    const provider = kmiProvider(this, {
      id: PROVIDER_ID,
      resourceType: IMPORTED_KEY_MATERIAL_RESOURCE_TYPE,
      onEvent: OnEventFunction,
      onEventTimeout: Duration.minutes(2),
      noVpcReason: 'The handler calls only the public KMS and Secrets Manager APIs over TLS; the key material it reads leaves '
        + 'the function only encrypted under the KMS wrapping key. A VPC would add NAT or endpoints without protecting anything.',
    });
    const permissions = attachHandlerPolicy(this, 'ImportPolicy', provider, [
      new iam.PolicyStatement({ actions: HANDLER_KEY_ACTIONS, resources: [this.keyArn] }),
    ]);
    const properties: ImportedKeyMaterialProperties = {
      KeyId: this.keyArn,
      SecretId: props.keyMaterial.secretArn,
      ExpirationModel: expiration.expirationModel,
      ...expiration.validity ? { ValidForDays: Tokenization.stringifyNumber(expiration.validity.toDays()) } : {},
      ImportGeneration: Tokenization.stringifyNumber(props.importGeneration ?? 0),
    };
    const resource = new CustomResource(this, 'KeyMaterial', {
      serviceToken: provider.serviceToken,
      resourceType: IMPORTED_KEY_MATERIAL_RESOURCE_TYPE,
      properties: { ...properties },
    });
    resource.node.addDependency(permissions);
    // Read access to this secret (and decryption with its key through Secrets Manager only).
    props.keyMaterial.grantRead(provider.onEventHandler.role!).applyBefore(resource);

    this.keyMaterialId = resource.getAttString('KeyMaterialId');
    this.keyMaterialImported = resource;
  }

  /**
   * Lets a principal administer the key and its material, and denies it the key's cryptographic use.
   *
   * The actions are listed one by one; they leave out `kms:CreateGrant` (a grant delegates use) and
   * the automatic rotation actions, and include importing and deleting key material. An admin that is an
   * IAM principal of the app is also allowed the alias side of alias management (see
   * `KmsKeyWithRotation.grantAdmin`).
   */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    this.duties.addAdmin(grantee.grantPrincipal);
    return this.grant(grantee, ...IMPORTED_KEY_ADMIN_ACTIONS).combine(grantAliasManagement(this, grantee, this.aliasName));
  }

  /**
   * Lets a principal use the key for cryptographic operations (encrypt, decrypt, re-encrypt, generate
   * data keys, describe) and denies it every action that changes the key or its material.
   */
  public grantUse(grantee: iam.IGrantable): iam.Grant {
    this.duties.addUser(grantee.grantPrincipal);
    return this.grant(grantee, ...KEY_USE_ACTIONS);
  }

  /**
   * The time left until the key's imported material expires, in seconds (KMS metric
   * `SecondsUntilKeyMaterialExpiration`, minimum over one hour). KMS publishes it only for material
   * that expires.
   */
  public metricSecondsUntilKeyMaterialExpiration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/KMS',
      metricName: 'SecondsUntilKeyMaterialExpiration',
      dimensionsMap: { KeyId: this.keyId },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.hours(1),
      ...props,
    }).attachTo(this);
  }
}

function validateProps(path: string, props: KmsKeyWithImportedMaterialProps, expiration: KeyMaterialExpiration): void {
  if (expiration.expirationModel === KeyMaterialExpirationModel.KEY_MATERIAL_EXPIRES) {
    checkDays(path, 'expiration', expiration.validity, 1, MAX_VALIDITY_DAYS, {
      given: (days) => `KeyMaterialExpiration.after(${days} days)`,
      allowed: `KeyMaterialExpiration.after() with a whole number of days from 1 to ${MAX_VALIDITY_DAYS}, or KeyMaterialExpiration.never()`,
      fix: `KMS accepts an expiry at most ${MAX_VALIDITY_DAYS} days after the import.`,
    });
  }
  const generation = props.importGeneration;
  if (isResolved(generation) && (!Number.isInteger(generation) || generation! < 0)) {
    throw new KmiValidationError({
      path,
      prop: 'importGeneration',
      given: String(generation),
      allowed: 'a whole number, 0 or more',
      fix: 'Increase it by one to import the material again.',
    });
  }
  checkDays(path, 'pendingWindow', props.pendingWindow, MIN_PENDING_WINDOW_DAYS, MAX_PENDING_WINDOW_DAYS);
  if (isResolved(props.alias)) {
    checkAlias(path, props.alias!);
  }
}

