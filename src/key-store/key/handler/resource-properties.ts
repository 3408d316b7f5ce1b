/**
 * The contract between CustomKeyStoreKey and its two handlers: the custom resource type, the
 * properties the construct gives it and its physical id; and the input the rotation schedule sends
 * the rotation handler. The construct, the schedule and the handlers all import it.
 *
 * No CDK imports: the handlers bundle it.
 */
import type { RemovalPolicyValue } from '../../../private/handler-kit/removal-policy';

/** The custom resource type. Its physical id is the KMS key id of the key's first generation. */
export const CUSTOM_KEY_STORE_KEY_RESOURCE_TYPE = 'Custom::KmiCustomKeyStoreKey';

/** The properties the construct gives the custom resource (CloudFormation sends scalars as strings). */
export interface CustomKeyStoreKeyProperties {
  readonly CustomKeyStoreId: string;
  readonly CustomKeyStoreType: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  /** Only for an external key store. */
  readonly XksKeyId?: string;
  readonly AliasName: string;
  readonly Description: string;
  /** The key policy document. */
  readonly Policy: unknown;
  /** The value of the `cdk-kmi:key-family` tag of every generation. */
  readonly KeyFamily: string;
  readonly PendingWindowInDays: string;
  readonly RemovalPolicy: RemovalPolicyValue;
  readonly Tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  /** Present if and only if the key has scheduled rotation (the rotation is not this handler's work). */
  readonly RotationPeriodInDays?: string;
}

/** What the schedule sends: the key to rotate, found by its alias. */
export interface RotationInput {
  /** The alias that names the current generation, e.g. `alias/app-data`. */
  readonly AliasName: string;
  /** The `cdk-kmi:key-family` tag value that every generation of this key carries. */
  readonly KeyFamily: string;
  /** Days a generation stays current before it gets a successor. */
  readonly RotationPeriodInDays: number | string;
}
