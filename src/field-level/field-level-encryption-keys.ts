import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EncryptedTable } from '../dynamodb/encrypted-table';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { SeparationOfDuties } from '../kms/separation-of-duties';
import { acknowledgeRule } from '../private/acknowledge';
import { KmiValidationError } from '../private/errors';
import { KEY_ADMIN_ACTIONS } from '../private/kms-actions';

/** How searchable (blind-indexed) fields are keyed. */
export enum SearchableFieldKeys {
  /** No searchable fields: only the field encryption key. */
  NONE = 'NONE',
  /**
   * A KMS HMAC key (`HMAC_256`, `GENERATE_VERIFY_MAC`): the application stores
   * `GenerateMac(HMAC_SHA_256, value)` beside the encrypted field and queries by it. KMS HMAC keys do
   * not rotate automatically, and a new key changes every index value.
   */
  KMS_HMAC = 'KMS_HMAC',
  /**
   * The branch key store of the AWS KMS Hierarchical keyring (AWS Database Encryption SDK, AWS
   * Encryption SDK): a DynamoDB table of branch keys and beacon keys, protected by a symmetric KMS
   * root key. Searchable encryption (beacons) in the Database Encryption SDK derives its HMAC keys from
   * the beacon key in this store.
   */
  BRANCH_KEY_STORE = 'BRANCH_KEY_STORE',
}

/**
 * Properties of `FieldLevelEncryptionKeys`.
 */
export interface FieldLevelEncryptionKeysProps {
  /**
   * The encryption context every request to the field key must carry: KMS condition
   * `kms:EncryptionContext:<name>` = value for each entry. The AWS Encryption SDK and the AWS Database
   * Encryption SDK send the context they encrypt with to KMS, and need the same context to decrypt.
   * At least one entry, such as `{ purpose: 'patient-records' }`.
   */
  readonly encryptionContext: Record<string, string>;

  /**
   * How searchable fields are keyed.
   *
   * @default SearchableFieldKeys.KMS_HMAC
   */
  readonly searchableFields?: SearchableFieldKeys;

  /**
   * The symmetric key that encrypts the fields' data keys (envelope encryption). A key in a CloudHSM
   * custom key store gives option 2 (its material never leaves your HSMs; it does not rotate
   * automatically). Grants on a key you pass land in the grantees' IAM policies; its key policy is yours.
   *
   * @default - a new `KmsKeyWithRotation` (rotates every year)
   */
  readonly fieldKey?: kms.IKey;

  /**
   * The symmetric root key of the branch key store, with `SearchableFieldKeys.BRANCH_KEY_STORE`. A key
   * in a CloudHSM custom key store gives option 2 for the branch and beacon keys.
   *
   * @default - a new `KmsKeyWithRotation`
   */
  readonly branchKeyStoreKey?: kms.IKey;

  /**
   * Principals that administer the keys the construct creates (never use them).
   *
   * @default - none: the account administers the keys through IAM
   */
  readonly admins?: iam.IGrantable[];

  /**
   * Principals that encrypt and decrypt fields in `encryptionContext` and compute and verify blind
   * indexes (or read the branch key store); they never manage the keys.
   *
   * @default - none: use `grantFieldEncryptDecrypt`, `grantBlindIndex`, `grantKeyStoreUse`
   */
  readonly users?: iam.IGrantable[];

  /**
   * What happens to the keys (and the branch key store) when they leave the stack. Data encrypted
   * under them cannot be read without them. The branch key store has deletion protection on unless
   * this is DESTROY.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The keys an application needs to encrypt selected fields before they reach the database, and to
 * search them without revealing them (a blind index): option 1 and 2 in the application, where the
 * application performs the encryption with the AWS Encryption SDK or the AWS Database Encryption SDK.
 *
 * - `fieldKey`: a symmetric KMS key for envelope encryption of fields (the KMS keyring calls
 *   GenerateDataKey to encrypt and Decrypt to decrypt). Its grants require the encryption context you
 *   name. It rotates every year (new material; old ciphertexts stay readable).
 * - `SearchableFieldKeys.KMS_HMAC` (default): `macKey`, an HMAC_256 key for `GenerateMac` /
 *   `VerifyMac` with HMAC_SHA_256. It does not rotate: KMS rotates only symmetric encryption keys, and
 *   rotating a blind-index key changes every index value, so the index must be rebuilt under a new key.
 * - `SearchableFieldKeys.BRANCH_KEY_STORE`: `branchKeyStore`, the DynamoDB table of the Hierarchical
 *   keyring (partition key `branch-key-id`, sort key `type`), and `branchKeyStoreKey`, its symmetric
 *   root key (rotates every year). Branch keys rotate when you call `VersionKey` (not automatically);
 *   beacon keys, from which the Database Encryption SDK derives its HMAC keys, do not rotate.
 *
 * Separation of duties as in `KmsKeyWithRotation`: `admins` manage the keys and are denied their use
 * in the key policy; `users` use them and are denied management.
 *
 * @see https://docs.aws.amazon.com/database-encryption-sdk/latest/devguide/searchable-encryption.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
 *
 * @example
 * declare const app: iam.IRole;
 *
 * new FieldLevelEncryptionKeys(this, 'PatientFields', {
 *   encryptionContext: { purpose: 'patient-records' },
 *   users: [app],
 * });
 */
export class FieldLevelEncryptionKeys extends Construct {
  /** The symmetric key that encrypts the fields' data keys. */
  public readonly fieldKey: kms.IKey;

  /** The HMAC_256 key for blind indexes, with `SearchableFieldKeys.KMS_HMAC`. */
  public readonly macKey?: kms.IKey;

  /** The Hierarchical keyring's branch key store, with `SearchableFieldKeys.BRANCH_KEY_STORE`. */
  public readonly branchKeyStore?: dynamodb.ITableV2;

  /** The root key of the branch key store, with `SearchableFieldKeys.BRANCH_KEY_STORE`. */
  public readonly branchKeyStoreKey?: kms.IKey;

  /** The encryption context every field-key grant requires. */
  public readonly encryptionContext: Record<string, string>;

  private readonly duties: SeparationOfDuties[] = [];
  private readonly ownedKeys: kms.IKey[] = [];

  constructor(scope: Construct, id: string, props: FieldLevelEncryptionKeysProps) {
    super(scope, id);
    validateContext(this.node.path, props.encryptionContext);
    this.encryptionContext = props.encryptionContext;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    if (props.fieldKey) {
      this.fieldKey = props.fieldKey;
    } else {
      this.fieldKey = this.own(new KmsKeyWithRotation(this, 'FieldKey', {
        description: `Envelope encryption of fields (${this.node.path}); use requires the encryption context`,
        removalPolicy,
      }));
    }

    const searchable = props.searchableFields ?? SearchableFieldKeys.KMS_HMAC;
    if (props.branchKeyStoreKey !== undefined && searchable !== SearchableFieldKeys.BRANCH_KEY_STORE) {
      throw new KmiValidationError({
        path: this.node.path,
        prop: 'branchKeyStoreKey',
        given: `a key with searchableFields ${searchable}`,
        allowed: 'a key only with searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE',
      });
    }
    if (searchable === SearchableFieldKeys.KMS_HMAC) {
      const macKey = new kms.Key(this, 'MacKey', {
        description: `Blind indexes of searchable fields (${this.node.path}): GenerateMac / VerifyMac, does not rotate`,
        keySpec: kms.KeySpec.HMAC_256,
        keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
        // KMS rotates only symmetric encryption keys; a new blind-index key changes every index value.
        enableKeyRotation: false,
        pendingWindow: Duration.days(30),
        removalPolicy,
      });
      acknowledgeRule(macKey, 'KMSBackingKeyRotationEnabled',
        'An HMAC key cannot rotate automatically (KMS rotates only symmetric encryption keys), and a new blind-index key changes every index value: rotate by rebuilding the index under a new key.');
      this.macKey = this.own(macKey);
    } else if (searchable === SearchableFieldKeys.BRANCH_KEY_STORE) {
      this.branchKeyStoreKey = props.branchKeyStoreKey ?? this.own(new KmsKeyWithRotation(this, 'RootKey', {
        description: `Root key of the branch key store ${this.node.path}/BranchKeyStore (Hierarchical keyring)`,
        removalPolicy,
      }));
      // The key store table's items are encrypted by the Hierarchical keyring itself; the table's own
      // encryption at rest uses a key of its own that only DynamoDB may use.
      this.branchKeyStore = new EncryptedTable(this, 'BranchKeyStore', {
        partitionKey: { name: 'branch-key-id', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'type', type: dynamodb.AttributeType.STRING },
        removalPolicy,
        // Deleting the key store makes everything encrypted under its branch keys unreadable.
        deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      });
    }

    for (const admin of props.admins ?? []) {
      this.grantAdmin(admin);
    }
    for (const user of props.users ?? []) {
      this.grantFieldEncryptDecrypt(user);
      if (this.macKey) {
        this.grantBlindIndex(user);
      }
      if (this.branchKeyStore) {
        this.grantKeyStoreUse(user);
      }
    }
  }

  /** Lets a principal administer the keys the construct created, and denies it their use. */
  public grantAdmin(grantee: iam.IGrantable): iam.Grant[] {
    this.duties.forEach((duty) => duty.addAdmin(grantee.grantPrincipal));
    return this.ownedKeys.map((key) => key.grant(grantee, ...KEY_ADMIN_ACTIONS));
  }

  /** Lets a principal encrypt fields: `kms:GenerateDataKey` on the field key, in the encryption context only. */
  public grantFieldEncryption(grantee: iam.IGrantable): iam.Grant {
    return this.grantInContext(grantee, ['kms:GenerateDataKey']);
  }

  /** Lets a principal decrypt fields: `kms:Decrypt` on the field key, in the encryption context only. */
  public grantFieldDecryption(grantee: iam.IGrantable): iam.Grant {
    return this.grantInContext(grantee, ['kms:Decrypt']);
  }

  /** Lets a principal encrypt and decrypt fields, in the encryption context only. */
  public grantFieldEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grantInContext(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Lets a principal compute blind indexes: `kms:GenerateMac` with HMAC_SHA_256 on the MAC key. */
  public grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    return this.grantMac(grantee, ['kms:GenerateMac']);
  }

  /** Lets a principal verify blind indexes: `kms:VerifyMac` with HMAC_SHA_256 on the MAC key. */
  public grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    return this.grantMac(grantee, ['kms:VerifyMac']);
  }

  /** Lets a principal compute and verify blind indexes. */
  public grantBlindIndex(grantee: iam.IGrantable): iam.Grant {
    return this.grantMac(grantee, ['kms:GenerateMac', 'kms:VerifyMac']);
  }

  /**
   * Lets a principal use the branch key store as the Hierarchical keyring does to encrypt and decrypt:
   * read branch and beacon keys (`dynamodb:GetItem`) and decrypt them with the root key (`kms:Decrypt`).
   * @see https://docs.aws.amazon.com/database-encryption-sdk/latest/devguide/keystore-least-privilege.html
   */
  public grantKeyStoreUse(grantee: iam.IGrantable): iam.Grant {
    const { table, key } = this.requireKeyStore('grantKeyStoreUse');
    this.addUser(key, grantee);
    table.grant(grantee, 'dynamodb:GetItem');
    table.tableKey?.grantDecrypt(grantee);
    return key.grantDecrypt(grantee);
  }

  /**
   * Lets a principal create and version branch keys (the key store's `CreateKey` and `VersionKey`):
   * write the key store table and generate and re-encrypt branch keys with the root key. A key store
   * administrator in the SDK's terms; it does not administer the KMS key.
   * @see https://docs.aws.amazon.com/database-encryption-sdk/latest/devguide/create-branch-keys.html
   */
  public grantKeyStoreManagement(grantee: iam.IGrantable): iam.Grant {
    const { table, key } = this.requireKeyStore('grantKeyStoreManagement');
    this.addUser(key, grantee);
    table.grantReadWriteData(grantee);
    return key.grant(grantee, 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:Decrypt');
  }

  private grantInContext(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    this.addUser(this.fieldKey, grantee);
    const conditions = {
      StringEquals: Object.fromEntries(Object.entries(this.encryptionContext).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
    };
    return iam.Grant.addToPrincipalOrResource({
      grantee,
      actions,
      resourceArns: [this.fieldKey.keyArn],
      resource: this.fieldKey,
      conditions,
    });
  }

  private grantMac(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    if (!this.macKey) {
      throw new KmiValidationError({
        path: this.node.path,
        prop: 'searchableFields',
        given: 'not KMS_HMAC',
        allowed: 'SearchableFieldKeys.KMS_HMAC for MAC grants',
      });
    }
    this.addUser(this.macKey, grantee);
    return iam.Grant.addToPrincipalOrResource({
      grantee,
      actions,
      resourceArns: [this.macKey.keyArn],
      resource: this.macKey,
      conditions: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
    });
  }

  private requireKeyStore(method: string): { table: EncryptedTable; key: kms.IKey } {
    if (!this.branchKeyStore || !this.branchKeyStoreKey) {
      throw new KmiValidationError({
        path: this.node.path,
        prop: 'searchableFields',
        given: `not BRANCH_KEY_STORE (calling ${method})`,
        allowed: 'SearchableFieldKeys.BRANCH_KEY_STORE for key store grants',
      });
    }
    return { table: this.branchKeyStore as EncryptedTable, key: this.branchKeyStoreKey };
  }

  /** Keeps users and admins apart on keys the construct created. */
  private addUser(key: kms.IKey, grantee: iam.IGrantable): void {
    const index = this.ownedKeys.indexOf(key);
    if (index >= 0) {
      this.duties[index].addUser(grantee.grantPrincipal);
    }
  }

  private own<K extends kms.IKey>(key: K): K {
    this.ownedKeys.push(key);
    this.duties.push(new SeparationOfDuties(key));
    return key;
  }
}

function validateContext(path: string, context: Record<string, string>): void {
  const entries = Object.entries(context ?? {});
  const bad = entries.find(([k, v]) => !Token.isUnresolved(k) && (k.length === 0 || k.startsWith('aws:') || typeof v !== 'string' || v.length === 0));
  if (entries.length === 0 || bad) {
    throw new KmiValidationError({
      path,
      prop: 'encryptionContext',
      given: entries.length === 0 ? 'an empty context' : `'${bad![0]}': '${bad![1]}'`,
      allowed: 'at least one non-empty name and value, names not starting with aws: (reserved)',
      fix: 'Name the context your application encrypts with, such as { purpose: \'patient-records\' }.',
    });
  }
}
