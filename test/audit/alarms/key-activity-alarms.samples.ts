/**
 * Sample events, in the shapes AWS documents, as they reach the default event bus. CloudTrail records
 * (under `detail`) follow the examples of the AWS KMS Developer Guide ("Logging AWS KMS API calls with
 * AWS CloudTrail": ScheduleKeyDeletion, Decrypt, UpdateAlias, CreateGrant, DisconnectCustomKeyStore)
 * and the AWS CloudHSM User Guide (the CreateHsm example, with the request parameters of DeleteHsm);
 * the KMS lifecycle event follows "Monitoring with Amazon EventBridge". Account, Region and ids are
 * swapped for the ones under test.
 */
import { ACCOUNT, REGION } from '../../util/app';

const USER = { type: 'IAMUser', principalId: 'EX_PRINCIPAL_ID', arn: `arn:aws:iam::${ACCOUNT}:user/Alice`, accountId: ACCOUNT, userName: 'Alice' };

/** An "AWS API Call via CloudTrail" event around a CloudTrail record. */
function apiCall(source: string, record: Record<string, unknown>) {
  return {
    'version': '0',
    'id': '6f87d04b-9f74-4f04-a780-7acf4b0a9b38',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    'account': ACCOUNT,
    'time': '2021-03-23T18:58:30Z',
    'region': REGION,
    'resources': [],
    'detail': {
      eventVersion: '1.08',
      userIdentity: USER,
      eventTime: '2021-03-23T18:58:30Z',
      awsRegion: REGION,
      sourceIPAddress: '192.0.2.0',
      userAgent: 'AWS Internal',
      requestID: 'ee408f36-ea01-422b-ac14-b0f147c68334',
      eventID: '3c4226b0-1e81-48a8-a333-7fa5f3cbd118',
      eventType: 'AwsApiCall',
      recipientAccountId: ACCOUNT,
      ...record,
    },
  };
}

const keyResource = (keyArn: string) => ({ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: keyArn });
const keyId = (keyArn: string) => keyArn.split('/').pop()!;

export function scheduleKeyDeletion(keyArn: string) {
  return apiCall('aws.kms', {
    eventSource: 'kms.amazonaws.com',
    eventName: 'ScheduleKeyDeletion',
    requestParameters: { pendingWindowInDays: 20, keyId: keyId(keyArn) },
    responseElements: { keyId: keyArn, keyState: 'PendingDeletion', deletionDate: 'Apr 12, 2021 18:58:30 PM' },
    readOnly: false,
    resources: [keyResource(keyArn)],
  });
}

/** A ScheduleKeyDeletion that KMS refused. */
export function deniedScheduleKeyDeletion(keyArn: string) {
  const event = scheduleKeyDeletion(keyArn);
  return { ...event, detail: { ...event.detail, errorCode: 'AccessDenied', errorMessage: 'User is not authorized', responseElements: null } };
}

/** A read-only call: CloudTrail records it with `readOnly: true`. */
export function decrypt(keyArn: string) {
  return apiCall('aws.kms', {
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: keyArn, encryptionContext: { Department: 'Engineering' } },
    responseElements: null,
    readOnly: true,
    resources: [keyResource(keyArn)],
  });
}

/** An alias pointed at a key; CloudTrail lists the alias ARN and the new target key's ARN under `resources`. */
export function updateAlias(keyArn: string, aliasName = 'alias/my_alias') {
  return apiCall('aws.kms', {
    eventSource: 'kms.amazonaws.com',
    eventName: 'UpdateAlias',
    requestParameters: { aliasName, targetKeyId: keyId(keyArn) },
    responseElements: null,
    readOnly: false,
    resources: [
      { accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:${aliasName}` },
      keyResource(keyArn),
    ],
  });
}

export function createGrant(keyArn: string) {
  return apiCall('aws.kms', {
    eventSource: 'kms.amazonaws.com',
    eventName: 'CreateGrant',
    requestParameters: { keyId: keyArn, operations: ['Encrypt', 'RetireGrant'], granteePrincipal: 'EX_PRINCIPAL_ID' },
    responseElements: { grantId: 'f020fe75197b93991dc8491d6f19dd3cebb24ee62277a05914386724f3d48758' },
    readOnly: false,
    resources: [{ ARN: keyArn, accountId: ACCOUNT }],
  });
}

export function retireGrant(keyArn: string) {
  return apiCall('aws.kms', {
    eventSource: 'kms.amazonaws.com',
    eventName: 'RetireGrant',
    requestParameters: { keyId: keyArn, grantId: 'f020fe75197b93991dc8491d6f19dd3cebb24ee62277a05914386724f3d48758' },
    responseElements: null,
    readOnly: false,
    resources: [keyResource(keyArn)],
  });
}

/** Store calls name no key: no `resources`. */
export function disconnectCustomKeyStore(customKeyStoreId: string) {
  return apiCall('aws.kms', {
    eventSource: 'kms.amazonaws.com',
    eventName: 'DisconnectCustomKeyStore',
    requestParameters: { customKeyStoreId },
    responseElements: null,
    additionalEventData: { customKeyStoreName: 'ExampleKeyStore', clusterId: 'cluster-1a23b4cdefg' },
    readOnly: false,
    managementEvent: true,
  });
}

export function deleteHsm(clusterId: string) {
  return apiCall('aws.cloudhsm', {
    eventVersion: '1.05',
    eventSource: 'cloudhsm.amazonaws.com',
    eventName: 'DeleteHsm',
    userAgent: 'aws-internal/3',
    requestParameters: { clusterId, hsmId: 'hsm-6lz2hfmnzbx' },
    responseElements: { hsmId: 'hsm-6lz2hfmnzbx' },
  });
}

/** KMS's own event when a key scheduled for deletion is deleted. */
export function keyDeleted(keyArn: string) {
  return {
    'version': '0',
    'id': 'e9ce3425-7d22-412a-a699-e7a5fc3fbc9a',
    'detail-type': 'KMS CMK Deletion',
    'source': 'aws.kms',
    'account': ACCOUNT,
    'time': '2022-08-10T16:37:50Z',
    'region': REGION,
    'resources': [keyArn],
    'detail': { 'key-id': keyId(keyArn) },
  };
}

/** KMS's own event when key material rotates: not reported. */
export function keyRotated(keyArn: string) {
  return { ...keyDeleted(keyArn), 'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': 'KMS CMK Rotation' };
}
