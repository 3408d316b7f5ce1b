import * as events from 'aws-cdk-lib/aws-events';
import { CloudHsmActivity, KeyActivity } from './key-activity';

/** The `detail-type` of every event CloudTrail delivers for an API call. */
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * At most this many keys in one rule. The default quota on an event pattern is 2048 characters; the
 * longest key ARNs (other partitions, multi-Region `mrk-` ids) take about 100 characters each, and
 * the rest of the pattern, every activity included, about 700.
 */
export const KEYS_PER_RULE = 10;

/** How EventBridge sees each activity: an API call on a key, a KMS lifecycle event, or an API call on a key store. */
export enum ActivityKind {
  KEY_API_CALL,
  KEY_LIFECYCLE_EVENT,
  KEY_STORE_API_CALL,
}

const KIND: Record<KeyActivity, ActivityKind> = {
  [KeyActivity.DISABLE_KEY]: ActivityKind.KEY_API_CALL,
  [KeyActivity.SCHEDULE_KEY_DELETION]: ActivityKind.KEY_API_CALL,
  [KeyActivity.PUT_KEY_POLICY]: ActivityKind.KEY_API_CALL,
  [KeyActivity.DISABLE_KEY_ROTATION]: ActivityKind.KEY_API_CALL,
  [KeyActivity.IMPORT_KEY_MATERIAL]: ActivityKind.KEY_API_CALL,
  [KeyActivity.DELETE_IMPORTED_KEY_MATERIAL]: ActivityKind.KEY_API_CALL,
  [KeyActivity.CREATE_GRANT]: ActivityKind.KEY_API_CALL,
  [KeyActivity.REVOKE_GRANT]: ActivityKind.KEY_API_CALL,
  [KeyActivity.RETIRE_GRANT]: ActivityKind.KEY_API_CALL,
  [KeyActivity.UPDATE_ALIAS]: ActivityKind.KEY_API_CALL,
  [KeyActivity.DELETE_ALIAS]: ActivityKind.KEY_API_CALL,
  [KeyActivity.KEY_DELETED]: ActivityKind.KEY_LIFECYCLE_EVENT,
  [KeyActivity.IMPORTED_KEY_MATERIAL_EXPIRED]: ActivityKind.KEY_LIFECYCLE_EVENT,
  [KeyActivity.DISCONNECT_CUSTOM_KEY_STORE]: ActivityKind.KEY_STORE_API_CALL,
  [KeyActivity.DELETE_CUSTOM_KEY_STORE]: ActivityKind.KEY_STORE_API_CALL,
  [KeyActivity.UPDATE_CUSTOM_KEY_STORE]: ActivityKind.KEY_STORE_API_CALL,
};

/** The activities of one kind, in the order given, each once. */
export function activitiesOfKind(activities: KeyActivity[], kind: ActivityKind): string[] {
  return [...new Set(activities.filter((activity) => KIND[activity] === kind))];
}

/**
 * API calls on the keys: CloudTrail lists the key's ARN under `resources` (alias calls list the
 * alias ARN and the key ARN), whatever the caller named the key by (`requestParameters.keyId` may be
 * a key id, a key ARN, an alias name or an alias ARN).
 */
export function keyApiCallPattern(eventNames: string[], keyArns: string[]): events.EventPattern {
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_DETAIL_TYPE],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      eventName: eventNames,
      resources: { ARN: keyArns },
    },
  };
}

/** Lifecycle events KMS sends itself: the key's ARN is the event's only resource. */
export function keyLifecyclePattern(detailTypes: string[], keyArns: string[]): events.EventPattern {
  return {
    source: ['aws.kms'],
    detailType: detailTypes,
    resources: keyArns,
  };
}

/**
 * API calls on custom key stores, which name no key: matched on `requestParameters.customKeyStoreId`,
 * or, with no stores given, on every custom key store of the account and Region.
 */
export function keyStoreApiCallPattern(eventNames: string[], customKeyStoreIds?: string[]): events.EventPattern {
  return {
    source: ['aws.kms'],
    detailType: [API_CALL_DETAIL_TYPE],
    detail: {
      eventSource: ['kms.amazonaws.com'],
      eventName: eventNames,
      ...(customKeyStoreIds ? { requestParameters: { customKeyStoreId: customKeyStoreIds } } : {}),
    },
  };
}

/** API calls on CloudHSM clusters, matched on `requestParameters.clusterId`. */
export function clusterApiCallPattern(activities: CloudHsmActivity[], clusterIds: string[]): events.EventPattern {
  return {
    source: ['aws.cloudhsm'],
    detailType: [API_CALL_DETAIL_TYPE],
    detail: {
      eventSource: ['cloudhsm.amazonaws.com'],
      eventName: [...new Set(activities)],
      requestParameters: { clusterId: clusterIds },
    },
  };
}

const field = (path: string) => events.EventField.fromPath(path);

/** Who called, from where, whether it failed, when and where: the end of every API call message. */
function callContext(): string {
  return `Caller: ${field('$.detail.userIdentity.arn')} from ${field('$.detail.sourceIPAddress')}. `
    + `Error code (empty when the call succeeded): ${field('$.detail.errorCode')}. `
    + `Time: ${events.EventField.time}, account ${events.EventField.account}, Region ${events.EventField.region}. `
    + `CloudTrail event ID: ${field('$.detail.eventID')}.`;
}

/** The readable SNS message for an API call on a key (at most 10 fields, the CloudFormation limit). */
export function keyApiCallMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(`KMS ${field('$.detail.eventName')} on a watched key. `
    + `Key: ${field('$.detail.requestParameters.keyId')}. Alias: ${field('$.detail.requestParameters.aliasName')}. `
    + callContext());
}

/** The readable SNS message for a KMS lifecycle event. */
export function keyLifecycleMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(`${events.EventField.detailType} for the watched key ${field('$.detail.key-id')}. `
    + `Time: ${events.EventField.time}, account ${events.EventField.account}, Region ${events.EventField.region}.`);
}

/** The readable SNS message for an API call on a custom key store. */
export function keyStoreApiCallMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(`KMS ${field('$.detail.eventName')} on a custom key store. `
    + `Store: ${field('$.detail.requestParameters.customKeyStoreId')} (${field('$.detail.additionalEventData.customKeyStoreName')}). `
    + callContext());
}

/** The readable SNS message for an API call on a CloudHSM cluster. */
export function clusterApiCallMessage(): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(`CloudHSM ${field('$.detail.eventName')} on a watched cluster. `
    + `Cluster: ${field('$.detail.requestParameters.clusterId')}. HSM: ${field('$.detail.requestParameters.hsmId')}. `
    + callContext());
}
