/**
 * The properties the `CustomKeyStore` construct gives its custom resource (`Custom::KmiCustomKeyStore`),
 * shared by the construct and its handlers. Secrets never appear here: only where the handler reads
 * them (a Secrets Manager secret ARN, an SSM parameter name). The physical id is the custom key store id.
 *
 * No CDK imports: the handlers bundle it.
 */
import type { RemovalPolicyValue } from '../../private/handler-kit/removal-policy';

export interface CustomKeyStoreResourceProperties {
  /** `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`. A store's type cannot change. */
  readonly CustomKeyStoreType: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  /** The store's name, unique in the account and Region. */
  readonly CustomKeyStoreName: string;
  /** `DESTROY` to delete the store (when it holds no keys) on Delete; `RETAIN` to keep it. */
  readonly RemovalPolicy: RemovalPolicyValue;

  /** AWS_CLOUDHSM: the cluster id. */
  readonly CloudHsmClusterId?: string;
  /** AWS_CLOUDHSM: name of the SSM String parameter that holds the cluster's trust anchor (PEM). */
  readonly TrustAnchorParameterName?: string;
  /** AWS_CLOUDHSM: ARN of the secret with the `kmsuser` password. */
  readonly KmsUserPasswordSecretArn?: string;

  /** EXTERNAL_KEY_STORE: `https://` and the proxy's host name. */
  readonly XksProxyUriEndpoint?: string;
  /** EXTERNAL_KEY_STORE: the proxy's base path, ending in `/kms/xks/v1` or similar. */
  readonly XksProxyUriPath?: string;
  /** EXTERNAL_KEY_STORE: `PUBLIC_ENDPOINT` or `VPC_ENDPOINT_SERVICE`. */
  readonly XksProxyConnectivity?: 'PUBLIC_ENDPOINT' | 'VPC_ENDPOINT_SERVICE';
  /** EXTERNAL_KEY_STORE with VPC_ENDPOINT_SERVICE: the endpoint service name. */
  readonly XksProxyVpcEndpointServiceName?: string;
  /** EXTERNAL_KEY_STORE with VPC_ENDPOINT_SERVICE: the account that owns the endpoint service, if not this one. */
  readonly XksProxyVpcEndpointServiceOwner?: string;
  /** EXTERNAL_KEY_STORE: ARN of the secret with the proxy credential, JSON `{"accessKeyId": …, "secretAccessKey": …}`. */
  readonly XksProxyCredentialSecretArn?: string;
}

/** The custom resource type. */
export const CUSTOM_KEY_STORE_RESOURCE_TYPE = 'Custom::KmiCustomKeyStore';
