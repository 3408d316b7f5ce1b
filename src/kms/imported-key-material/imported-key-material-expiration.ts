import { Duration } from 'aws-cdk-lib';

/**
 * Whether imported key material expires (the `ExpirationModel` of `ImportKeyMaterial`).
 */
export enum KeyMaterialExpirationModel {
  /** KMS deletes the material at its expiry date; the key is unusable until it is imported again. */
  KEY_MATERIAL_EXPIRES = 'KEY_MATERIAL_EXPIRES',
  /** The material stays until it is deleted, or the key is. */
  KEY_MATERIAL_DOES_NOT_EXPIRE = 'KEY_MATERIAL_DOES_NOT_EXPIRE',
}

/**
 * When imported key material expires.
 *
 * When material expires, KMS deletes it: the key becomes unusable (key state `PendingImport`) and
 * everything encrypted under it stays unreadable until the same material is imported again. Choose
 * `after` only with a process that re-imports in time (see `importGeneration`) and an alarm on
 * `metricSecondsUntilKeyMaterialExpiration`.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html#importing-keys-expiration
 */
export class KeyMaterialExpiration {
  /**
   * The material never expires: it stays in KMS until it is deleted (`DeleteImportedKeyMaterial`)
   * or the key is.
   */
  public static never(): KeyMaterialExpiration {
    return new KeyMaterialExpiration(KeyMaterialExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE);
  }

  /**
   * The material expires this long after each import: every import (the first one, and each
   * re-import) sets a new expiry date.
   *
   * @param validity a whole number of days from 1 to 365 (the longest KMS allows)
   */
  public static after(validity: Duration): KeyMaterialExpiration {
    return new KeyMaterialExpiration(KeyMaterialExpirationModel.KEY_MATERIAL_EXPIRES, validity);
  }

  /**
   * Whether the material expires.
   */
  public readonly expirationModel: KeyMaterialExpirationModel;

  /**
   * How long the material is valid after each import; undefined when it does not expire.
   */
  public readonly validity?: Duration;

  private constructor(expirationModel: KeyMaterialExpirationModel, validity?: Duration) {
    this.expirationModel = expirationModel;
    this.validity = validity;
  }
}
