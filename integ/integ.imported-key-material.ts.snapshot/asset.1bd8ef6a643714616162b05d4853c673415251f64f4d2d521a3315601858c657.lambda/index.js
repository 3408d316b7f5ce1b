"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
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
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/kms/imported-key-material/handler/on-event.lambda.ts
var on_event_lambda_exports = {};
__export(on_event_lambda_exports, {
  checkKeyMaterialApi: () => checkKeyMaterialApi,
  handler: () => handler,
  materialDescription: () => materialDescription,
  onEvent: () => onEvent
});
module.exports = __toCommonJS(on_event_lambda_exports);
var kmsSdk = __toESM(require("@aws-sdk/client-kms"));
var import_client_kms = require("@aws-sdk/client-kms");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

// src/kms/imported-key-material/handler/wrapping.ts
var import_node_crypto = require("node:crypto");
var KEY_MATERIAL_BYTES = 32;
var WRAPPING_ALGORITHM = "RSAES_OAEP_SHA_256";
var WRAPPING_KEY_SPEC = "RSA_4096";
var WRAPPING_KEY_BITS = 4096;
var MATERIAL_BASE64 = /^[A-Za-z0-9+/]{43}=?$/;
function parseKeyMaterial(text, source) {
  const trimmed = text.trim();
  if (!MATERIAL_BASE64.test(trimmed)) {
    const reason = /^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) ? `base64 of ${Buffer.from(trimmed, "base64").length} bytes (${trimmed.length} characters)` : `${trimmed.length} characters that are not all base64`;
    throw new Error(`The ${source} does not hold key material in the expected format: it holds ${reason}; expected the standard base64 of exactly ${KEY_MATERIAL_BYTES} random bytes (44 characters ending in '='), for example the output of 'openssl rand -base64 ${KEY_MATERIAL_BYTES}'.`);
  }
  return Buffer.from(trimmed, "base64");
}
function wrapKeyMaterial(material, publicKeyDer) {
  if (material.length !== KEY_MATERIAL_BYTES) {
    throw new Error(`Key material must be ${KEY_MATERIAL_BYTES} bytes; got ${material.length} bytes.`);
  }
  const publicKey = (0, import_node_crypto.createPublicKey)({ key: Buffer.from(publicKeyDer), format: "der", type: "spki" });
  const bits = publicKey.asymmetricKeyDetails?.modulusLength;
  if (publicKey.asymmetricKeyType !== "rsa" || bits !== WRAPPING_KEY_BITS) {
    throw new Error(`The wrapping public key is ${publicKey.asymmetricKeyType} ${bits ?? "?"} bits; expected the ${WRAPPING_KEY_SPEC} key asked of GetParametersForImport.`);
  }
  return (0, import_node_crypto.publicEncrypt)({ key: publicKey, padding: import_node_crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, material);
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

// src/kms/imported-key-material/handler/on-event.lambda.ts
var DAY_MS = 24 * 60 * 60 * 1e3;
function checkKeyMaterialApi(sdk = kmsSdk) {
  const missing = ["ImportType", "IncludeKeyMaterial", "KeyMaterialState"].filter((name) => sdk[name] === void 0);
  if (missing.length > 0) {
    throw new Error(`The AWS SDK for JavaScript of this Lambda runtime has a KMS client without ${missing.join(", ")} (the key material API of 2025), which this handler needs to import and rotate key material; an older client would drop those fields. Let the function's runtime update (Lambda runtime management: Auto), then deploy again.`);
  }
}
async function onEvent(event, clients = defaultClients({ kms: import_client_kms.KMSClient, secrets: import_client_secrets_manager.SecretsManagerClient })) {
  if (event.RequestType !== "Delete") {
    checkKeyMaterialApi();
  }
  const now = new Date(clients.clock.now());
  const props = event.ResourceProperties;
  switch (event.RequestType) {
    case "Create":
      return importAndReport(clients, props, expirationOf(props, now), void 0);
    case "Update": {
      const old = event.OldResourceProperties;
      const expiration = expirationOf(props, now);
      if (old.KeyId !== props.KeyId) {
        return importAndReport(clients, props, expiration, void 0);
      }
      if (old.SecretId === props.SecretId) {
        return importAndReport(clients, props, expiration, "EXISTING_KEY_MATERIAL");
      }
      const keyMaterialId = await rotate(clients, props, expiration);
      return result(props, keyMaterialId, expiration);
    }
    case "Delete":
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
}
var handler = (event) => onEvent(event);
function expirationOf(props, now) {
  if (props.ExpirationModel === "KEY_MATERIAL_DOES_NOT_EXPIRE") {
    return { model: props.ExpirationModel };
  }
  const days = Number(props.ValidForDays);
  if (props.ExpirationModel !== "KEY_MATERIAL_EXPIRES" || !Number.isInteger(days) || days < 1 || days > 365) {
    throw new Error(`Invalid expiration: ExpirationModel ${props.ExpirationModel}, ValidForDays ${props.ValidForDays}; expected KEY_MATERIAL_DOES_NOT_EXPIRE, or KEY_MATERIAL_EXPIRES with ValidForDays a whole number from 1 to 365.`);
  }
  return { model: props.ExpirationModel, validTo: new Date(now.getTime() + days * DAY_MS) };
}
async function importAndReport(clients, props, expiration, importType) {
  const keyMaterialId = await importFromSecret(clients, props, expiration, importType);
  return result(props, keyMaterialId, expiration);
}
function result(props, keyMaterialId, expiration) {
  return {
    PhysicalResourceId: props.KeyId,
    Data: { KeyMaterialId: keyMaterialId, ExpirationModel: expiration.model, ValidTo: expiration.validTo?.toISOString() ?? "" }
  };
}
async function rotate(clients, props, expiration) {
  if (expiration.model === "KEY_MATERIAL_EXPIRES") {
    throw new Error(`Cannot rotate key ${props.KeyId} to the material in secret ${props.SecretId} with expiring key material: once any material of a key expires, the key is unusable until that material is imported again, and only the current material is re-imported here. Rotate with KeyMaterialExpiration.never().`);
  }
  const before = await listMaterials(clients.kms, props.KeyId);
  const expiring = before.filter((m) => isPermanent(m) && m.ExpirationModel === "KEY_MATERIAL_EXPIRES");
  if (expiring.length > 0) {
    throw new Error(`Cannot rotate key ${props.KeyId}: its key material ${expiring.map(describeMaterial).join(", ")} expires, and the key would become unusable when it does. First deploy with KeyMaterialExpiration.never() and the secret that holds that material, so that it is imported again without expiry; then change the secret.`);
  }
  let known;
  try {
    known = await importFromSecret(clients, props, expiration, "EXISTING_KEY_MATERIAL");
  } catch (error) {
    if (error.name !== "IncorrectKeyMaterialException") {
      throw error;
    }
  }
  if (known === void 0) {
    const imported = await importFromSecret(clients, props, expiration, "NEW_KEY_MATERIAL");
    await rotateOnDemand(clients.kms, props.KeyId, imported);
    return imported;
  }
  const state = before.find((m) => m.KeyMaterialId === known)?.KeyMaterialState;
  switch (state) {
    case "CURRENT":
      log(`Key ${props.KeyId}: the material in secret ${props.SecretId} is already current (${known}); no rotation.`);
      return known;
    case "PENDING_ROTATION":
      await rotateOnDemand(clients.kms, props.KeyId, known);
      return known;
    case "NON_CURRENT":
      throw new Error(`The material in secret ${props.SecretId} is earlier material of key ${props.KeyId} (${known}, NON_CURRENT): KMS cannot make earlier material current again. Rotate to new material in a new secret, or go back to the secret of the current material.`);
    default:
      throw new Error(`KMS accepted the material in secret ${props.SecretId} as material of key ${props.KeyId} (${known}) but ListKeyRotations reports it as ${state ?? "absent"}; retry the deployment.`);
  }
}
async function rotateOnDemand(kms, keyId, keyMaterialId) {
  log(`Key ${keyId}: rotating to key material ${keyMaterialId} (RotateKeyOnDemand).`);
  try {
    await call("kms:RotateKeyOnDemand", () => kms.send(new import_client_kms.RotateKeyOnDemandCommand({ KeyId: keyId })));
  } catch (error) {
    if (errorName(error) !== "ConflictException") {
      throw error;
    }
    const state = (await listMaterials(kms, keyId)).find((m) => m.KeyMaterialId === keyMaterialId)?.KeyMaterialState;
    if (state === "PENDING_ROTATION" || state === "CURRENT") {
      log(`Key ${keyId}: a rotation is already in progress (ConflictException) and key material ${keyMaterialId} is ${state}; KMS completes the rotation to it.`);
      return;
    }
    throw named("ConflictException", `KMS refused to rotate key ${keyId} (ConflictException: a rotation is in progress), but key material ${keyMaterialId} is ${state ?? "absent"} rather than pending rotation, so the rotation in progress is not to it. Wait until ListKeyRotations shows no material PENDING_ROTATION, then retry the deployment.`);
  }
}
function isPermanent(material) {
  return material.KeyMaterialState === "CURRENT" || material.KeyMaterialState === "NON_CURRENT";
}
function describeMaterial(material) {
  return `${material.KeyMaterialId} (${material.KeyMaterialState}, valid to ${material.ValidTo?.toISOString() ?? "?"})`;
}
async function listMaterials(kms, keyId) {
  const materials = [];
  let marker;
  do {
    const page = await call("kms:ListKeyRotations", () => kms.send(new import_client_kms.ListKeyRotationsCommand({
      KeyId: keyId,
      IncludeKeyMaterial: "ALL_KEY_MATERIAL",
      Marker: marker
    })));
    materials.push(...page.Rotations ?? []);
    marker = page.Truncated ? page.NextMarker : void 0;
  } while (marker);
  return materials;
}
async function importFromSecret(clients, props, expiration, importType) {
  const material = await readMaterial(clients.secrets, props.SecretId);
  let wrapped;
  let importToken;
  try {
    const parameters = await call("kms:GetParametersForImport", () => clients.kms.send(new import_client_kms.GetParametersForImportCommand({
      KeyId: props.KeyId,
      WrappingAlgorithm: WRAPPING_ALGORITHM,
      WrappingKeySpec: WRAPPING_KEY_SPEC
    })));
    if (!parameters.PublicKey || !parameters.ImportToken) {
      throw new Error(`GetParametersForImport for key ${props.KeyId} returned no public key or import token.`);
    }
    wrapped = wrapKeyMaterial(material, parameters.PublicKey);
    importToken = parameters.ImportToken;
  } finally {
    material.fill(0);
  }
  log(`Key ${props.KeyId}: importing key material from secret ${props.SecretId} (${importType ?? "first import"}, ${expiration.validTo ? `valid to ${expiration.validTo.toISOString()}` : "does not expire"}).`);
  const imported = await call("kms:ImportKeyMaterial", () => clients.kms.send(new import_client_kms.ImportKeyMaterialCommand({
    KeyId: props.KeyId,
    ImportToken: importToken,
    EncryptedKeyMaterial: wrapped,
    ExpirationModel: expiration.model,
    ValidTo: expiration.validTo,
    ImportType: importType,
    KeyMaterialDescription: importType === "EXISTING_KEY_MATERIAL" ? void 0 : materialDescription(props.SecretId)
  })), (error) => importError(error, props, importType));
  return imported.KeyMaterialId ?? "";
}
async function readMaterial(secrets, secretId) {
  const value = await call("secretsmanager:GetSecretValue", () => secrets.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: secretId })));
  if (typeof value.SecretString !== "string") {
    throw new Error(`The secret ${secretId} holds ${value.SecretBinary ? "a binary value" : "no value"}; expected text: the standard base64 of 32 random bytes.`);
  }
  return parseKeyMaterial(value.SecretString, `secret ${secretId}`);
}
function materialDescription(secretId) {
  return `Imported by cdk-kmi from secret ${secretId}`.replace(/[^a-zA-Z0-9:/_\s.-]/g, "_").slice(0, 256);
}
function importError(error, props, importType) {
  if (error.name === "IncorrectKeyMaterialException" && importType !== "NEW_KEY_MATERIAL") {
    return Object.assign(new Error(`KMS refused the material in secret ${props.SecretId} as material of key ${props.KeyId} (IncorrectKeyMaterialException): a key that already has material accepts again only that same material. If the secret's value was replaced, put the original material back; to rotate the key to new material, put the new material in a new secret and pass that secret.`), { name: error.name });
  }
  return void 0;
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  checkKeyMaterialApi,
  handler,
  materialDescription,
  onEvent
});
