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

// src/cloudhsm/activation/handler/is-complete.lambda.ts
var is_complete_lambda_exports = {};
__export(is_complete_lambda_exports, {
  handler: () => handler,
  isComplete: () => isComplete
});
module.exports = __toCommonJS(is_complete_lambda_exports);
var import_client_cloudhsm_v22 = require("@aws-sdk/client-cloudhsm-v2");
var import_client_ec22 = require("@aws-sdk/client-ec2");
var import_client_ssm2 = require("@aws-sdk/client-ssm");

// src/cloudhsm/activation/handler/activation-calls.ts
var import_client_cloudhsm_v2 = require("@aws-sdk/client-cloudhsm-v2");
var import_client_ec2 = require("@aws-sdk/client-ec2");
var import_client_ssm = require("@aws-sdk/client-ssm");

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

// src/cloudhsm/activation/handler/activation-calls.ts
function activationClients() {
  return defaultClients({ cloudhsm: import_client_cloudhsm_v2.CloudHSMV2Client, ssm: import_client_ssm.SSMClient, ec2: import_client_ec2.EC2Client });
}

// src/cloudhsm/activation/cluster-activation-steps.ts
var DIAGNOSTIC_PREFIX = "KMI: ";
var ACTIVATION_STEPS = [
  {
    name: "InstallCloudHsmCli",
    check: "the client instance downloads the CloudHSM CLI package over HTTPS: its subnet needs a route to the package URL (a NAT gateway, or your own mirror given as cloudHsmCliPackageUrl) and to the Amazon Linux package repositories"
  },
  {
    name: "InstallTrustAnchor",
    check: "the client reads the trust anchor certificate from its SSM parameter: the parameter must exist and hold the PEM certificate, and the subnet needs a route to Systems Manager (NAT or an ssm VPC endpoint)"
  },
  {
    name: "ConfigureCli",
    check: "the client must reach every HSM on TCP 2223-2225: the client security group allows egress to the cluster security group, the cluster security group must allow ingress from the client security group, and network ACLs must allow both ways"
  },
  {
    name: "ActivateCluster",
    check: "the cluster must be INITIALIZED with the certificate signed by the trust anchor in the SSM parameter, and the client role must be able to read the admin password secret (secretsmanager:GetSecretValue, kms:Decrypt through Secrets Manager)"
  },
  {
    name: "CreateKmsUser",
    check: "the admin password secret must hold the password set at activation (a cluster activated elsewhere has another one), admin must not be locked out, and a user named kmsuser, if present, must be a crypto user on every HSM"
  }
];

// src/cloudhsm/activation/handler/is-complete.lambda.ts
var WAITING_STATUSES = ["Pending", "InProgress", "Delayed", "Cancelling"];
var MAX_DIAGNOSTIC_LENGTH = 400;
async function isComplete(event, clients = activationClients()) {
  const commandId = event.Data?.CommandId;
  if (event.RequestType === "Delete" || !commandId) {
    return { IsComplete: true };
  }
  const props = event.ResourceProperties;
  for (const step of ACTIVATION_STEPS) {
    const invocation = await stepInvocation(clients, commandId, props.InstanceId, step);
    if (!invocation || WAITING_STATUSES.includes(invocation.Status ?? "Pending")) {
      return { IsComplete: false };
    }
    if (invocation.Status !== "Success") {
      throw new Error(failureMessage(props, commandId, step, invocation));
    }
  }
  const state = await clusterState(clients, props.ClusterId);
  if (state !== "ACTIVE") {
    if (GONE_STATES.includes(state)) {
      throw new Error(`Activation of CloudHSM cluster ${props.ClusterId} ran, but the cluster is ${state}: it cannot become ACTIVE.`);
    }
    return { IsComplete: false };
  }
  if (props.Phase !== "ACTIVATE") {
    await disposeClient(clients, props);
  }
  return { IsComplete: true };
}
var GONE_STATES = ["DELETE_IN_PROGRESS", "DELETED", "UNKNOWN"];
async function clusterState(clients, clusterId) {
  const described = await call("cloudhsm:DescribeClusters", () => clients.cloudhsm.send(new import_client_cloudhsm_v22.DescribeClustersCommand({
    Filters: { clusterIds: [clusterId] }
  })));
  return (described.Clusters ?? []).find((c) => c.ClusterId === clusterId)?.State ?? "UNKNOWN";
}
var handler = (event) => isComplete(event);
async function stepInvocation(clients, commandId, instanceId, step) {
  try {
    return await call("ssm:GetCommandInvocation", () => clients.ssm.send(new import_client_ssm2.GetCommandInvocationCommand({
      CommandId: commandId,
      InstanceId: instanceId,
      PluginName: step.name
    })));
  } catch (error) {
    if (error.name === "InvocationDoesNotExist") {
      return void 0;
    }
    throw error;
  }
}
function failureMessage(props, commandId, step, invocation) {
  const details = invocation.StatusDetails && invocation.StatusDetails !== invocation.Status ? `, ${invocation.StatusDetails}` : "";
  const code = invocation.ResponseCode !== void 0 && invocation.ResponseCode >= 0 ? `, exit code ${invocation.ResponseCode}` : "";
  const diagnostic = lastDiagnostic(invocation.StandardErrorContent) ?? lastDiagnostic(invocation.StandardOutputContent);
  return `Activation of CloudHSM cluster ${props.ClusterId} failed at step ${step.name} (${invocation.Status}${details}${code})${diagnostic ? `: ${diagnostic}` : ""}. Check that ${step.check}. Run Command ${commandId} on instance ${props.InstanceId} holds the step's output (passwords redacted).`;
}
function lastDiagnostic(output) {
  const lines = (output ?? "").split("\n").filter((line) => line.startsWith(DIAGNOSTIC_PREFIX));
  const last = lines[lines.length - 1]?.slice(DIAGNOSTIC_PREFIX.length).trim();
  if (!last) {
    return void 0;
  }
  return last.length > MAX_DIAGNOSTIC_LENGTH ? `${last.slice(0, MAX_DIAGNOSTIC_LENGTH)}\u2026` : last;
}
async function disposeClient(clients, props) {
  switch (props.ClientAfterActivation) {
    case "TERMINATE":
      await call("ec2:TerminateInstances", () => clients.ec2.send(new import_client_ec22.TerminateInstancesCommand({ InstanceIds: [props.InstanceId] })));
      return;
    case "STOP":
      await call("ec2:StopInstances", () => clients.ec2.send(new import_client_ec22.StopInstancesCommand({ InstanceIds: [props.InstanceId] })));
      return;
    default:
      return;
  }
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  isComplete
});
