/**
 * The contract between EbsEncryptionByDefault and its handler: the custom resource type, the
 * properties the construct gives it, and its physical id, which records the account's settings
 * before the first create so that a Delete can restore them. Both sides import it.
 *
 * No CDK imports: the handler bundles it.
 */

/** The custom resource type. */
export const EBS_ENCRYPTION_BY_DEFAULT_RESOURCE_TYPE = 'Custom::KmiEbsEncryptionByDefault';

/** The properties the construct gives the custom resource. */
export interface EbsEncryptionByDefaultProperties {
  /** ARN of the KMS key to make the default. */
  readonly KmsKeyId: string;
  /** `true` to restore the previous settings on Delete (removal policy DESTROY). */
  readonly RestoreOnDelete: 'true' | 'false';
}

/** The state of EBS encryption by default before the first create, as recorded in the physical id. */
export interface PreviousState {
  readonly enabled: boolean;
  /** The default key then: an ARN, or the alias ARN of the AWS managed key `alias/aws/ebs`. */
  readonly kmsKeyId: string;
}

const ID_PREFIX = 'ebs-encryption-by-default';

export function physicalId(previous: PreviousState): string {
  return `${ID_PREFIX}|${previous.enabled ? 'enabled' : 'disabled'}|${previous.kmsKeyId}`;
}

export function parsePhysicalId(id: string): PreviousState | undefined {
  const [prefix, enabled, ...key] = id.split('|');
  if (prefix !== ID_PREFIX || (enabled !== 'enabled' && enabled !== 'disabled') || key.length === 0) {
    return undefined;
  }
  return { enabled: enabled === 'enabled', kmsKeyId: key.join('|') };
}
