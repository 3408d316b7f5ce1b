"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/key-store/handler/is-complete.lambda.ts
var is_complete_lambda_exports = {};
__export(is_complete_lambda_exports, {
  handler: () => handler,
  isComplete: () => isComplete
});
module.exports = __toCommonJS(is_complete_lambda_exports);

// src/key-store/handler/key-store-calls.ts
var import_client_kms = require("@aws-sdk/client-kms");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");
var import_client_ssm = require("@aws-sdk/client-ssm");

// src/key-store/handler/connection-errors.ts
var KMSUSER_ERROR_CODES = ["INVALID_CREDENTIALS", "USER_LOCKED_OUT", "USER_LOGGED_IN", "USER_NOT_FOUND"];
var SET_KMSUSER_PASSWORD = "Set a new kmsuser password in the cluster (CloudHSM CLI, logged in as an admin: `user change-password --username kmsuser --role crypto-user`) and store it in the kmsUserPassword secret";
var CLOUDHSM = {
  INTERNAL_ERROR: {
    meaning: "KMS could not complete the connection because of an internal error.",
    fix: "Deploy again."
  },
  NETWORK_ERRORS: {
    meaning: "Network problems kept KMS from reaching the cluster's HSMs.",
    fix: "Check that the cluster security group (cloudhsm-cluster-<id>-sg) still allows TCP 2223-2225 in and out to itself, that network ACLs of the cluster subnets allow that traffic, and that the subnets still exist; then deploy again."
  },
  CLUSTER_NOT_FOUND: {
    meaning: "No CloudHSM cluster has the store's cluster id.",
    fix: "Restore a cluster from a backup of the original cluster and give it to the store as its cluster (only a cluster that shares the original's backup history holds the store's keys)."
  },
  INSUFFICIENT_CLOUDHSM_HSMS: {
    meaning: "The cluster has no active HSM.",
    fix: "Add HSMs to the cluster (one to connect; at least two in different Availability Zones to create keys) and deploy again."
  },
  INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET: {
    meaning: "A subnet of the cluster has no free IP address; KMS needs one in each (two are better).",
    fix: "Free addresses in the cluster subnets (delete unused network interfaces) and deploy again."
  },
  INVALID_CREDENTIALS: {
    meaning: "The password KMS has for kmsuser is not kmsuser's password in the cluster.",
    fix: `${SET_KMSUSER_PASSWORD}; the next deployment tells KMS that password and connects.`
  },
  SUBNET_NOT_FOUND: {
    meaning: "A subnet of the cluster was deleted.",
    fix: "Create a cluster from a recent backup of this one (new subnets) and give it to the store as its cluster."
  },
  USER_LOCKED_OUT: {
    meaning: "kmsuser is locked out of the cluster after too many failed logins.",
    fix: `${SET_KMSUSER_PASSWORD}; the next deployment tells KMS that password and connects.`
  },
  USER_LOGGED_IN: {
    meaning: "kmsuser is logged in to the cluster, so KMS cannot log in and rotate its password.",
    fix: "Log kmsuser out of every CloudHSM client (end its sessions); if you changed its password to log in, store the new one in the kmsUserPassword secret. The next deployment connects again."
  },
  USER_NOT_FOUND: {
    meaning: "The cluster has no crypto user named kmsuser.",
    fix: "Create it (CloudHSM CLI, logged in as an admin: `user create --username kmsuser --role crypto-user`) with the password stored in the kmsUserPassword secret; the next deployment tells KMS that password and connects."
  }
};
var XKS = {
  INTERNAL_ERROR: CLOUDHSM.INTERNAL_ERROR,
  NETWORK_ERRORS: {
    meaning: "Network problems kept KMS from reaching the external key store proxy.",
    fix: "Check the proxy host name in DNS, firewalls in front of the proxy, and, for VPC endpoint service connectivity, the network load balancer and its targets; then deploy again."
  },
  INVALID_CREDENTIALS: {
    meaning: "The proxy does not accept the proxy authentication credential KMS sent.",
    fix: 'Make the credential secret hold the access key id and secret access key the proxy expects (JSON {"accessKeyId", "secretAccessKey"}); the next deployment sends it again and connects.'
  },
  XKS_PROXY_ACCESS_DENIED: {
    meaning: "The proxy's authorization rules deny KMS.",
    fix: "Change the proxy's authorization rules to allow KMS on behalf of this account, then deploy again."
  },
  XKS_PROXY_INVALID_CONFIGURATION: {
    meaning: "A configuration error keeps the store from connecting to its proxy.",
    fix: "Check uriPath against the proxy's documented path (it ends in /kms/xks/v1 or similar), then deploy again."
  },
  XKS_PROXY_INVALID_RESPONSE: {
    meaning: "KMS cannot interpret the proxy's response.",
    fix: "Check the proxy's logs and version; if it happens again, report it to the proxy's vendor."
  },
  XKS_PROXY_INVALID_TLS_CONFIGURATION: {
    meaning: "KMS cannot make a TLS connection to the proxy.",
    fix: "The proxy must offer TLS 1.2 or 1.3 with a certificate that has not expired, names the host of uriEndpoint, and chains to a public certificate authority that KMS trusts."
  },
  XKS_PROXY_NOT_REACHABLE: {
    meaning: "KMS cannot communicate with the proxy, or the proxy reports every external key manager unavailable.",
    fix: "Check uriEndpoint and uriPath, that the proxy is running and reachable from KMS, and that its key managers are up; then deploy again."
  },
  XKS_PROXY_TIMED_OUT: {
    meaning: "The proxy did not answer KMS in time.",
    fix: "Check the proxy's load and its latency to the external key manager; if it happens again, report it to the proxy's vendor."
  },
  XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION: {
    meaning: "The VPC endpoint service does not meet KMS's requirements.",
    fix: "It needs a network load balancer in at least two Availability Zones, cks.kms.<region>.amazonaws.com in its allowed principals, no acceptance required, and a verified private DNS name unique in the Region that the proxy's TLS certificate names."
  },
  XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND: {
    meaning: "KMS cannot find the VPC endpoint service.",
    fix: "Check the service name (and owner), and allow the principal cks.kms.<region>.amazonaws.com on the endpoint service."
  }
};
var CONNECTION_ERROR_HELP = {
  AWS_CLOUDHSM: CLOUDHSM,
  EXTERNAL_KEY_STORE: XKS
};
function connectionErrorHelp(kind, code) {
  return CONNECTION_ERROR_HELP[kind][code ?? ""] ?? CLOUDHSM[code ?? ""] ?? XKS[code ?? ""] ?? {
    meaning: `KMS reported connection error ${code ?? "(none)"}.`,
    fix: 'See "Troubleshooting a custom key store" in the AWS KMS Developer Guide, then deploy again.'
  };
}

// src/private/handler-kit/clock.ts
var SYSTEM_CLOCK = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};

// src/private/handler-kit/clients.ts
var SDK_CLIENT_CONFIG = { maxAttempts: 8, retryMode: "standard" };
function defaultClients(classes) {
  const clients = {};
  for (const [name, Client] of Object.entries(classes)) {
    clients[name] = new Client({ ...SDK_CLIENT_CONFIG });
  }
  return { ...clients, clock: SYSTEM_CLOCK };
}

// src/private/handler-kit/errors.ts
var AUTHORIZATION_ERRORS = /* @__PURE__ */ new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "CloudHsmAccessDeniedException"]);
function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}
function deniedError(permission, error) {
  const e = error;
  if (!AUTHORIZATION_ERRORS.has(e?.name)) {
    return void 0;
  }
  return named(e.name, `${permission} was denied (${e.name}): the custom resource's role, or a key or resource policy, SCP or permissions boundary, does not allow it. ${e.message}`);
}
async function call(permission, send, explain) {
  try {
    return await send();
  } catch (error) {
    const e = error;
    throw deniedError(permission, e) ?? explain?.(e, permission) ?? e;
  }
}

// src/private/handler-kit/log.ts
var SECRET_FIELD = /(password|passphrase|secret|secretaccesskey|credential|token|pin|privatekey|private_key)$/i;
var SECRET_REFERENCE = /(arn|id|name|parametername)$/i;
var PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
var REDACTED = "[redacted]";
function redact(value, field = "") {
  if (field && SECRET_FIELD.test(field) && !SECRET_REFERENCE.test(field)) {
    return REDACTED;
  }
  if (typeof value === "string") {
    return PRIVATE_KEY.test(value) ? REDACTED : value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => redact(v));
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}
function log(message, fields = {}) {
  console.log(JSON.stringify({ message, ...redact(fields) }));
}

// src/key-store/handler/key-store-calls.ts
function keyStoreClients() {
  return defaultClients({ kms: import_client_kms.KMSClient, secrets: import_client_secrets_manager.SecretsManagerClient, ssm: import_client_ssm.SSMClient });
}
var DISCONNECT_WAIT_MS = 8 * 6e4;
var ERROR_HINTS = {
  CloudHsmClusterInUseException: "The cluster already serves another custom key store, or shares backup history with a cluster that does; a cluster serves one store.",
  CloudHsmClusterInvalidConfigurationException: "Creating a store, or moving it to another cluster, needs at least two active HSMs in different Availability Zones, private subnets in at least two Availability Zones, and the cluster security group rules (TCP 2223-2225 to itself) unchanged; connecting needs one active HSM.",
  CloudHsmClusterNotActiveException: "The cluster must be ACTIVE: initialized and activated, with a kmsuser crypto user.",
  CloudHsmClusterNotFoundException: "No CloudHSM cluster has that id in this account and Region.",
  CloudHsmClusterNotRelatedException: "A store can move only to a cluster that shares its cluster's backup history (one restored from its backup); for an unrelated cluster, create another CustomKeyStore.",
  IncorrectTrustAnchorException: "The trust anchor in the SSM parameter is not the certificate that signed the cluster certificate.",
  CustomKeyStoreNameInUseException: "Custom key store names are unique in an account and Region: choose another customKeyStoreName.",
  LimitExceededException: "The account has as many custom key stores in this Region as its KMS quota allows; delete one or ask for more.",
  XksProxyUriEndpointInUseException: "Another external key store in this account and Region uses this uriEndpoint.",
  XksProxyUriInUseException: "Another external key store in this account and Region uses this uriEndpoint and uriPath.",
  XksProxyVpcEndpointServiceInUseException: "Another external key store in this account and Region uses this VPC endpoint service.",
  XksProxyUriUnreachableException: "KMS checks the proxy when a store is created or changed, and could not reach it at uriEndpoint and uriPath.",
  XksProxyIncorrectAuthenticationCredentialException: "The proxy refused the credential from the credential secret.",
  XksProxyInvalidConfigurationException: "Check uriEndpoint, uriPath and connectivity against the proxy's configuration.",
  XksProxyInvalidResponseException: "The proxy answered with something KMS cannot interpret; check its logs and version.",
  XksProxyVpcEndpointServiceInvalidConfigurationException: "The VPC endpoint service needs a network load balancer in at least two Availability Zones, cks.kms.<region>.amazonaws.com in its allowed principals, no acceptance required, and a verified private DNS name.",
  XksProxyVpcEndpointServiceNotFoundException: "Check the VPC endpoint service name and owner.",
  ResourceNotFoundException: "The secret does not exist (or was deleted) in this account and Region.",
  ParameterNotFound: "The SSM parameter does not exist in this account and Region."
};
var withHint = (error, permission) => {
  const hint = ERROR_HINTS[error.name];
  return hint ? named(error.name, `${permission} failed (${error.name}): ${error.message} ${hint}`) : void 0;
};
function callWithHint(permission, send) {
  return call(permission, send, withHint);
}
async function describeById(kms, id) {
  return describe(kms, { CustomKeyStoreId: id });
}
async function describe(kms, input) {
  try {
    const out = await callWithHint("kms:DescribeCustomKeyStores", () => kms.send(new import_client_kms.DescribeCustomKeyStoresCommand(input)));
    return out.CustomKeyStores?.[0];
  } catch (error) {
    if (error.name === "CustomKeyStoreNotFoundException") {
      return void 0;
    }
    throw error;
  }
}
async function connect(kms, id) {
  await callWithHint("kms:ConnectCustomKeyStore", () => kms.send(new import_client_kms.ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })));
  log("connecting", { customKeyStoreId: id });
}
function connectionFailedError(store) {
  const kind = store.CustomKeyStoreType ?? "AWS_CLOUDHSM";
  const code = store.ConnectionErrorCode;
  const help = connectionErrorHelp(kind, code);
  const again = kind === "AWS_CLOUDHSM" && KMSUSER_ERROR_CODES.includes(code ?? "") ? "disconnects it, tells KMS the kmsuser password from the secret, and connects it again" : kind === "EXTERNAL_KEY_STORE" && code === "INVALID_CREDENTIALS" ? "disconnects it, sends the credential from the secret again, and connects it again" : "disconnects it and connects it again";
  return named("CustomKeyStoreConnectionFailed", `Custom key store ${store.CustomKeyStoreId} (${store.CustomKeyStoreName}) failed to connect: ${code ?? "no error code"}. ${help.meaning} To fix: ${help.fix} The store stays FAILED (its keys unusable) until a deployment reaches it, which ${again}.`);
}

// src/key-store/handler/is-complete.lambda.ts
async function isComplete(event, clients = keyStoreClients()) {
  if (event.RequestType === "Delete") {
    return { IsComplete: true };
  }
  const id = event.PhysicalResourceId;
  const store = await describeById(clients.kms, id);
  if (!store) {
    throw new Error(`Custom key store ${id} does not exist any more: it was deleted outside this stack while it was connecting.`);
  }
  log("connection state", { customKeyStoreId: id, state: store.ConnectionState });
  switch (store.ConnectionState) {
    case "CONNECTED":
      return { IsComplete: true };
    case "FAILED":
      throw connectionFailedError(store);
    case "DISCONNECTED":
      try {
        await connect(clients.kms, id);
      } catch (error) {
        if (error.name !== "CustomKeyStoreInvalidStateException") {
          throw error;
        }
      }
      return { IsComplete: false };
    default:
      return { IsComplete: false };
  }
}
var handler = (event) => isComplete(event);
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  isComplete
});
