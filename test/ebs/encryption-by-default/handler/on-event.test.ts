import { Readable } from 'node:stream';
import {
  DisableEbsEncryptionByDefaultCommand,
  EC2Client,
  EnableEbsEncryptionByDefaultCommand,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand,
  ModifyEbsDefaultKmsKeyIdCommand,
  ResetEbsDefaultKmsKeyIdCommand,
} from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { HttpResponse } from '@smithy/protocol-http';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { onEvent } from '../../../../src/ebs/encryption-by-default/handler/on-event.lambda';
import { parsePhysicalId, physicalId } from '../../../../src/ebs/encryption-by-default/handler/resource-properties';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111';
const NEW_KEY = 'arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222';
const OLD_KEY = 'arn:aws:kms:us-east-1:111111111111:key/33333333-3333-3333-3333-333333333333';
const AWS_MANAGED = 'arn:aws:kms:us-east-1:111111111111:alias/aws/ebs';

const ec2 = mockClient(EC2Client);
const kms = mockClient(KMSClient);
const clients = () => ({ ec2: new EC2Client({}), kms: new KMSClient({}) });

function event(type: 'Create' | 'Update' | 'Delete', props: { KmsKeyId: string; RestoreOnDelete?: string }, physicalResourceId?: string): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'Resource',
    ResourceType: 'Custom::KmiEbsEncryptionByDefault',
    ResourceProperties: { ServiceToken: 'token', RestoreOnDelete: 'false', ...props },
  };
  if (type === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  if (type === 'Update') {
    return { ...base, RequestType: 'Update', PhysicalResourceId: physicalResourceId!, OldResourceProperties: { ServiceToken: 'token', KmsKeyId: KEY } };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalResourceId! };
}

function keyIs(arn: string, metadata: Record<string, string> = {}) {
  kms.on(DescribeKeyCommand).resolves({
    KeyMetadata: { KeyId: arn.split('/')[1], Arn: arn, KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', ...metadata } as any,
  });
}

beforeEach(() => {
  ec2.reset();
  kms.reset();
  ec2.on(EnableEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: true });
  ec2.on(DisableEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false });
  ec2.on(ModifyEbsDefaultKmsKeyIdCommand).callsFake((input) => ({ KmsKeyId: input.KmsKeyId }));
  ec2.on(ResetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: AWS_MANAGED });
});

describe('create', () => {
  test('records the previous state, checks the key, enables encryption and sets the key', async () => {
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false });
    ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: AWS_MANAGED });
    keyIs(KEY);
    const result = await onEvent(event('Create', { KmsKeyId: KEY }), clients());
    expect(result).toEqual({ PhysicalResourceId: `ebs-encryption-by-default|disabled|${AWS_MANAGED}`, Data: { KmsKeyId: KEY } });
    expect(kms.commandCalls(DescribeKeyCommand)[0].args[0].input).toEqual({ KeyId: KEY });
    expect(ec2.commandCalls(EnableEbsEncryptionByDefaultCommand)).toHaveLength(1);
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)[0].args[0].input).toEqual({ KmsKeyId: KEY });
  });
  test.each([
    ['disabled', { KeyState: 'Disabled' }, /state Disabled/],
    ['pending deletion', { KeyState: 'PendingDeletion' }, /state PendingDeletion/],
    ['asymmetric', { KeySpec: 'RSA_2048' }, /spec RSA_2048/],
    ['an HMAC key', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }, /usage GENERATE_VERIFY_MAC/],
  ])('refuses a key that is %s, before changing anything', async (_, metadata, detail) => {
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false });
    ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: AWS_MANAGED });
    keyIs(KEY, metadata);
    await expect(onEvent(event('Create', { KmsKeyId: KEY }), clients()))
      .rejects.toThrow(new RegExp(`KMS key ${KEY} cannot encrypt EBS volumes: it must be an enabled symmetric encryption key .*${detail.source}`));
    expect(ec2.commandCalls(EnableEbsEncryptionByDefaultCommand)).toHaveLength(0);
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)).toHaveLength(0);
  });
  test('surfaces access denied with the missing permission', async () => {
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false });
    ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: AWS_MANAGED });
    keyIs(KEY);
    ec2.on(EnableEbsEncryptionByDefaultCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }));
    await expect(onEvent(event('Create', { KmsKeyId: KEY }), clients()))
      .rejects.toThrow('ec2:EnableEbsEncryptionByDefault was denied (UnauthorizedOperation): the custom resource\'s role, or a key or resource policy, SCP or permissions boundary, does not allow it. You are not authorized to perform this operation.');
  });
  test('a key that KMS will not describe to the handler is reported as kms:DescribeKey denied', async () => {
    ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: true });
    ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: OLD_KEY });
    kms.on(DescribeKeyCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(onEvent(event('Create', { KmsKeyId: KEY }), clients())).rejects.toThrow(/^kms:DescribeKey was denied \(AccessDeniedException\)/);
  });
  test('other errors pass through unchanged', async () => {
    ec2.on(GetEbsEncryptionByDefaultCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalError' }));
    await expect(onEvent(event('Create', { KmsKeyId: KEY }), clients())).rejects.toThrow('boom');
  });
  test('a repeated create leaves the account in the same state (enabled, with the key)', async () => {
    const account = { enabled: false, key: AWS_MANAGED };
    ec2.on(GetEbsEncryptionByDefaultCommand).callsFake(() => ({ EbsEncryptionByDefault: account.enabled }));
    ec2.on(GetEbsDefaultKmsKeyIdCommand).callsFake(() => ({ KmsKeyId: account.key }));
    ec2.on(EnableEbsEncryptionByDefaultCommand).callsFake(() => ({ EbsEncryptionByDefault: (account.enabled = true) }));
    ec2.on(ModifyEbsDefaultKmsKeyIdCommand).callsFake((input) => ({ KmsKeyId: (account.key = input.KmsKeyId) }));
    keyIs(KEY);
    await onEvent(event('Create', { KmsKeyId: KEY }), clients());
    const after = { ...account };
    await onEvent(event('Create', { KmsKeyId: KEY }), clients());
    expect(account).toEqual(after);
    expect(account).toEqual({ enabled: true, key: KEY });
  });
});

describe('update', () => {
  test('a key change sets the new key and keeps the physical id (the state before the first create)', async () => {
    keyIs(NEW_KEY);
    const id = physicalId({ enabled: false, kmsKeyId: AWS_MANAGED });
    const result = await onEvent(event('Update', { KmsKeyId: NEW_KEY }, id), clients());
    expect(result).toEqual({ PhysicalResourceId: id, Data: { KmsKeyId: NEW_KEY } });
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)[0].args[0].input).toEqual({ KmsKeyId: NEW_KEY });
    expect(ec2.commandCalls(GetEbsEncryptionByDefaultCommand)).toHaveLength(0);
  });
});

describe('delete', () => {
  test('with RETAIN leaves the account setting alone', async () => {
    await onEvent(event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'false' }, physicalId({ enabled: false, kmsKeyId: AWS_MANAGED })), clients());
    expect(ec2.calls()).toHaveLength(0);
  });
  test('with DESTROY restores the AWS managed key and turns encryption by default off, as it was', async () => {
    await onEvent(event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'true' }, physicalId({ enabled: false, kmsKeyId: AWS_MANAGED })), clients());
    expect(ec2.commandCalls(ResetEbsDefaultKmsKeyIdCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DisableEbsEncryptionByDefaultCommand)).toHaveLength(1);
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)).toHaveLength(0);
  });
  test('with DESTROY restores a previous customer key and leaves encryption on, as it was', async () => {
    await onEvent(event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'true' }, physicalId({ enabled: true, kmsKeyId: OLD_KEY })), clients());
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)[0].args[0].input).toEqual({ KmsKeyId: OLD_KEY });
    expect(ec2.commandCalls(DisableEbsEncryptionByDefaultCommand)).toHaveLength(0);
  });
  test('a repeated delete succeeds and restores the same state again', async () => {
    const e = event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'true' }, physicalId({ enabled: false, kmsKeyId: AWS_MANAGED }));
    await onEvent(e, clients());
    await onEvent(e, clients());
    expect(ec2.commandCalls(ResetEbsDefaultKmsKeyIdCommand)).toHaveLength(2);
    expect(ec2.commandCalls(DisableEbsEncryptionByDefaultCommand)).toHaveLength(2);
  });
  test('the delete of a create that never succeeded (no recorded state) changes nothing', async () => {
    await onEvent(event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'true' }, 'request-id-of-a-failed-create'), clients());
    expect(ec2.calls()).toHaveLength(0);
  });
  test('surfaces access denied on restore', async () => {
    ec2.on(ResetEbsDefaultKmsKeyIdCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    await expect(onEvent(event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'true' }, physicalId({ enabled: false, kmsKeyId: AWS_MANAGED })), clients()))
      .rejects.toThrow(/^ec2:ResetEbsDefaultKmsKeyId was denied \(UnauthorizedOperation\)/);
  });
});

describe('physical id', () => {
  test('round-trips the previous state', () => {
    for (const state of [{ enabled: true, kmsKeyId: OLD_KEY }, { enabled: false, kmsKeyId: AWS_MANAGED }]) {
      expect(parsePhysicalId(physicalId(state))).toEqual(state);
    }
  });
  test.each(['', 'other|enabled|x', 'ebs-encryption-by-default|maybe|x', 'ebs-encryption-by-default|enabled'])('%p is not a recorded state', (id) => {
    expect(parsePhysicalId(id)).toBeUndefined();
  });
});

describe('throttling', () => {
  test('is retried by the SDK\'s standard retry strategy (real client, fake HTTP)', async () => {
    ec2.restore();
    const responses = [
      new HttpResponse({ statusCode: 503, headers: {}, body: xml('<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>') }),
      new HttpResponse({ statusCode: 200, headers: {}, body: xml(`<ResetEbsDefaultKmsKeyIdResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId><kmsKeyId>${AWS_MANAGED}</kmsKeyId></ResetEbsDefaultKmsKeyIdResponse>`) }),
    ];
    const sent: string[] = [];
    const realEc2 = new EC2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: any) => {
          sent.push(new URLSearchParams(request.body).get('Action')!);
          return { response: responses.shift()! };
        },
      } as any,
    });
    await onEvent(event('Delete', { KmsKeyId: KEY, RestoreOnDelete: 'true' }, physicalId({ enabled: true, kmsKeyId: AWS_MANAGED })), { ec2: realEc2, kms: new KMSClient({}) });
    expect(sent).toEqual(['ResetEbsDefaultKmsKeyId', 'ResetEbsDefaultKmsKeyId']);
  });
});

function xml(text: string) {
  return Readable.from([Buffer.from(text)]);
}
