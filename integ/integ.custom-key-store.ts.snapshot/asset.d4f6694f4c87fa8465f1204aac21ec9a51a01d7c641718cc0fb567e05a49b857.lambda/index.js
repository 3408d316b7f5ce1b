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

// src/key-store/handler/on-event.lambda.ts
var on_event_lambda_exports = {};
__export(on_event_lambda_exports, {
  handler: () => handler,
  onEvent: () => onEvent
});
module.exports = __toCommonJS(on_event_lambda_exports);
var import_client_kms2 = require("@aws-sdk/client-kms");

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

// src/key-store/handler/key-store-calls.ts
var import_client_kms = require("@aws-sdk/client-kms");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");
var import_client_ssm = require("@aws-sdk/client-ssm");

// src/key-store/handler/kms-user-password.ts
var KMS_USER_PASSWORD_PATTERN = /^[A-Za-z0-9]{8,32}$/;
var KMS_USER_PASSWORD_RULE = "8 to 32 letters and digits (KMS accepts 7 to 32 alphanumerics, CloudHSM 8 to 32 characters)";
function kmsUserPasswordProblem(password) {
  if (KMS_USER_PASSWORD_PATTERN.test(password)) {
    return void 0;
  }
  const others = password.replace(/[A-Za-z0-9]/g, "").length;
  return others > 0 ? `${password.length} characters, ${others} of them neither a letter nor a digit` : `${password.length} characters`;
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

// src/private/handler-kit/removal-policy.ts
function isDestroy(value) {
  return value === "DESTROY" || value === "destroy";
}

// src/key-store/handler/key-store-calls.ts
function keyStoreClients() {
  return defaultClients({ kms: import_client_kms.KMSClient, secrets: import_client_secrets_manager.SecretsManagerClient, ssm: import_client_ssm.SSMClient });
}
var DISCONNECT_WAIT_MS = 8 * 6e4;
var POLL_INTERVAL_MS = 5e3;
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
async function describeByName(kms, name) {
  return describe(kms, { CustomKeyStoreName: name });
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
async function update(kms, id, changes) {
  await callWithHint("kms:UpdateCustomKeyStore", () => kms.send(new import_client_kms.UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, ...changes })));
  log("updated", { customKeyStoreId: id, settings: Object.keys(changes) });
}
async function disconnectAndWait(clients, store) {
  const id = store.CustomKeyStoreId;
  const { clock } = clients;
  if (store.ConnectionState === "DISCONNECTED") {
    return;
  }
  if (store.ConnectionState !== "DISCONNECTING") {
    try {
      await callWithHint("kms:DisconnectCustomKeyStore", () => clients.kms.send(new import_client_kms.DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id })));
      log("disconnecting", { customKeyStoreId: id, from: store.ConnectionState });
    } catch (error) {
      if (error.name !== "CustomKeyStoreInvalidStateException") {
        throw error;
      }
    }
  }
  const deadline = clock.now() + DISCONNECT_WAIT_MS;
  for (; ; ) {
    const now = await describeById(clients.kms, id);
    if (!now) {
      throw new Error(`Custom key store ${id} disappeared while it was disconnecting: someone deleted it outside this stack.`);
    }
    if (now.ConnectionState === "DISCONNECTED") {
      return;
    }
    if (clock.now() >= deadline) {
      throw new Error(`Custom key store ${id} did not disconnect within ${DISCONNECT_WAIT_MS / 6e4} minutes (it is ${now.ConnectionState}); deploy again to continue.`);
    }
    await clock.sleep(POLL_INTERVAL_MS);
  }
}
async function readKmsUserPassword(secrets, secretArn) {
  const value = await readSecret(secrets, secretArn, "the kmsuser password");
  let password = value;
  const json = parseJsonObject(value);
  if (json) {
    if (typeof json.password !== "string") {
      throw new Error(`Secret ${secretArn} holds a JSON object without a string "password" field; store the kmsuser password as the secret's value, or as {"password": "..."}.`);
    }
    password = json.password;
  }
  const problem = kmsUserPasswordProblem(password);
  if (problem !== void 0) {
    throw new Error(`The kmsuser password in secret ${secretArn} has ${problem}; allowed: ${KMS_USER_PASSWORD_RULE}. Change it with CloudHSM CLI (user change-password --username kmsuser --role crypto-user) and store the new one in the secret.`);
  }
  return password;
}
async function readXksCredential(secrets, secretArn) {
  const value = await readSecret(secrets, secretArn, "the external key store proxy credential");
  const json = parseJsonObject(value);
  const shape = 'JSON {"accessKeyId": "<20-30 characters A-Z, 2-7>", "secretAccessKey": "<43-64 characters a-z, A-Z, 0-9, /, +, =>"}';
  if (!json || typeof json.accessKeyId !== "string" || typeof json.secretAccessKey !== "string") {
    throw new Error(`Secret ${secretArn} must hold the proxy credential as ${shape}.`);
  }
  const check = (field, text, min, max, pattern, characters) => {
    if (text.length < min || text.length > max || !pattern.test(text)) {
      throw new Error(`The ${field} in secret ${secretArn} is not valid: it has ${text.length} characters and must have ${min} to ${max}, only ${characters}.`);
    }
  };
  check("accessKeyId", json.accessKeyId, 20, 30, /^[A-Z2-7]+$/, "A-Z and 2-7");
  check("secretAccessKey", json.secretAccessKey, 43, 64, /^[a-zA-Z0-9/+=]+$/, "a-z, A-Z, 0-9, /, + and =");
  return { AccessKeyId: json.accessKeyId, RawSecretAccessKey: json.secretAccessKey };
}
async function readTrustAnchor(ssm, parameterName) {
  const out = await callWithHint("ssm:GetParameter", () => ssm.send(new import_client_ssm.GetParameterCommand({ Name: parameterName })));
  const pem = out.Parameter?.Value?.trim() ?? "";
  if (!pem.startsWith("-----BEGIN CERTIFICATE-----") || pem.length > 5e3) {
    throw new Error(`SSM parameter ${parameterName} must hold the cluster's trust anchor certificate in PEM (-----BEGIN CERTIFICATE----- ..., at most 5000 characters); it holds ${pem.length} characters that are not one.`);
  }
  return pem;
}
async function readSecret(secrets, secretArn, what) {
  const out = await callWithHint("secretsmanager:GetSecretValue", () => secrets.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: secretArn })));
  if (typeof out.SecretString !== "string") {
    throw new Error(`Secret ${secretArn} has no string value; store ${what} as text.`);
  }
  return out.SecretString;
}
function parseJsonObject(text) {
  if (!text.trimStart().startsWith("{")) {
    return void 0;
  }
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : void 0;
  } catch {
    return void 0;
  }
}

// src/key-store/handler/on-event.lambda.ts
async function onEvent(event, clients = keyStoreClients()) {
  const props = event.ResourceProperties;
  switch (event.RequestType) {
    case "Create":
      return { PhysicalResourceId: await createOrTakeOver(clients, props) };
    case "Update": {
      const old = event.OldResourceProperties;
      if (old.CustomKeyStoreType !== props.CustomKeyStoreType) {
        return { PhysicalResourceId: await createOrTakeOver(clients, props) };
      }
      const store = await describeById(clients.kms, event.PhysicalResourceId);
      if (!store) {
        log("store not found, creating it again", { customKeyStoreId: event.PhysicalResourceId });
        return { PhysicalResourceId: await createOrTakeOver(clients, props) };
      }
      await converge(clients, store, props, secretOf(old) !== secretOf(props));
      return { PhysicalResourceId: store.CustomKeyStoreId };
    }
    case "Delete":
      await deleteStore(clients, event.PhysicalResourceId, props);
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
}
var handler = (event) => onEvent(event);
function secretOf(props) {
  return props.CustomKeyStoreType === "AWS_CLOUDHSM" ? props.KmsUserPasswordSecretArn : props.XksProxyCredentialSecretArn;
}
async function createOrTakeOver(clients, props) {
  const existing = await describeByName(clients.kms, props.CustomKeyStoreName);
  if (existing) {
    return takeOver(clients, existing, props);
  }
  const request = await createRequest(clients, props);
  let id;
  try {
    const out = await callWithHint("kms:CreateCustomKeyStore", () => clients.kms.send(new import_client_kms2.CreateCustomKeyStoreCommand(request)));
    id = out.CustomKeyStoreId;
  } catch (error) {
    const raced = error.name === "CustomKeyStoreNameInUseException" && await describeByName(clients.kms, props.CustomKeyStoreName);
    if (raced) {
      return takeOver(clients, raced, props);
    }
    throw error;
  }
  log("created", { customKeyStoreId: id, name: props.CustomKeyStoreName, type: props.CustomKeyStoreType });
  await connect(clients.kms, id);
  return id;
}
async function createRequest(clients, props) {
  if (props.CustomKeyStoreType === "AWS_CLOUDHSM") {
    return {
      CustomKeyStoreName: props.CustomKeyStoreName,
      CustomKeyStoreType: "AWS_CLOUDHSM",
      CloudHsmClusterId: props.CloudHsmClusterId,
      TrustAnchorCertificate: await readTrustAnchor(clients.ssm, props.TrustAnchorParameterName),
      KeyStorePassword: await readKmsUserPassword(clients.secrets, props.KmsUserPasswordSecretArn)
    };
  }
  return {
    CustomKeyStoreName: props.CustomKeyStoreName,
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    XksProxyUriEndpoint: props.XksProxyUriEndpoint,
    XksProxyUriPath: props.XksProxyUriPath,
    XksProxyConnectivity: props.XksProxyConnectivity,
    XksProxyVpcEndpointServiceName: props.XksProxyVpcEndpointServiceName,
    XksProxyVpcEndpointServiceOwner: props.XksProxyVpcEndpointServiceOwner,
    XksProxyAuthenticationCredential: await readXksCredential(clients.secrets, props.XksProxyCredentialSecretArn)
  };
}
async function takeOver(clients, store, props) {
  const id = store.CustomKeyStoreId;
  const name = props.CustomKeyStoreName;
  if (store.CustomKeyStoreType !== props.CustomKeyStoreType) {
    throw new Error(`A custom key store named "${name}" already exists (${id}) with type ${store.CustomKeyStoreType}, and this stack asks for ${props.CustomKeyStoreType}. A store's type cannot change and names are unique in an account and Region: give the new store another customKeyStoreName (or construct id), or delete the existing store.`);
  }
  const inUse = store.ConnectionState === "CONNECTED" || store.ConnectionState === "CONNECTING";
  const theirs = targetOfStore(store);
  const ours = targetOfProps(props);
  if (inUse && theirs !== ours) {
    throw new Error(`A custom key store named "${name}" already exists (${id}) and is ${store.ConnectionState} to ${theirs}; this stack asks for ${ours}. Names are unique in an account and Region: choose another customKeyStoreName, or, if that store is a leftover of this stack, disconnect it so that the next deployment takes it over.`);
  }
  log("taking over the existing store of this name", { customKeyStoreId: id, name, state: store.ConnectionState });
  await converge(clients, store, props, false);
  return id;
}
function targetOfStore(store) {
  if (store.CustomKeyStoreType === "AWS_CLOUDHSM") {
    return `cluster ${store.CloudHsmClusterId}`;
  }
  const xks = store.XksProxyConfiguration ?? {};
  return proxyTarget(xks.UriEndpoint, xks.Connectivity, xks.VpcEndpointServiceName);
}
function targetOfProps(props) {
  if (props.CustomKeyStoreType === "AWS_CLOUDHSM") {
    return `cluster ${props.CloudHsmClusterId}`;
  }
  return proxyTarget(props.XksProxyUriEndpoint, props.XksProxyConnectivity, props.XksProxyVpcEndpointServiceName);
}
function proxyTarget(endpoint, connectivity, serviceName) {
  return `proxy ${endpoint} (${connectivity}${serviceName ? ` ${serviceName}` : ""})`;
}
async function converge(clients, store, props, secretChanged) {
  const id = store.CustomKeyStoreId;
  const failedCode = store.ConnectionState === "FAILED" ? store.ConnectionErrorCode ?? "UNKNOWN" : void 0;
  const inPlace = {};
  const offline = {};
  if (store.CustomKeyStoreName !== props.CustomKeyStoreName) {
    Object.assign(inPlace, { NewCustomKeyStoreName: props.CustomKeyStoreName });
  }
  if (props.CustomKeyStoreType === "AWS_CLOUDHSM") {
    if (store.CloudHsmClusterId !== props.CloudHsmClusterId) {
      Object.assign(offline, { CloudHsmClusterId: props.CloudHsmClusterId });
    }
    if (secretChanged || failedCode && KMSUSER_ERROR_CODES.includes(failedCode)) {
      Object.assign(offline, { KeyStorePassword: await readKmsUserPassword(clients.secrets, props.KmsUserPasswordSecretArn) });
    }
  } else {
    const xks = store.XksProxyConfiguration ?? {};
    if (xks.UriEndpoint !== props.XksProxyUriEndpoint) {
      Object.assign(offline, { XksProxyUriEndpoint: props.XksProxyUriEndpoint });
    }
    if (xks.Connectivity !== props.XksProxyConnectivity) {
      Object.assign(offline, { XksProxyConnectivity: props.XksProxyConnectivity });
    }
    if (props.XksProxyConnectivity === "VPC_ENDPOINT_SERVICE") {
      if (xks.VpcEndpointServiceName !== props.XksProxyVpcEndpointServiceName) {
        Object.assign(offline, { XksProxyVpcEndpointServiceName: props.XksProxyVpcEndpointServiceName });
      }
      if (props.XksProxyVpcEndpointServiceOwner && xks.VpcEndpointServiceOwner !== props.XksProxyVpcEndpointServiceOwner) {
        Object.assign(offline, { XksProxyVpcEndpointServiceOwner: props.XksProxyVpcEndpointServiceOwner });
      }
    }
    if (xks.UriPath !== props.XksProxyUriPath) {
      Object.assign(inPlace, { XksProxyUriPath: props.XksProxyUriPath });
    }
    const credential = await readXksCredential(clients.secrets, props.XksProxyCredentialSecretArn);
    if (secretChanged || failedCode === "INVALID_CREDENTIALS" || xks.AccessKeyId !== credential.AccessKeyId) {
      Object.assign(inPlace, { XksProxyAuthenticationCredential: credential });
    }
  }
  let disconnect = Object.keys(offline).length > 0 || failedCode !== void 0;
  if (!disconnect && Object.keys(inPlace).length > 0) {
    try {
      await update(clients.kms, id, inPlace);
      return await connectUnlessConnected(clients, store);
    } catch (error) {
      if (error.name !== "CustomKeyStoreInvalidStateException") {
        throw error;
      }
      disconnect = true;
    }
  }
  if (!disconnect) {
    return connectUnlessConnected(clients, store);
  }
  log("disconnecting to change the store", { customKeyStoreId: id, settings: [...Object.keys(offline), ...Object.keys(inPlace)], failedCode });
  await disconnectAndWait(clients, store);
  const changes = { ...offline, ...inPlace };
  if (Object.keys(changes).length > 0) {
    await update(clients.kms, id, changes);
  }
  await connect(clients.kms, id);
}
async function connectUnlessConnected(clients, store) {
  switch (store.ConnectionState) {
    case "CONNECTED":
    case "CONNECTING":
      return;
    case "DISCONNECTING":
      await disconnectAndWait(clients, store);
      return connect(clients.kms, store.CustomKeyStoreId);
    default:
      return connect(clients.kms, store.CustomKeyStoreId);
  }
}
async function deleteStore(clients, id, props) {
  if (!isDestroy(props.RemovalPolicy)) {
    log("retained", { customKeyStoreId: id });
    return;
  }
  if (!id.startsWith("cks-")) {
    log("no custom key store was created", { physicalResourceId: id });
    return;
  }
  const store = await describeById(clients.kms, id);
  if (!store) {
    log("already deleted", { customKeyStoreId: id });
    return;
  }
  const keys = await keysIn(clients.kms, id);
  if (keys.length > 0) {
    throw named("CustomKeyStoreHasCMKsException", `${storeHoldsKeys(store, keys)} The store was left ${store.ConnectionState}.`);
  }
  await disconnectAndWait(clients, store);
  try {
    await callWithHint("kms:DeleteCustomKeyStore", () => clients.kms.send(new import_client_kms2.DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })));
    log("deleted", { customKeyStoreId: id });
  } catch (error) {
    const name = error.name;
    if (name === "CustomKeyStoreNotFoundException") {
      return;
    }
    if (name === "CustomKeyStoreHasCMKsException") {
      await connect(clients.kms, id);
      throw named(name, `${storeHoldsKeys(store, [])} It was connected again.`);
    }
    throw error;
  }
}
async function keysIn(kms, id) {
  const found = [];
  let undescribed = 0;
  let marker;
  do {
    const page = await callWithHint("kms:ListKeys", () => kms.send(new import_client_kms2.ListKeysCommand({ Limit: 1e3, Marker: marker })));
    const ids = (page.Keys ?? []).map((k) => k.KeyId);
    for (let i = 0; i < ids.length; i += 10) {
      const batch = await Promise.all(ids.slice(i, i + 10).map(async (keyId) => {
        try {
          return (await kms.send(new import_client_kms2.DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
        } catch (error) {
          undescribed++;
          return void 0;
        }
      }));
      found.push(...batch.filter((k) => k?.CustomKeyStoreId === id));
    }
    marker = page.Truncated ? page.NextMarker : void 0;
  } while (marker);
  log("keys in the store", { customKeyStoreId: id, keys: found.length, undescribed });
  return found;
}
function storeHoldsKeys(store, keys) {
  const shown = keys.slice(0, 10).map((k) => `${k.KeyId} (${k.KeyState}${k.DeletionDate ? `, deleted on ${k.DeletionDate.toISOString()}` : ""})`);
  const more = keys.length > shown.length ? ` and ${keys.length - shown.length} more` : "";
  const which = keys.length > 0 ? `${keys.length} KMS key(s): ${shown.join(", ")}${more}` : "KMS keys";
  return `Custom key store ${store.CustomKeyStoreId} (${store.CustomKeyStoreName}) still holds ${which}, so it cannot be deleted. KMS deletes a custom key store only when no key is in it, and keys scheduled for deletion count until their waiting period ends. Schedule the deletion of its keys (ScheduleKeyDeletion) and delete again once they are gone, or keep the store: removalPolicy RETAIN.`;
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  onEvent
});
