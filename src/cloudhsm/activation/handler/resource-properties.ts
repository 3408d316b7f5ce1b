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

/** The properties the construct gives `Custom::KmiCloudHsmActivation`. All are identifiers: no secret. */
export interface ActivationProperties {
  readonly ClusterId: string;
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

/** The physical id of the activation of a cluster: `cloudhsm-activation:<cluster id>`. */
export function physicalId(clusterId: string): string {
  return `cloudhsm-activation:${clusterId}`;
}
