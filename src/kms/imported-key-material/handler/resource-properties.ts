/**
 * The contract between KmsKeyWithImportedMaterial and its handler: the custom resource type, the
 * properties the construct gives it and the attributes it returns. Its physical id is the key ARN.
 * Both sides import it.
 *
 * No CDK imports: the handler bundles it.
 */

/** The custom resource type. */
export const IMPORTED_KEY_MATERIAL_RESOURCE_TYPE = 'Custom::KmiImportedKeyMaterial';

/** The properties the construct gives the custom resource. */
export interface ImportedKeyMaterialProperties {
  /** ARN of the KMS key (origin `EXTERNAL`). */
  readonly KeyId: string;
  /** ARN of the secret that holds the material. */
  readonly SecretId: string;
  readonly ExpirationModel: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  /** Days from each import to the expiry of the material; present only with `KEY_MATERIAL_EXPIRES`. */
  readonly ValidForDays?: string;
  /** Changed by the user to ask for a re-import; the handler does not read it. */
  readonly ImportGeneration?: string;
}

/** The attributes of the custom resource. */
export interface KeyMaterialData {
  /** The KMS identifier of the key's current material (64 hex digits). */
  readonly KeyMaterialId: string;
  readonly ExpirationModel: string;
  /** ISO 8601 expiry of the material imported now, or empty when it does not expire. */
  readonly ValidTo: string;
}
