/**
 * Something done to a KMS key, or to the custom key store that holds it, that `KeyActivityAlarms`
 * can report.
 *
 * API calls arrive through CloudTrail ("AWS API Call via CloudTrail" events, named by the API); the
 * two lifecycle events (`KEY_DELETED`, `IMPORTED_KEY_MATERIAL_EXPIRED`) are sent by KMS itself.
 * Failed calls (access denied, for example) are reported too: an attempt matters as much as a change.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-events.html
 */
export enum KeyActivity {
  /** `DisableKey`: the key refuses every cryptographic operation until it is enabled again. */
  DISABLE_KEY = 'DisableKey',
  /** `ScheduleKeyDeletion`: the key is disabled and deleted at the end of its waiting period. */
  SCHEDULE_KEY_DELETION = 'ScheduleKeyDeletion',
  /** `PutKeyPolicy`: who may use and manage the key changes. */
  PUT_KEY_POLICY = 'PutKeyPolicy',
  /** `DisableKeyRotation`: the key material stops rotating. */
  DISABLE_KEY_ROTATION = 'DisableKeyRotation',
  /** `ImportKeyMaterial`: key material is imported into a key with imported material (origin `EXTERNAL`). */
  IMPORT_KEY_MATERIAL = 'ImportKeyMaterial',
  /** `DeleteImportedKeyMaterial`: the key becomes unusable until the same material is imported again. */
  DELETE_IMPORTED_KEY_MATERIAL = 'DeleteImportedKeyMaterial',
  /** `CreateGrant`: a principal is given use of the key outside its key policy. AWS services that encrypt with the key (EBS, RDS, …) create grants routinely. */
  CREATE_GRANT = 'CreateGrant',
  /** `RevokeGrant`: a grant is revoked; the services that relied on it lose the key. */
  REVOKE_GRANT = 'RevokeGrant',
  /** `RetireGrant`: a grant is retired, routinely by AWS services when they no longer need the key. */
  RETIRE_GRANT = 'RetireGrant',
  /**
   * `UpdateAlias`: an alias is pointed at another key, so callers that name the alias encrypt under
   * that key. CloudTrail names the alias and its new target: reported when a watched alias moves, or
   * when an alias is pointed at a watched key.
   */
  UPDATE_ALIAS = 'UpdateAlias',
  /** `DeleteAlias`: an alias of a watched key, or a watched alias, is deleted, so callers that name it fail. */
  DELETE_ALIAS = 'DeleteAlias',
  /** `KMS CMK Deletion` (sent by KMS): the waiting period ended and the key is deleted for good. */
  KEY_DELETED = 'KMS CMK Deletion',
  /** `KMS Imported Key Material Expiration` (sent by KMS): imported key material expired and was deleted; the key is unusable. */
  IMPORTED_KEY_MATERIAL_EXPIRED = 'KMS Imported Key Material Expiration',
  /** `DisconnectCustomKeyStore`: every key in the custom key store becomes unusable. */
  DISCONNECT_CUSTOM_KEY_STORE = 'DisconnectCustomKeyStore',
  /** `DeleteCustomKeyStore`: the custom key store is deleted. */
  DELETE_CUSTOM_KEY_STORE = 'DeleteCustomKeyStore',
  /** `UpdateCustomKeyStore`: the custom key store's cluster, proxy, credentials or `kmsuser` password change. */
  UPDATE_CUSTOM_KEY_STORE = 'UpdateCustomKeyStore',
}

/**
 * Something done to an AWS CloudHSM cluster that `KeyActivityAlarms` can report, as recorded by
 * CloudTrail (`eventSource` `cloudhsm.amazonaws.com`).
 *
 * CloudHSM sends no events of its own to EventBridge; these API calls are what there is.
 *
 * @see https://docs.aws.amazon.com/cloudhsm/latest/userguide/get-api-logs-using-cloudtrail.html
 */
export enum CloudHsmActivity {
  /** `DeleteHsm`: an HSM is removed from the cluster; fewer than two leaves a KMS key store unable to work. */
  DELETE_HSM = 'DeleteHsm',
  /** `DeleteCluster`: the cluster is deleted. */
  DELETE_CLUSTER = 'DeleteCluster',
  /** `ModifyCluster`: the cluster's backup retention policy changes. */
  MODIFY_CLUSTER = 'ModifyCluster',
  /** `CreateHsm`: an HSM is added to the cluster. */
  CREATE_HSM = 'CreateHsm',
}
