/**
 * The contract between ClusterActivation and its handlers: the custom resource type, the properties
 * the construct gives it, the attributes it returns and its physical id. The construct and the
 * handlers both import it.
 *
 * No CDK imports: the handlers bundle it.
 */
import { CLIENT_AFTER_ACTIVATION } from '../cluster-activation-steps';

/** The custom resource type of the activation. */
export const ACTIVATION_RESOURCE_TYPE = 'Custom::KmiCloudHsmActivation';

/**
 * What one `Custom::KmiCloudHsmActivation` does:
 * - `ACTIVATE`: on the cluster's first HSM, `cluster activate` and `kmsuser`, then waits until the cluster is
 *   ACTIVE; the client is kept for the coverage check.
 * - `CHECK_COVERAGE`: once the other HSMs are added, checks that `kmsuser` is a crypto user on every HSM
 *   (`user list`, cluster-coverage `full`), then stops or terminates the client as asked.
 * Absent (a resource made by an earlier version): activation, then the client is stopped or terminated.
 */
export const ACTIVATION_PHASES = ['ACTIVATE', 'CHECK_COVERAGE'] as const;

/** The properties the construct gives `Custom::KmiCloudHsmActivation`. All are identifiers: no secret. */
export interface ActivationProperties {
  readonly ClusterId: string;
  /** What this resource does (see `ACTIVATION_PHASES`). */
  readonly Phase?: typeof ACTIVATION_PHASES[number];
  /** CHECK_COVERAGE: how many HSMs the cluster keeps, so that the check runs again when the count changes. */
  readonly HsmCount?: string;
  /** The client instance that runs the command document. */
  readonly InstanceId: string;
  /** The name of the activation command document. */
  readonly DocumentName: string;
  readonly AdminPasswordSecretArn: string;
  readonly KmsUserPasswordSecretArn: string;
  readonly TrustAnchorParameterName: string;
  /** HTTPS URL of the CloudHSM CLI package for the client. */
  readonly PackageUrl: string;
  /** What happens to the client instance once the activation succeeded. */
  readonly ClientAfterActivation: typeof CLIENT_AFTER_ACTIVATION[number];
}

/** The attributes of the custom resource (no secret). */
export interface ActivationData {
  /** The Run Command that activates the cluster; absent when nothing had to run. */
  readonly CommandId?: string;
  readonly ClusterId: string;
}

/**
 * The physical id of the activation of a cluster, `cloudhsm-activation:<cluster id>`, and of its coverage
 * check, `cloudhsm-activation:<cluster id>/coverage`.
 */
export function physicalId(clusterId: string, phase?: ActivationProperties['Phase']): string {
  return `cloudhsm-activation:${clusterId}${phase === 'CHECK_COVERAGE' ? '/coverage' : ''}`;
}
