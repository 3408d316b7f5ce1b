/**
 * IAM action lists for KMS keys, by intent. Explicit actions (no wildcards) in Allow statements, so a
 * grant never gives more than its name says; wildcards in Deny statements, so a Deny also covers
 * actions KMS adds later.
 */

/** Cryptographic use of a symmetric encryption key, granted to key users. */
export const KEY_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * Administration of a key, granted to key administrators. Deliberately without `kms:CreateGrant`
 * (a grant delegates cryptographic use) and without `kms:DisableKeyRotation`.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/**
 * Alias management, which KMS authorizes against the alias as well as its key: granted to key
 * administrators on the alias in their identity policy (see `grantAliasManagement`).
 */
export const ALIAS_ACTIONS = ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'];

/** Denied to key administrators: every way to use the key, or to delegate its use. */
export const DENY_TO_ADMINS = [
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:GenerateMac',
  'kms:ReEncrypt*',
  'kms:Sign',
  'kms:Verify',
  'kms:VerifyMac',
];

/** Denied to key users: every way to change the key, its policy, its state or its material. */
export const DENY_TO_USERS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DeleteImportedKeyMaterial',
  'kms:Disable*',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:ImportKeyMaterial',
  'kms:PutKeyPolicy',
  'kms:ReplicateKey',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
];
