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

// src/ebs/encryption-by-default/handler/on-event.lambda.ts
var on_event_lambda_exports = {};
__export(on_event_lambda_exports, {
  handler: () => handler,
  onEvent: () => onEvent
});
module.exports = __toCommonJS(on_event_lambda_exports);
var import_client_ec2 = require("@aws-sdk/client-ec2");
var import_client_kms = require("@aws-sdk/client-kms");

// src/ebs/encryption-by-default/handler/resource-properties.ts
var ID_PREFIX = "ebs-encryption-by-default";
function physicalId(previous) {
  return `${ID_PREFIX}|${previous.enabled ? "enabled" : "disabled"}|${previous.kmsKeyId}`;
}
function parsePhysicalId(id) {
  const [prefix, enabled, ...key] = id.split("|");
  if (prefix !== ID_PREFIX || enabled !== "enabled" && enabled !== "disabled" || key.length === 0) {
    return void 0;
  }
  return { enabled: enabled === "enabled", kmsKeyId: key.join("|") };
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

// src/ebs/encryption-by-default/handler/on-event.lambda.ts
async function onEvent(event, clients = defaultClients({ ec2: import_client_ec2.EC2Client, kms: import_client_kms.KMSClient })) {
  const props = event.ResourceProperties;
  switch (event.RequestType) {
    case "Create": {
      const previous = await readState(clients.ec2);
      const keyArn = await apply(clients, props.KmsKeyId);
      return { PhysicalResourceId: physicalId(previous), Data: { KmsKeyId: keyArn } };
    }
    case "Update": {
      const keyArn = await apply(clients, props.KmsKeyId);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { KmsKeyId: keyArn } };
    }
    case "Delete": {
      const previous = parsePhysicalId(event.PhysicalResourceId);
      if (props.RestoreOnDelete === "true" && previous) {
        await restore(clients.ec2, previous);
      }
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { KmsKeyId: props.KmsKeyId } };
    }
  }
}
var handler = (event) => onEvent(event);
async function readState(ec2) {
  const enabled = await call("ec2:GetEbsEncryptionByDefault", () => ec2.send(new import_client_ec2.GetEbsEncryptionByDefaultCommand({})));
  const key = await call("ec2:GetEbsDefaultKmsKeyId", () => ec2.send(new import_client_ec2.GetEbsDefaultKmsKeyIdCommand({})));
  return { enabled: enabled.EbsEncryptionByDefault === true, kmsKeyId: key.KmsKeyId ?? "alias/aws/ebs" };
}
async function apply(clients, keyId) {
  const described = await call("kms:DescribeKey", () => clients.kms.send(new import_client_kms.DescribeKeyCommand({ KeyId: keyId })));
  const key = described.KeyMetadata;
  if (!key || key.KeyState !== "Enabled" || key.KeySpec !== "SYMMETRIC_DEFAULT" || key.KeyUsage !== "ENCRYPT_DECRYPT") {
    throw new Error(`KMS key ${keyId} cannot encrypt EBS volumes: it must be an enabled symmetric encryption key (state ${key?.KeyState}, spec ${key?.KeySpec}, usage ${key?.KeyUsage}).`);
  }
  await call("ec2:EnableEbsEncryptionByDefault", () => clients.ec2.send(new import_client_ec2.EnableEbsEncryptionByDefaultCommand({})));
  const modified = await call("ec2:ModifyEbsDefaultKmsKeyId", () => clients.ec2.send(new import_client_ec2.ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: key.Arn })));
  return modified.KmsKeyId ?? key.Arn;
}
async function restore(ec2, previous) {
  if (previous.kmsKeyId.endsWith("alias/aws/ebs")) {
    await call("ec2:ResetEbsDefaultKmsKeyId", () => ec2.send(new import_client_ec2.ResetEbsDefaultKmsKeyIdCommand({})));
  } else {
    await call("ec2:ModifyEbsDefaultKmsKeyId", () => ec2.send(new import_client_ec2.ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: previous.kmsKeyId })));
  }
  if (!previous.enabled) {
    await call("ec2:DisableEbsEncryptionByDefault", () => ec2.send(new import_client_ec2.DisableEbsEncryptionByDefaultCommand({})));
  }
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  onEvent
});
