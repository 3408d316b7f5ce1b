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

// src/cloudhsm/activation/handler/on-event.lambda.ts
var on_event_lambda_exports = {};
__export(on_event_lambda_exports, {
  handler: () => handler,
  onEvent: () => onEvent
});
module.exports = __toCommonJS(on_event_lambda_exports);
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

// src/cloudhsm/activation/handler/activation-calls.ts
function activationClients() {
  return defaultClients({ cloudhsm: import_client_cloudhsm_v2.CloudHSMV2Client, ssm: import_client_ssm.SSMClient, ec2: import_client_ec2.EC2Client });
}

// src/cloudhsm/activation/handler/resource-properties.ts
function physicalId(clusterId, phase) {
  return `cloudhsm-activation:${clusterId}${phase === "CHECK_COVERAGE" ? "/coverage" : ""}`;
}

// src/cloudhsm/activation/handler/on-event.lambda.ts
var DEFAULT_WAITING = {
  registrationTimeoutMs: 12 * 6e4,
  retryIntervalMs: 15e3
};
var RUNNABLE_STATES = ["INITIALIZED", "ACTIVE"];
var DELIVERY_TIMEOUT_SECONDS = 600;
async function onEvent(event, clients = activationClients(), waiting = DEFAULT_WAITING) {
  const props = event.ResourceProperties;
  if (event.RequestType === "Delete") {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const id = physicalId(props.ClusterId, props.Phase);
  const cluster = await describeCluster(clients, props.ClusterId);
  const state = cluster.State ?? "UNKNOWN";
  if (props.Phase === "CHECK_COVERAGE" && state !== "ACTIVE") {
    throw new Error(`CloudHSM cluster ${props.ClusterId} is ${state}: the kmsuser coverage check runs on an ACTIVE cluster, after the activation. Activate the cluster first, then deploy again.`);
  }
  if (!RUNNABLE_STATES.includes(state)) {
    throw new Error(`CloudHSM cluster ${props.ClusterId} is ${state}: activation needs it INITIALIZED (or ACTIVE, to check kmsuser). Initialize it first (InitializeCluster with the signed cluster certificate), then deploy again.`);
  }
  const addresses = (cluster.Hsms ?? []).filter((hsm) => hsm.State === "ACTIVE" && hsm.EniIp).map((hsm) => hsm.EniIp);
  if (addresses.length === 0) {
    throw new Error(`CloudHSM cluster ${props.ClusterId} has no ACTIVE HSM with an IP address: activation needs at least one. Wait for its HSMs to become ACTIVE, then deploy again.`);
  }
  const refused = await startClient(clients, props.InstanceId, waiting);
  if (refused) {
    if (state === "ACTIVE") {
      return { PhysicalResourceId: id, Data: { ClusterId: props.ClusterId } };
    }
    throw new Error(`The activation client ${props.InstanceId} cannot be started (${refused}) and CloudHSM cluster ${props.ClusterId} is ${state}: nothing can run the activation. Activate the cluster by hand (the commands are those of ClusterActivation.manual()), or have CloudFormation replace the client instance, then deploy again.`);
  }
  const commandId = await sendCommand(clients, props, state, addresses, event.RequestId, waiting);
  return { PhysicalResourceId: id, Data: { CommandId: commandId, ClusterId: props.ClusterId } };
}
var handler = (event) => onEvent(event);
async function describeCluster(clients, clusterId) {
  const described = await call("cloudhsm:DescribeClusters", () => clients.cloudhsm.send(new import_client_cloudhsm_v22.DescribeClustersCommand({
    Filters: { clusterIds: [clusterId] }
  })));
  const cluster = (described.Clusters ?? []).find((c) => c.ClusterId === clusterId);
  if (!cluster) {
    throw new Error(`CloudHSM cluster ${clusterId} was not found in this account and Region.`);
  }
  return cluster;
}
async function startClient(clients, instanceId, waiting) {
  const deadline = clients.clock.now() + waiting.registrationTimeoutMs;
  for (; ; ) {
    try {
      await call("ec2:StartInstances", () => clients.ec2.send(new import_client_ec22.StartInstancesCommand({ InstanceIds: [instanceId] })));
      return void 0;
    } catch (error) {
      const name = errorName(error);
      if (name === "InvalidInstanceID.NotFound") {
        return `${name}: ${error.message}`;
      }
      if (name !== "IncorrectInstanceState") {
        throw error;
      }
      const state = await instanceState(clients, instanceId);
      if (state !== "stopping" && state !== "stopped") {
        return `${name}: ${error.message} (instance state ${state ?? "unknown"})`;
      }
      if (clients.clock.now() >= deadline) {
        throw new Error(`The activation client ${instanceId} is still ${state} after ${Math.round(waiting.registrationTimeoutMs / 6e4)} minutes, so it cannot be started to run the activation. Wait until it is stopped, then deploy again.`);
      }
      await clients.clock.sleep(waiting.retryIntervalMs);
    }
  }
}
async function instanceState(clients, instanceId) {
  try {
    const described = await call("ec2:DescribeInstances", () => clients.ec2.send(new import_client_ec22.DescribeInstancesCommand({ InstanceIds: [instanceId] })));
    return described.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId)?.State?.Name;
  } catch (error) {
    if (errorName(error) === "InvalidInstanceID.NotFound") {
      return void 0;
    }
    throw error;
  }
}
async function sendCommand(clients, props, state, addresses, requestId, waiting) {
  const deadline = clients.clock.now() + waiting.registrationTimeoutMs;
  const input = {
    DocumentName: props.DocumentName,
    InstanceIds: [props.InstanceId],
    Comment: `cdk-kmi: activate ${props.ClusterId}`.slice(0, 100),
    TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
    Parameters: {
      ClusterId: [props.ClusterId],
      ClusterState: [state],
      HsmIpAddresses: [addresses.join(" ")],
      AdminPasswordSecretArn: [props.AdminPasswordSecretArn],
      KmsUserPasswordSecretArn: [props.KmsUserPasswordSecretArn],
      TrustAnchorParameterName: [props.TrustAnchorParameterName],
      PackageUrl: [props.PackageUrl],
      Region: [await clients.ssm.config.region()],
      RunId: [requestId.replace(/[^A-Za-z0-9-]/g, "").slice(0, 64) || "run"]
    }
  };
  for (; ; ) {
    try {
      const sent = await call("ssm:SendCommand", () => clients.ssm.send(new import_client_ssm2.SendCommandCommand(input)));
      return sent.Command.CommandId;
    } catch (error) {
      if (error.name !== "InvalidInstanceId" || clients.clock.now() >= deadline) {
        if (error.name === "InvalidInstanceId") {
          throw new Error(`The activation client ${props.InstanceId} did not register with Systems Manager within ${Math.round(waiting.registrationTimeoutMs / 6e4)} minutes: its subnet needs a route to the ssm, ssmmessages and ec2messages endpoints (a NAT gateway or VPC interface endpoints) and HTTPS egress in its security group.`);
        }
        throw error;
      }
      await clients.clock.sleep(waiting.retryIntervalMs);
    }
  }
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  handler,
  onEvent
});
