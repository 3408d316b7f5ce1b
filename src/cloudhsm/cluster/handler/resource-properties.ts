/**
 * The contract between CloudHsmCluster and its handlers: the two custom resource types one provider
 * serves, the properties the construct gives each, and their physical ids. The construct and the
 * handlers both import it, so that a property renamed on one side cannot be missed on the other.
 *
 * No CDK imports: the handlers bundle it. CloudFormation sends every scalar as a string.
 */
import type { RemovalPolicyValue } from '../../../private/handler-kit/removal-policy';

/** The cluster's HSMs: how many, spread over its Availability Zones. */
export const HSMS_RESOURCE_TYPE = 'Custom::KmiCloudHsmHsms';
/** The cluster's initialization: first HSM, signed cluster certificate, InitializeCluster. */
export const INITIALIZATION_RESOURCE_TYPE = 'Custom::KmiCloudHsmInitialization';

/** The trust anchor modes. */
export type TrustAnchorMode = 'SELF_MANAGED' | 'PRIVATE_CA' | 'EXTERNAL';

/** The properties of `Custom::KmiCloudHsmHsms`. */
export interface HsmsProperties {
  /** The cluster id (or its ARN). */
  readonly ClusterId: string;
  /** How many HSMs the cluster keeps (a number as string). */
  readonly HsmCount: string;
  /** `DESTROY` deletes the HSMs when the resource is deleted; `RETAIN` keeps them. */
  readonly RemovalPolicy: RemovalPolicyValue;
}

/** The properties of `Custom::KmiCloudHsmInitialization`. */
export interface InitializationProperties {
  /** The cluster id (or its ARN). */
  readonly ClusterId: string;
  readonly TrustAnchor: TrustAnchorMode;
  /** Name of the SSM parameter that receives the trust anchor certificate. */
  readonly TrustAnchorParameterName: string;
  /** `DESTROY` deletes the HSMs and the parameter when the resource is deleted; `RETAIN` keeps them. */
  readonly RemovalPolicy: RemovalPolicyValue;
  /** Validity of the cluster certificate (and of a new self-managed root), in days (a number as string). */
  readonly ValidityDays?: string;
  /** SELF_MANAGED: the secret that keeps the root's certificate and private key. */
  readonly CaSecretArn?: string;
  /** SELF_MANAGED: the root's RSA key size, 2048 or 4096. */
  readonly KeySize?: string;
  /** SELF_MANAGED: the root's subject common name. */
  readonly CommonName?: string;
  /** PRIVATE_CA: the root CA that issues the cluster certificate. */
  readonly CertificateAuthorityArn?: string;
  /** EXTERNAL: the cluster certificate, signed by the trust anchor (PEM). */
  readonly SignedCertificate?: string;
  /** EXTERNAL: the trust anchor, a self-signed root (PEM). */
  readonly TrustAnchorCertificate?: string;
}

/** The physical id of the HSMs of a cluster: `<cluster id>/hsms`. */
export function hsmsPhysicalId(clusterId: string): string {
  return `${clusterId}/hsms`;
}

/** The cluster id of an HSMs physical id, or undefined for another id. */
export function clusterIdOfHsms(physicalId: string): string | undefined {
  return /^(cluster-[2-7a-zA-Z]{11,16})\/hsms$/.exec(physicalId)?.[1];
}

/** The physical id of a cluster's initialization: `<cluster id>/initialization`. */
export function initializationPhysicalId(clusterId: string): string {
  return `${clusterId}/initialization`;
}

/** The cluster id of an initialization physical id, or undefined for another id. */
export function clusterIdOfInitialization(physicalId: string): string | undefined {
  return /^(cluster-[2-7a-zA-Z]{11,16})\/initialization$/.exec(physicalId)?.[1];
}
