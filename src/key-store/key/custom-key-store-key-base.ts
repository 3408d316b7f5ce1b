import { Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { aws_kms as kmsRefs } from 'aws-cdk-lib/interfaces';
import { Construct } from 'constructs';
import { TAG_KEY_FAMILY } from './custom-key-store-key-tags';
import { kmsWildcardArn, nagResourceFinding } from './custom-key-store-key-wildcards';
import { KmiValidationError } from '../../private/errors';
import { KEY_ADMIN_ACTIONS, KEY_USE_ACTIONS } from '../../private/kms-actions';

/** Encryption: the actions aws-cdk-lib's `kms.Key.grantEncrypt` grants. */
const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
const DECRYPT_ACTIONS = ['kms:Decrypt'];

/**
 * A KMS key in a custom key store (AWS CloudHSM or external), made by `CustomKeyStoreKey` here or
 * imported with `CustomKeyStoreKey.fromCustomKeyStoreKeyAttributes`. Its grants cover every
 * generation of the key (scheduled rotation makes successor keys), found by the key family tag.
 */
export interface ICustomKeyStoreKey extends kms.IKey {
  /**
   * The value of the `cdk-kmi:key-family` tag that every generation of the key carries; IAM grants
   * on the key are conditioned on it.
   *
   * @attribute
   */
  readonly keyFamily: string;

  /**
   * Lets a principal administer the key (manage, never use).
   */
  grantAdmin(grantee: iam.IGrantable): iam.Grant;

  /**
   * Lets a principal use the key for cryptographic operations (use, never manage).
   */
  grantUse(grantee: iam.IGrantable): iam.Grant;
}

/**
 * A key in a custom key store made elsewhere (another stack, or by hand with the
 * `cdk-kmi:key-family` tag on every generation).
 */
export interface CustomKeyStoreKeyAttributes {
  /**
   * The ARN of the key (its first generation).
   */
  readonly keyArn: string;

  /**
   * The value of the `cdk-kmi:key-family` tag of every generation of the key (the `keyFamily` of the
   * `CustomKeyStoreKey` that made it).
   */
  readonly keyFamily: string;
}

/**
 * What every key in a custom key store has: its grants, held here once. A grant covers every
 * generation of the key: an IAM statement on the account's keys tagged with the key family, or, for
 * a principal without IAM policies of its own, a statement in the key policy, when the key has one
 * this app manages. Signing and MAC grants are refused: these keys are symmetric encryption keys.
 */
export abstract class CustomKeyStoreKeyBase extends Resource implements ICustomKeyStoreKey {
  /** The ARN of the key (its first generation). */
  public abstract readonly keyArn: string;
  /** The id of the key (its first generation). */
  public abstract readonly keyId: string;
  /** The value of the key family tag of every generation. */
  public abstract readonly keyFamily: string;

  /** A reference to the key. */
  public get keyRef(): kmsRefs.KeyReference {
    return { keyArn: this.keyArn, keyId: this.keyId };
  }

  /**
   * Adds a statement to the key policy of every generation, when this app manages it; otherwise
   * nothing is added (`statementAdded: false`).
   */
  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    void allowNoOp; // a key without a managed policy never adds a statement; one with a policy always does
    const policy = this.keyPolicy();
    if (!policy) {
      return { statementAdded: false };
    }
    policy.addStatements(statement);
    return { statementAdded: true, policyDependable: policy };
  }

  /**
   * Adds an alias (an `AWS::KMS::Alias`) that names the key's first generation.
   */
  public addAlias(aliasName: string): kms.Alias {
    const id = this.node.tryFindChild('Alias') ? `Alias${aliasName}` : 'Alias';
    return new kms.Alias(this, id, { aliasName, targetKey: this });
  }

  /**
   * Grants actions on every generation of the key: an IAM statement on the account's keys tagged
   * with this key's family, or, for a principal without IAM policies of its own (an account, a
   * service), a statement in the key policy, which every generation has.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    const familyKeyArns = this.familyKeyArns();
    const grant = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions,
      resource: this,
      resourceArns: [familyKeyArns],
      resourceSelfArns: ['*'],
      conditions: { StringEquals: { [`aws:ResourceTag/${TAG_KEY_FAMILY}`]: this.keyFamily } },
    });
    if (grant.principalStatements.length > 0) {
      this.acknowledgeFamilyWildcard(grantee, familyKeyArns);
    }
    return grant;
  }

  /**
   * Lets a principal administer the key and, where the key policy is this app's, denies it the key's
   * cryptographic use.
   */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant {
    this.separateAdmin(grantee.grantPrincipal);
    return this.grant(grantee, ...KEY_ADMIN_ACTIONS);
  }

  /**
   * Lets a principal use the key for cryptographic operations (encrypt, decrypt, re-encrypt, generate
   * data keys, describe) and, where the key policy is this app's, denies it every action that
   * changes the key.
   */
  public grantUse(grantee: iam.IGrantable): iam.Grant {
    this.separateUser(grantee.grantPrincipal);
    return this.grant(grantee, ...KEY_USE_ACTIONS);
  }

  /** Grants decryption with every generation of the key. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS);
  }

  /** Grants encryption with every generation of the key. */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...ENCRYPT_ACTIONS);
  }

  /** Grants encryption and decryption with every generation of the key. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS, ...ENCRYPT_ACTIONS);
  }

  /** Refused: keys in custom key stores are symmetric encryption keys; they cannot sign. */
  public grantSign(grantee: iam.IGrantable): iam.Grant {
    throw this.notEncryption('grantSign()', grantee);
  }

  /** Refused: keys in custom key stores are symmetric encryption keys; they cannot verify signatures. */
  public grantVerify(grantee: iam.IGrantable): iam.Grant {
    throw this.notEncryption('grantVerify()', grantee);
  }

  /** Refused: keys in custom key stores are symmetric encryption keys; they cannot sign or verify. */
  public grantSignVerify(grantee: iam.IGrantable): iam.Grant {
    throw this.notEncryption('grantSignVerify()', grantee);
  }

  /** Refused: keys in custom key stores are symmetric encryption keys; they cannot generate MACs. */
  public grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    throw this.notEncryption('grantGenerateMac()', grantee);
  }

  /** Refused: keys in custom key stores are symmetric encryption keys; they cannot verify MACs. */
  public grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    throw this.notEncryption('grantVerifyMac()', grantee);
  }

  /** The key policy of every generation, when this app manages it. */
  protected keyPolicy(): iam.PolicyDocument | undefined {
    return undefined;
  }

  /** The ARNs a grant's IAM statement names: every key of the key's account and Region (`arn:…:key/*`). */
  protected familyKeyArns(): string {
    const arn = this.keyArn;
    if (!Token.isUnresolved(arn) && /^arn:[^:]+:kms:[^:]+:[^:]+:key\//.test(arn)) {
      return arn.replace(/key\/.*$/, 'key/*');
    }
    return kmsWildcardArn(Stack.of(this), 'key/*');
  }

  /** Records an administrator in the key policy's separation of duties, when this app manages it. */
  protected separateAdmin(principal: iam.IPrincipal): void {
    void principal; // a key policy this app does not manage cannot deny anything
  }

  /** Records a user in the key policy's separation of duties, when this app manages it. */
  protected separateUser(principal: iam.IPrincipal): void {
    void principal; // a key policy this app does not manage cannot deny anything
  }

  /** The construct path named when a grant is refused. */
  protected refusalPath(): string {
    return this.node.path;
  }

  private notEncryption(method: string, grantee: iam.IGrantable): KmiValidationError {
    void grantee; // refused whoever asks
    return new KmiValidationError({
      path: this.refusalPath(),
      prop: method,
      given: 'a symmetric encryption key in a custom key store',
      allowed: 'grant, grantUse, grantAdmin, grantEncrypt, grantDecrypt, grantEncryptDecrypt',
      fix: 'Keys in custom key stores cannot sign or compute MACs; use a kms.Key with a signing or HMAC key spec.',
    });
  }

  /**
   * Grant statements name `arn:…:key/*` (generations to come have unknown ids), limited by the key
   * family tag. Acknowledged on the grantee's default policy, where cdk-nag reports it.
   */
  private acknowledgeFamilyWildcard(grantee: iam.IGrantable, familyKeyArns: string): void {
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) {
      return;
    }
    const policy = principal.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${nagResourceFinding(Stack.of(policy), familyKeyArns)}]`,
        reason: `Grants on ${this.refusalPath()} cover every generation of the key (scheduled rotation creates keys with new ids), `
          + `so they name the account's keys and are limited by condition to keys tagged ${TAG_KEY_FAMILY}=${this.keyFamily}.`,
      });
    }
  }
}
