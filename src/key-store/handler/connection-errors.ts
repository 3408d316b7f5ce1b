/**
 * What each KMS `ConnectionErrorCode` of a FAILED custom key store means, and what to fix, for the
 * store's type. The handler puts the entry in the deployment error; the README table is this table.
 *
 * @see https://docs.aws.amazon.com/kms/latest/APIReference/API_CustomKeyStoresListEntry.html
 */

/** Which kinds of store a code applies to. */
export type StoreKind = 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';

/** What a connection error code means and how to fix it. */
export interface ConnectionErrorHelp {
  /** What went wrong, in a sentence. */
  readonly meaning: string;
  /** What to do before the next deployment (which disconnects the store and connects it again). */
  readonly fix: string;
}

/** Codes about the `kmsuser` crypto user: the next deployment tells KMS the password from the secret again. */
export const KMSUSER_ERROR_CODES = ['INVALID_CREDENTIALS', 'USER_LOCKED_OUT', 'USER_LOGGED_IN', 'USER_NOT_FOUND'];

const SET_KMSUSER_PASSWORD = 'Set a new kmsuser password in the cluster (CloudHSM CLI, logged in as an admin: '
  + '`user change-password --username kmsuser --role crypto-user`) and store it in the kmsUserPassword secret';

const CLOUDHSM: Record<string, ConnectionErrorHelp> = {
  INTERNAL_ERROR: {
    meaning: 'KMS could not complete the connection because of an internal error.',
    fix: 'Deploy again.',
  },
  NETWORK_ERRORS: {
    meaning: 'Network problems kept KMS from reaching the cluster\'s HSMs.',
    fix: 'Check that the cluster security group (cloudhsm-cluster-<id>-sg) still allows TCP 2223-2225 in and out to itself, '
      + 'that network ACLs of the cluster subnets allow that traffic, and that the subnets still exist; then deploy again.',
  },
  CLUSTER_NOT_FOUND: {
    meaning: 'No CloudHSM cluster has the store\'s cluster id.',
    fix: 'Restore a cluster from a backup of the original cluster and give it to the store as its cluster '
      + '(only a cluster that shares the original\'s backup history holds the store\'s keys).',
  },
  INSUFFICIENT_CLOUDHSM_HSMS: {
    meaning: 'The cluster has no active HSM.',
    fix: 'Add HSMs to the cluster (one to connect; at least two in different Availability Zones to create keys) and deploy again.',
  },
  INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET: {
    meaning: 'A subnet of the cluster has no free IP address; KMS needs one in each (two are better).',
    fix: 'Free addresses in the cluster subnets (delete unused network interfaces) and deploy again.',
  },
  INVALID_CREDENTIALS: {
    meaning: 'The password KMS has for kmsuser is not kmsuser\'s password in the cluster.',
    fix: `${SET_KMSUSER_PASSWORD}; the next deployment tells KMS that password and connects.`,
  },
  SUBNET_NOT_FOUND: {
    meaning: 'A subnet of the cluster was deleted.',
    fix: 'Create a cluster from a recent backup of this one (new subnets) and give it to the store as its cluster.',
  },
  USER_LOCKED_OUT: {
    meaning: 'kmsuser is locked out of the cluster after too many failed logins.',
    fix: `${SET_KMSUSER_PASSWORD}; the next deployment tells KMS that password and connects.`,
  },
  USER_LOGGED_IN: {
    meaning: 'kmsuser is logged in to the cluster, so KMS cannot log in and rotate its password.',
    fix: 'Log kmsuser out of every CloudHSM client (end its sessions); if you changed its password to log in, '
      + 'store the new one in the kmsUserPassword secret. The next deployment connects again.',
  },
  USER_NOT_FOUND: {
    meaning: 'The cluster has no crypto user named kmsuser.',
    fix: 'Create it (CloudHSM CLI, logged in as an admin: `user create --username kmsuser --role crypto-user`) with the '
      + 'password stored in the kmsUserPassword secret; the next deployment tells KMS that password and connects.',
  },
};

const XKS: Record<string, ConnectionErrorHelp> = {
  INTERNAL_ERROR: CLOUDHSM.INTERNAL_ERROR,
  NETWORK_ERRORS: {
    meaning: 'Network problems kept KMS from reaching the external key store proxy.',
    fix: 'Check the proxy host name in DNS, firewalls in front of the proxy, and, for VPC endpoint service connectivity, '
      + 'the network load balancer and its targets; then deploy again.',
  },
  INVALID_CREDENTIALS: {
    meaning: 'The proxy does not accept the proxy authentication credential KMS sent.',
    fix: 'Make the credential secret hold the access key id and secret access key the proxy expects '
      + '(JSON {"accessKeyId", "secretAccessKey"}); the next deployment sends it again and connects.',
  },
  XKS_PROXY_ACCESS_DENIED: {
    meaning: 'The proxy\'s authorization rules deny KMS.',
    fix: 'Change the proxy\'s authorization rules to allow KMS on behalf of this account, then deploy again.',
  },
  XKS_PROXY_INVALID_CONFIGURATION: {
    meaning: 'A configuration error keeps the store from connecting to its proxy.',
    fix: 'Check uriPath against the proxy\'s documented path (it ends in /kms/xks/v1 or similar), then deploy again.',
  },
  XKS_PROXY_INVALID_RESPONSE: {
    meaning: 'KMS cannot interpret the proxy\'s response.',
    fix: 'Check the proxy\'s logs and version; if it happens again, report it to the proxy\'s vendor.',
  },
  XKS_PROXY_INVALID_TLS_CONFIGURATION: {
    meaning: 'KMS cannot make a TLS connection to the proxy.',
    fix: 'The proxy must offer TLS 1.2 or 1.3 with a certificate that has not expired, names the host of uriEndpoint, '
      + 'and chains to a public certificate authority that KMS trusts.',
  },
  XKS_PROXY_NOT_REACHABLE: {
    meaning: 'KMS cannot communicate with the proxy, or the proxy reports every external key manager unavailable.',
    fix: 'Check uriEndpoint and uriPath, that the proxy is running and reachable from KMS, and that its key managers are up; then deploy again.',
  },
  XKS_PROXY_TIMED_OUT: {
    meaning: 'The proxy did not answer KMS in time.',
    fix: 'Check the proxy\'s load and its latency to the external key manager; if it happens again, report it to the proxy\'s vendor.',
  },
  XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION: {
    meaning: 'The VPC endpoint service does not meet KMS\'s requirements.',
    fix: 'It needs a network load balancer in at least two Availability Zones, cks.kms.<region>.amazonaws.com in its allowed '
      + 'principals, no acceptance required, and a verified private DNS name unique in the Region that the proxy\'s TLS certificate names.',
  },
  XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND: {
    meaning: 'KMS cannot find the VPC endpoint service.',
    fix: 'Check the service name (and owner), and allow the principal cks.kms.<region>.amazonaws.com on the endpoint service.',
  },
};

/** Every code KMS documents, for the store kinds it applies to. */
export const CONNECTION_ERROR_HELP: Record<StoreKind, Record<string, ConnectionErrorHelp>> = {
  AWS_CLOUDHSM: CLOUDHSM,
  EXTERNAL_KEY_STORE: XKS,
};

/** Help for a code, also for a code this table does not know (a code KMS adds later). */
export function connectionErrorHelp(kind: StoreKind, code: string | undefined): ConnectionErrorHelp {
  return CONNECTION_ERROR_HELP[kind][code ?? ''] ?? CLOUDHSM[code ?? ''] ?? XKS[code ?? ''] ?? {
    meaning: `KMS reported connection error ${code ?? '(none)'}.`,
    fix: 'See "Troubleshooting a custom key store" in the AWS KMS Developer Guide, then deploy again.',
  };
}
