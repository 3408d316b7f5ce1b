import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { grantAliasManagement } from './alias-management';
import { SeparationOfDuties } from './separation-of-duties';
import { serviceGrantsOnly } from './service-grants-only';
import { childPath, isResolved, KmiValidationError } from '../private/errors';
import { MAX_PENDING_WINDOW_DAYS, MAX_ROTATION_DAYS, MIN_PENDING_WINDOW_DAYS, MIN_ROTATION_DAYS, checkAlias, checkDays } from '../private/key-props';
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from '../private/kms-actions';
import { KEY_POLICY_MAX_BYTES, sizeCheckedPolicy } from '../private/policy-size';

/** Default automatic rotation period (the KMS default). */
const DEFAULT_ROTATION_DAYS = 365;
/** Waiting period before a scheduled deletion completes: the longest KMS allows by default. */
const DEFAULT_PENDING_WINDOW_DAYS = 30;

/**
 * Properties of a `KmsKeyWithRotation`.
 *
 * All of `kms.KeyProps` apply. Where this construct's default differs from the one `kms.KeyProps`
 * documents for a prop, this one holds (the inherited docs cannot be restated per prop: jsii does not
 * let a struct re-declare an inherited member):
 *
 * - `enableKeyRotation`: always `true` (`false` is refused).
 * - `rotationPeriod`: `Duration.days(365)`; a whole number of days from 90 to 2560 (a token is
 *   range-checked by CloudFormation at deploy time).
 * - `pendingWindow`: `Duration.days(30)`; a whole number of days from 7 to 30.
 * - `removalPolicy`: `RemovalPolicy.RETAIN`.
 * - `keySpec` / `keyUsage`: only `SYMMETRIC_DEFAULT` / `ENCRYPT_DECRYPT`.
 * - `admins`: administer the key and are denied its use (not `kms:*`).
 */
export interface KmsKeyWithRotationProps extends kms.KeyProps {
  /**
   * Principals that may use the key for cryptographic operations (Encrypt, Decrypt, ReEncrypt,
   * GenerateDataKey*, DescribeKey) and may not administer it.
   *
   * Each user is also denied, in the key policy, every action that changes the key (PutKeyPolicy,
   * ScheduleKeyDeletion, DisableKey, …), whatever its IAM policies allow. A principal may not be both
   * a user and an admin.
   *
   * @default - no users: use is granted later with `grantUse`, or with the `grant*` methods of
   * `kms.Key` (which do not add the separation-of-duties denies)
   */
  readonly users?: iam.IGrantable[];
}

/**
 * A symmetric AWS KMS customer managed key whose key material rotates automatically, with
 * administrators and users kept apart.
 *
 * - Rotation is always on: every `rotationPeriod` (default 365 days) KMS creates new key material;
 *   earlier material stays available to decrypt what it encrypted.
 * - `admins` may manage the key (describe, enable and disable, change its policy, tags and aliases,
 *   schedule and cancel deletion) and are denied its cryptographic use in the key policy.
 * - `users` may encrypt, decrypt, re-encrypt and generate data keys, and are denied management.
 * - Deletion of the stack retains the key by default; a scheduled deletion waits 30 days.
 *
 * This is key-management option 3 (AWS provides the method and the KMI, you control the key).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 *
 * @example
 * declare const adminRole: iam.IRole;
 * declare const appRole: iam.IRole;
 *
 * new KmsKeyWithRotation(this, 'DataKey', {
 *   alias: 'alias/app-data',
 *   admins: [adminRole],
 *   users: [appRole],
 * });
 */
export class KmsKeyWithRotation extends kms.Key {
  /**
   * How often KMS rotates the key material.
   */
  public readonly rotationPeriod: Duration;

  private readonly duties: SeparationOfDuties;
  private readonly aliasName?: string;

  constructor(scope: Construct, id: string, props: KmsKeyWithRotationProps = {}) {
    validateProps(childPath(scope, id), props);
    const rotationPeriod = props.rotationPeriod ?? Duration.days(DEFAULT_ROTATION_DAYS);
    const pendingWindow = props.pendingWindow ?? Duration.days(DEFAULT_PENDING_WINDOW_DAYS);
    super(scope, id, {
      ...props,
      // Administrators are granted below with a narrower action list than kms.Key's.
      admins: undefined,
      enableKeyRotation: true,
      // kms.Key range-checks these as numbers, which a token is not: a token goes straight to the
      // template, where CloudFormation checks its range at deploy time (RotationPeriodInDays 90–2560,
      // PendingWindowInDays 7–30, AWS::KMS::Key resource schema).
      rotationPeriod: rotationPeriod.isUnresolved() ? undefined : rotationPeriod,
      pendingWindow: pendingWindow.isUnresolved() ? undefined : pendingWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const cfnKey = this.node.defaultChild as kms.CfnKey;
    if (rotationPeriod.isUnresolved()) {
      cfnKey.rotationPeriodInDays = rotationPeriod.toDays();
    }
    if (pendingWindow.isUnresolved()) {
      cfnKey.pendingWindowInDays = pendingWindow.toDays();
    }
    this.rotationPeriod = rotationPeriod;
    this.aliasName = props.alias;
    this.duties = new SeparationOfDuties(this);
    this.addToResourcePolicy(serviceGrantsOnly());
    cfnKey.keyPolicy = sizeCheckedPolicy(this, 'key policy', KEY_POLICY_MAX_BYTES, this.policy!);

    for (const admin of props.admins ?? []) {
      this.grantAdmin(admin);
    }
    for (const user of props.users ?? []) {
      this.grantUse(user);
    }
  }

  /**
   * Lets a principal administer the key and denies it the key's cryptographic use.
   *
   * Unlike `kms.Key.grantAdmin`, the actions are listed one by one and leave out `kms:CreateGrant`
   * (a grant delegates use) and `kms:DisableKeyRotation`. An admin that is an IAM principal of the app
   * is also allowed, in its identity policy, the alias side of `CreateAlias`, `UpdateAlias` and
   * `DeleteAlias` (on the key's alias, or on `alias/*` for a key without one), which KMS authorizes
   * against the alias as well as the key.
   */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    this.duties.addAdmin(grantee.grantPrincipal);
    return this.grant(grantee, ...KEY_ADMIN_ACTIONS).combine(grantAliasManagement(this, grantee, this.aliasName));
  }

  /**
   * Lets a principal use the key for cryptographic operations (encrypt, decrypt, re-encrypt, generate
   * data keys, describe) and denies it every action that changes the key.
   */
  public grantUse(grantee: iam.IGrantable): iam.Grant {
    this.duties.addUser(grantee.grantPrincipal);
    return this.grant(grantee, ...KEY_USE_ACTIONS);
  }
}

function validateProps(path: string, props: KmsKeyWithRotationProps): void {
  if (props.enableKeyRotation === false) {
    throw new KmiValidationError({
      path,
      prop: 'enableKeyRotation',
      given: 'false',
      allowed: 'true or unset (rotation is always on)',
      fix: 'Use kms.Key for a key that must not rotate.',
    });
  }
  if (props.keySpec !== undefined && props.keySpec !== kms.KeySpec.SYMMETRIC_DEFAULT) {
    throw new KmiValidationError({
      path,
      prop: 'keySpec',
      given: props.keySpec,
      allowed: 'SYMMETRIC_DEFAULT',
      fix: 'KMS rotates only symmetric encryption keys; asymmetric and HMAC keys cannot rotate. Use kms.Key for them and rotate by creating a new key and moving its alias.',
    });
  }
  if (props.keyUsage !== undefined && props.keyUsage !== kms.KeyUsage.ENCRYPT_DECRYPT) {
    throw new KmiValidationError({
      path,
      prop: 'keyUsage',
      given: props.keyUsage,
      allowed: 'ENCRYPT_DECRYPT',
      fix: 'Only symmetric encryption keys rotate automatically; use kms.Key for signing, MAC or key agreement keys.',
    });
  }
  checkDays(path, 'rotationPeriod', props.rotationPeriod, MIN_ROTATION_DAYS, MAX_ROTATION_DAYS);
  checkDays(path, 'pendingWindow', props.pendingWindow, MIN_PENDING_WINDOW_DAYS, MAX_PENDING_WINDOW_DAYS);
  if (isResolved(props.alias)) {
    checkAlias(path, props.alias!);
  }
}


