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

// src/key-store/key/handler/on-event.lambda.ts
var on_event_lambda_exports = {};
__export(on_event_lambda_exports, {
  handler: () => handler,
  onEvent: () => onEvent
});
module.exports = __toCommonJS(on_event_lambda_exports);
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

// src/private/handler-kit/removal-policy.ts
function isDestroy(value) {
  return value === "DESTROY" || value === "destroy";
}

// src/key-store/key/custom-key-store-key-tags.ts
var KMI_TAG_PREFIX = "cdk-kmi:";
var TAG_KEY_FAMILY = "cdk-kmi:key-family";
var TAG_GENERATION = "cdk-kmi:generation";
var TAG_SUCCESSOR = "cdk-kmi:successor-key-id";
var TAG_STACK_ID = "cdk-kmi:stack-id";
var TAG_LOGICAL_ID = "cdk-kmi:logical-id";
var TAG_CREATE_REQUEST = "cdk-kmi:create-request";

// src/key-store/key/handler/key-calls.ts
var MAX_GENERATIONS = 1e3;
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
async function generations(kms, firstKeyId) {
  const chain = [];
  const seen = /* @__PURE__ */ new Set();
  let keyId = firstKeyId;
  while (keyId && !seen.has(keyId) && chain.length < MAX_GENERATIONS) {
    seen.add(keyId);
    const metadata = await describeKey(kms, keyId);
    if (!metadata) {
      chain.push({ keyId, tags: {} });
      break;
    }
    const tags = await tagsOf(kms, metadata.KeyId);
    chain.push({ keyId: metadata.KeyId, metadata, tags });
    keyId = tags[TAG_SUCCESSOR];
  }
  return chain;
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
function isKeyId(id) {
  return /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(id);
}

// src/key-store/key/handler/on-event.lambda.ts
var REPLACING_PROPERTIES = ["CustomKeyStoreId", "CustomKeyStoreType", "XksKeyId"];
var ROLLBACK_PENDING_WINDOW_DAYS = 7;
async function onEvent(event, clients = keyClients()) {
  const props = event.ResourceProperties;
  const sleep = (ms) => clients.clock.sleep(ms);
  switch (event.RequestType) {
    case "Create":
      return create(clients.kms, event, props, sleep);
    case "Update": {
      const old = event.OldResourceProperties;
      if (REPLACING_PROPERTIES.some((name) => (old[name] ?? "") !== (props[name] ?? ""))) {
        return create(clients.kms, event, props, sleep);
      }
      return update(clients.kms, event.PhysicalResourceId, old, props, sleep);
    }
    case "Delete":
      await remove(clients.kms, event.PhysicalResourceId, props);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { KeyId: event.PhysicalResourceId, KeyArn: "" } };
  }
}
var handler = (event) => onEvent(event);
async function create(kms, event, props, sleep) {
  const requester = { stackId: event.StackId, logicalId: event.LogicalResourceId, requestId: event.RequestId };
  const aliased = await aliasTarget(kms, props.AliasName);
  if (aliased && aliased.tags[TAG_CREATE_REQUEST] === requester.requestId && ownedBy(aliased.tags, requester)) {
    return result(aliased.metadata);
  }
  if (aliased && !ownedBy(aliased.tags, requester)) {
    throw aliasInUse(props.AliasName, aliased.metadata.KeyId);
  }
  await requireConnectedStore(kms, props.CustomKeyStoreId, props.CustomKeyStoreType);
  let key;
  try {
    key = await createKey(kms, {
      CustomKeyStoreId: props.CustomKeyStoreId,
      Origin: props.CustomKeyStoreType === "EXTERNAL_KEY_STORE" ? "EXTERNAL_KEY_STORE" : "AWS_CLOUDHSM",
      XksKeyId: props.CustomKeyStoreType === "EXTERNAL_KEY_STORE" ? props.XksKeyId : void 0,
      KeySpec: "SYMMETRIC_DEFAULT",
      KeyUsage: "ENCRYPT_DECRYPT",
      MultiRegion: false,
      Description: props.Description,
      Policy: JSON.stringify(props.Policy),
      Tags: [
        ...toKmsTags(props.Tags),
        { TagKey: TAG_KEY_FAMILY, TagValue: props.KeyFamily },
        { TagKey: TAG_GENERATION, TagValue: "1" },
        { TagKey: TAG_STACK_ID, TagValue: requester.stackId },
        { TagKey: TAG_LOGICAL_ID, TagValue: requester.logicalId },
        { TagKey: TAG_CREATE_REQUEST, TagValue: requester.requestId }
      ]
    }, sleep);
  } catch (error) {
    throw explainCreateKeyError(error, props.CustomKeyStoreId, props.XksKeyId);
  }
  try {
    if (aliased) {
      await call("kms:UpdateAlias", () => kms.send(new import_client_kms2.UpdateAliasCommand({ AliasName: props.AliasName, TargetKeyId: key.KeyId })));
    } else {
      await call("kms:CreateAlias", () => kms.send(new import_client_kms2.CreateAliasCommand({ AliasName: props.AliasName, TargetKeyId: key.KeyId })));
    }
  } catch (error) {
    await rollBack(kms, key.KeyId, error);
  }
  return result(key);
}
async function rollBack(kms, keyId, cause) {
  try {
    await call("kms:ScheduleKeyDeletion", () => kms.send(new import_client_kms2.ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: ROLLBACK_PENDING_WINDOW_DAYS })));
  } catch (error) {
    throw new Error(`${cause.message} The key ${keyId} created for it could not be scheduled for deletion either (${error.message}); schedule its deletion yourself.`);
  }
  cause.message = `${cause.message} The key ${keyId} created for it is scheduled for deletion in ${ROLLBACK_PENDING_WINDOW_DAYS} days (CancelKeyDeletion restores it).`;
  throw cause;
}
async function update(kms, physicalId, old, props, sleep) {
  const chain = await generations(kms, physicalId);
  const first = chain[0];
  if (!first?.metadata) {
    throw new Error(`KMS key ${physicalId} no longer exists, so it cannot be updated. Change the key's construct id (or its store) to create a new key.`);
  }
  const live = chain.filter((g) => g.metadata && g.metadata.KeyState !== "PendingDeletion");
  if (JSON.stringify(old.Policy) !== JSON.stringify(props.Policy)) {
    for (const g of live) {
      await whilePrincipalsPropagate(sleep, () => call(
        "kms:PutKeyPolicy",
        () => kms.send(new import_client_kms2.PutKeyPolicyCommand({ KeyId: g.keyId, PolicyName: "default", Policy: JSON.stringify(props.Policy) }))
      ));
    }
  }
  if (old.Description !== props.Description) {
    for (const g of live) {
      await call("kms:UpdateKeyDescription", () => kms.send(new import_client_kms2.UpdateKeyDescriptionCommand({ KeyId: g.keyId, Description: props.Description })));
    }
  }
  await updateTags(kms, live, old.Tags, props.Tags);
  await reconcileAlias(kms, chain, old.AliasName, props.AliasName);
  return result(first.metadata);
}
async function updateTags(kms, live, oldTags, newTags) {
  const before = Object.fromEntries((oldTags ?? []).map((t) => [t.Key, t.Value]));
  const after = Object.fromEntries((newTags ?? []).map((t) => [t.Key, t.Value]));
  const changed = toKmsTags(newTags).filter((t) => before[t.TagKey] !== t.TagValue);
  const removed = Object.keys(before).filter((key) => !(key in after) && !key.startsWith(KMI_TAG_PREFIX));
  for (const g of live) {
    if (changed.length > 0) {
      await call("kms:TagResource", () => kms.send(new import_client_kms2.TagResourceCommand({ KeyId: g.keyId, Tags: changed })));
    }
    if (removed.length > 0) {
      await call("kms:UntagResource", () => kms.send(new import_client_kms2.UntagResourceCommand({ KeyId: g.keyId, TagKeys: removed })));
    }
  }
}
async function reconcileAlias(kms, chain, oldAlias, newAlias) {
  const ours = (target) => target !== void 0 && chain.some((g) => g.keyId === target.metadata.KeyId);
  const newTarget = await aliasTarget(kms, newAlias);
  if (newTarget && !ours(newTarget)) {
    throw aliasInUse(newAlias, newTarget.metadata.KeyId);
  }
  const oldTarget = oldAlias !== newAlias ? await aliasTarget(kms, oldAlias) : void 0;
  if (!newTarget) {
    const current = ours(oldTarget) ? oldTarget.metadata.KeyId : [...chain].reverse().find((g) => g.metadata?.KeyState === "Enabled")?.keyId ?? chain[0].keyId;
    await call("kms:CreateAlias", () => kms.send(new import_client_kms2.CreateAliasCommand({ AliasName: newAlias, TargetKeyId: current })));
  }
  if (ours(oldTarget)) {
    await call("kms:DeleteAlias", () => kms.send(new import_client_kms2.DeleteAliasCommand({ AliasName: oldAlias })));
  }
}
async function remove(kms, physicalId, props) {
  if (!isDestroy(props.RemovalPolicy) || !isKeyId(physicalId)) {
    return;
  }
  const chain = await generations(kms, physicalId);
  const ours = new Set(chain.map((g) => g.keyId));
  const aliased = await aliasTarget(kms, props.AliasName).catch(() => void 0);
  if (aliased && ours.has(aliased.metadata.KeyId)) {
    await ignoreGone(call("kms:DeleteAlias", () => kms.send(new import_client_kms2.DeleteAliasCommand({ AliasName: props.AliasName }))));
  }
  const days = Number(props.PendingWindowInDays);
  for (const g of chain.filter((x) => x.metadata && x.metadata.KeyState !== "PendingDeletion")) {
    await ignoreGone(call("kms:ScheduleKeyDeletion", () => kms.send(new import_client_kms2.ScheduleKeyDeletionCommand({ KeyId: g.keyId, PendingWindowInDays: days }))));
  }
}
async function ignoreGone(promise) {
  try {
    await promise;
  } catch (error) {
    if (errorName(error) !== "NotFoundException" && errorName(error) !== "KMSInvalidStateException") {
      throw error;
    }
  }
}
async function aliasTarget(kms, aliasName) {
  let metadata;
  try {
    metadata = await describeKey(kms, aliasName);
  } catch (error) {
    if (/was denied/.test(error.message)) {
      throw new Error(`The alias ${aliasName} exists and points to a key this handler may not describe, so it belongs to another key. Choose another alias name. ` + error.message);
    }
    throw error;
  }
  return metadata ? { metadata, tags: await tagsOf(kms, metadata.KeyId) } : void 0;
}
function ownedBy(tags, requester) {
  return tags[TAG_STACK_ID] === requester.stackId && tags[TAG_LOGICAL_ID] === requester.logicalId;
}
function aliasInUse(aliasName, keyId) {
  return new Error(`The alias ${aliasName} already points to KMS key ${keyId}, which this resource did not create. Choose another alias name, or delete that alias if it is unused.`);
}
function toKmsTags(tags) {
  return (tags ?? []).filter((t) => !t.Key.startsWith(KMI_TAG_PREFIX)).map((t) => ({ TagKey: t.Key, TagValue: t.Value }));
}
function result(key) {
  return { PhysicalResourceId: key.KeyId, Data: { KeyId: key.KeyId, KeyArn: key.Arn } };
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  onEvent
});
