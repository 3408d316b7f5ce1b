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

// src/key-store/key/handler/rotate.lambda.ts
var rotate_lambda_exports = {};
__export(rotate_lambda_exports, {
  SETTLE_MS: () => SETTLE_MS,
  handler: () => handler,
  rotate: () => rotate
});
module.exports = __toCommonJS(rotate_lambda_exports);
var import_client_kms2 = require("@aws-sdk/client-kms");

// src/key-store/key/handler/key-calls.ts
var import_client_kms = require("@aws-sdk/client-kms");

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
function errorName(error) {
  return error?.name ?? "";
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

// src/key-store/key/custom-key-store-key-tags.ts
var KMI_TAG_PREFIX = "cdk-kmi:";
var TAG_KEY_FAMILY = "cdk-kmi:key-family";
var TAG_GENERATION = "cdk-kmi:generation";
var TAG_PREDECESSOR = "cdk-kmi:predecessor-key-id";
var TAG_SUCCESSOR = "cdk-kmi:successor-key-id";
var TAG_ROTATION_STARTED = "cdk-kmi:rotation-started-at";

// src/key-store/key/handler/key-calls.ts
function keyClients() {
  return defaultClients({ kms: import_client_kms.KMSClient });
}
async function describeKey(kms, keyId) {
  try {
    const described = await call("kms:DescribeKey", () => kms.send(new import_client_kms.DescribeKeyCommand({ KeyId: keyId })));
    return described.KeyMetadata;
  } catch (error) {
    if (errorName(error) === "NotFoundException") {
      return void 0;
    }
    throw error;
  }
}
async function tagsOf(kms, keyId) {
  const tags = {};
  let marker;
  do {
    const page = await call("kms:ListResourceTags", () => kms.send(new import_client_kms.ListResourceTagsCommand({ KeyId: keyId, Marker: marker })));
    for (const tag of page.Tags ?? []) {
      tags[tag.TagKey] = tag.TagValue ?? "";
    }
    marker = page.Truncated ? page.NextMarker : void 0;
  } while (marker);
  return tags;
}
function userTags(tags) {
  return Object.entries(tags).filter(([key]) => !key.startsWith(KMI_TAG_PREFIX)).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}
async function requireConnectedStore(kms, storeId, expectedType) {
  let stores;
  try {
    stores = await call("kms:DescribeCustomKeyStores", () => kms.send(new import_client_kms.DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId })));
  } catch (error) {
    if (errorName(error) === "CustomKeyStoreNotFoundException") {
      throw new Error(`Custom key store ${storeId} does not exist in this account and Region: pass the id of an existing store (a CustomKeyStore of the same app, or one created and connected beforehand).`);
    }
    throw error;
  }
  const store = stores.CustomKeyStores?.[0];
  if (!store) {
    throw new Error(`Custom key store ${storeId} does not exist in this account and Region.`);
  }
  if (expectedType && store.CustomKeyStoreType && store.CustomKeyStoreType !== expectedType) {
    throw new Error(`Custom key store ${storeId} is of type ${store.CustomKeyStoreType}, not ${expectedType}: give the key the store it was declared with.`);
  }
  if (store.ConnectionState !== "CONNECTED") {
    const code = store.ConnectionErrorCode ? ` (ConnectionErrorCode ${store.ConnectionErrorCode})` : "";
    throw new Error(`Custom key store ${storeId} is ${store.ConnectionState}${code}; KMS creates keys only in a CONNECTED store. ` + howToConnect(store.ConnectionState));
  }
}
function howToConnect(state) {
  switch (state) {
    case "CONNECTING":
      return "Wait until it is CONNECTED (up to 20 minutes for a CloudHSM store) and deploy again; in one app, make the key depend on the CustomKeyStore that connects it.";
    case "FAILED":
      return "Fix the cause named by the ConnectionErrorCode, disconnect the store (DisconnectCustomKeyStore), connect it (ConnectCustomKeyStore, or deploy its CustomKeyStore again) and deploy again.";
    default:
      return "Connect it (ConnectCustomKeyStore, or deploy its CustomKeyStore, which connects it) and deploy again.";
  }
}
async function createKey(kms, input, sleep) {
  const created = await whilePrincipalsPropagate(sleep, () => call("kms:CreateKey", () => kms.send(new import_client_kms.CreateKeyCommand(input))));
  return created.KeyMetadata;
}
var PROPAGATION_DELAYS_MS = [2e3, 4e3, 8e3, 15e3, 3e4, 6e4];
async function whilePrincipalsPropagate(sleep, send) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const invalidPrincipal = errorName(error) === "MalformedPolicyDocumentException" && /principal/i.test(error.message);
      if (!invalidPrincipal || attempt >= PROPAGATION_DELAYS_MS.length) {
        throw error;
      }
      await sleep(PROPAGATION_DELAYS_MS[attempt]);
    }
  }
}
function explainCreateKeyError(error, storeId, xksKeyId) {
  const name = errorName(error);
  const message = error?.message ?? String(error);
  const explain = (text) => new Error(`CreateKey in custom key store ${storeId} failed (${name}): ${text} ${message}`);
  switch (name) {
    case "CloudHsmClusterInvalidConfigurationException":
      return explain("KMS creates keys only when the store's CloudHSM cluster has at least two active HSMs in different Availability Zones. Add HSMs (CloudHsmCluster hsmCount, or CreateHsm) and deploy again.");
    case "CustomKeyStoreInvalidStateException":
      return explain("the store is not CONNECTED. Connect it (ConnectCustomKeyStore, or deploy its CustomKeyStore) and deploy again.");
    case "XksKeyNotFoundException":
      return explain(`the external key manager has no key with id ${xksKeyId}. Create the AES-256 key there, or correct xksKeyId.`);
    case "XksKeyInvalidConfigurationException":
      return explain(`external key ${xksKeyId} must be an enabled 256-bit AES key that can encrypt and decrypt. Fix it in the external key manager.`);
    case "XksKeyAlreadyInUseException":
      return explain(`external key ${xksKeyId} is already the key material of another KMS key; each KMS key needs an external key of its own.`);
    case "XksProxyUriUnreachableException":
    case "XksProxyInvalidResponseException":
    case "XksProxyIncorrectAuthenticationCredentialException":
    case "XksProxyInvalidConfigurationException":
      return explain("KMS could not use the external key store proxy. Check the proxy, its credential and its key manager, then deploy again.");
    default:
      return error instanceof Error ? error : new Error(message);
  }
}

// src/key-store/key/handler/rotate.lambda.ts
var SETTLE_MS = 60 * 60 * 1e3;
var DAY_MS = 24 * 60 * 60 * 1e3;
async function rotate(input, clients = keyClients()) {
  const { kms } = clients;
  const now = new Date(clients.clock.now());
  const periodDays = Number(input.RotationPeriodInDays);
  if (!input.AliasName || !input.KeyFamily || !Number.isInteger(periodDays) || periodDays < 1) {
    throw new Error(`Invalid rotation input ${JSON.stringify(input)}: AliasName, KeyFamily and a whole RotationPeriodInDays are required.`);
  }
  const current = await describeKey(kms, input.AliasName);
  if (!current) {
    throw new Error(`The alias ${input.AliasName} does not exist, so the current key cannot be found. Create it again for the newest enabled generation of the key (tag cdk-kmi:key-family ${input.KeyFamily}), or deploy the stack again, which restores it.`);
  }
  const currentId = current.KeyId;
  const tags = await tagsOf(kms, currentId);
  if (tags[TAG_KEY_FAMILY] !== input.KeyFamily) {
    throw new Error(`The alias ${input.AliasName} points to KMS key ${currentId}, which is not a generation of this key (its cdk-kmi:key-family tag is ${JSON.stringify(tags[TAG_KEY_FAMILY])}, not ${JSON.stringify(input.KeyFamily)}). Rotation stops rather than copy another key's policy; point the alias back to the newest generation.`);
  }
  if (current.KeyState !== "Enabled") {
    throw new Error(`The current key ${currentId} (alias ${input.AliasName}) is ${current.KeyState}; rotation needs it Enabled. Enable it (EnableKey, or CancelKeyDeletion then EnableKey), or point the alias to an enabled generation.`);
  }
  if (current.Origin !== "AWS_CLOUDHSM") {
    throw new Error(`The current key ${currentId} has origin ${current.Origin}; scheduled rotation creates successors only in CloudHSM key stores (a key in an external key store needs a new external key for each successor).`);
  }
  const successorId = tags[TAG_SUCCESSOR];
  if (successorId) {
    return promote(kms, input.AliasName, current, successorId, now);
  }
  const dueAt = new Date(current.CreationDate.getTime() + periodDays * DAY_MS);
  if (now < dueAt) {
    return { action: "NOT_DUE", currentKeyId: currentId };
  }
  const successor = await createSuccessor(kms, current, tags, (ms) => clients.clock.sleep(ms), now);
  return { action: "SUCCESSOR_CREATED", currentKeyId: currentId, successorKeyId: successor };
}
var handler = (event) => rotate(event);
async function promote(kms, aliasName, current, successorId, now) {
  const successor = await describeKey(kms, successorId);
  if (!successor || successor.KeyState !== "Enabled") {
    throw new Error(`The successor ${successorId} recorded on key ${current.KeyId} is ${successor ? successor.KeyState : "gone"}, so the alias stays where it is. Enable the successor, or remove the cdk-kmi:successor-key-id tag from ${current.KeyId} so that the next run creates a new successor.`);
  }
  if (now.getTime() - successor.CreationDate.getTime() < SETTLE_MS) {
    return { action: "WAITING_FOR_SUCCESSOR", currentKeyId: current.KeyId, successorKeyId: successorId };
  }
  await call("kms:UpdateAlias", () => kms.send(new import_client_kms2.UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: successorId })));
  return { action: "ALIAS_MOVED", currentKeyId: successorId, successorKeyId: successorId };
}
async function createSuccessor(kms, current, tags, sleep, now) {
  const currentId = current.KeyId;
  await requireConnectedStore(kms, current.CustomKeyStoreId, "AWS_CLOUDHSM");
  const policy = await call("kms:GetKeyPolicy", () => kms.send(new import_client_kms2.GetKeyPolicyCommand({ KeyId: currentId, PolicyName: "default" })));
  await call("kms:TagResource", () => kms.send(new import_client_kms2.TagResourceCommand({
    KeyId: currentId,
    Tags: [{ TagKey: TAG_ROTATION_STARTED, TagValue: now.toISOString() }]
  })));
  const generation = (Number(tags[TAG_GENERATION]) || 1) + 1;
  let successor;
  try {
    successor = await createKey(kms, {
      CustomKeyStoreId: current.CustomKeyStoreId,
      Origin: "AWS_CLOUDHSM",
      KeySpec: "SYMMETRIC_DEFAULT",
      KeyUsage: "ENCRYPT_DECRYPT",
      MultiRegion: false,
      Description: current.Description,
      Policy: policy.Policy,
      Tags: [
        ...userTags(tags),
        { TagKey: TAG_KEY_FAMILY, TagValue: tags[TAG_KEY_FAMILY] },
        { TagKey: TAG_GENERATION, TagValue: String(generation) },
        { TagKey: TAG_PREDECESSOR, TagValue: currentId }
      ]
    }, sleep);
  } catch (error) {
    throw explainCreateKeyError(error, current.CustomKeyStoreId);
  }
  try {
    await call("kms:TagResource", () => kms.send(new import_client_kms2.TagResourceCommand({
      KeyId: currentId,
      Tags: [{ TagKey: TAG_SUCCESSOR, TagValue: successor.KeyId }]
    })));
  } catch (error) {
    throw new Error(`Created successor ${successor.KeyId} of key ${currentId} but could not record it on ${currentId} (${error.message}). The next run creates another successor; ${successor.KeyId} (tagged ${TAG_PREDECESSOR} ${currentId}) is not used by anything: schedule its deletion.`);
  }
  return successor.KeyId;
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  SETTLE_MS,
  handler,
  rotate
});
