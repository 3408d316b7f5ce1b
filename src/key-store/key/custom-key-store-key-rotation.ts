import { Duration } from 'aws-cdk-lib';

/**
 * How a `CustomKeyStoreKey` rotates.
 *
 * KMS rotates neither automatically nor on demand a key in a custom key store. Scheduled rotation
 * does what KMS documents as manual rotation, on a schedule: a new KMS key (a successor) in the same
 * CloudHSM key store, with the same key policy, description and tags, and the key's alias moved to
 * it. Earlier generations stay enabled, so what they encrypted stays readable.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys-manually.html
 */
export class CustomKeyStoreKeyRotation {
  /**
   * A successor key every `period`, found by the key's alias.
   *
   * A schedule runs once a day: the first run after the current generation is `period` old creates
   * the successor, the next run (a day later) moves the alias to it. Only keys in a CloudHSM key
   * store can rotate this way; a key in an external key store needs a new external key for each
   * generation, which only the external key manager can make.
   *
   * @param period how long a generation stays current: whole days from 90 to 2560, as for KMS
   * automatic rotation. Default 365 days.
   */
  public static scheduled(period?: Duration): CustomKeyStoreKeyRotation {
    return new CustomKeyStoreKeyRotation(period ?? Duration.days(365));
  }

  /**
   * No rotation: the key material never changes. Choose it knowingly (for instance for a key in an
   * external key store, whose external key you rotate in the external key manager); compliance
   * checks report keys that do not rotate.
   */
  public static none(): CustomKeyStoreKeyRotation {
    return new CustomKeyStoreKeyRotation(undefined);
  }

  /**
   * How long a generation stays current; undefined when the key does not rotate.
   */
  public readonly period?: Duration;

  private constructor(period: Duration | undefined) {
    this.period = period;
  }
}
