/**
 * Custom resource handler (Provider framework `onEvent`) for EbsEncryptionByDefault: turns on EBS
 * encryption by default for the account and Region and sets its default KMS key.
 *
 * - Create records what was there before in the physical resource id, so that a Delete, which only
 *   receives the id and the properties, can restore it without any state of its own.
 * - Update sets the new key and keeps the physical id (the state before the first create).
 * - Delete restores the recorded state only when `RestoreOnDelete` is `true` (removal policy
 *   DESTROY); otherwise it leaves encryption on: removing a stack never weakens an account.
 *
 * Every call is idempotent, so repeated events are harmless. Throttling is retried by the SDK's
 * standard retry strategy; an authorization failure is reported with the permission that is missing.
 */
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
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { EbsEncryptionByDefaultProperties, parsePhysicalId, physicalId, PreviousState } from './resource-properties';
import { call, defaultClients, HandlerClients, OnEventResult } from '../../../private/handler-kit';

/** The clients of this handler (from the handler kit). */
export type EbsClients = Pick<HandlerClients, 'ec2' | 'kms'>;

export async function onEvent(
  event: CloudFormationCustomResourceEvent, clients: EbsClients = defaultClients({ ec2: EC2Client, kms: KMSClient }),
): Promise<OnEventResult<{ KmsKeyId: string }>> {
  const props = event.ResourceProperties as unknown as EbsEncryptionByDefaultProperties;
  switch (event.RequestType) {
    case 'Create': {
      const previous = await readState(clients.ec2);
      const keyArn = await apply(clients, props.KmsKeyId);
      return { PhysicalResourceId: physicalId(previous), Data: { KmsKeyId: keyArn } };
    }
    case 'Update': {
      const keyArn = await apply(clients, props.KmsKeyId);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { KmsKeyId: keyArn } };
    }
    case 'Delete': {
      const previous = parsePhysicalId(event.PhysicalResourceId);
      if (props.RestoreOnDelete === 'true' && previous) {
        await restore(clients.ec2, previous);
      }
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { KmsKeyId: props.KmsKeyId } };
    }
  }
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);

async function readState(ec2: EC2Client): Promise<PreviousState> {
  const enabled = await call('ec2:GetEbsEncryptionByDefault', () => ec2.send(new GetEbsEncryptionByDefaultCommand({})));
  const key = await call('ec2:GetEbsDefaultKmsKeyId', () => ec2.send(new GetEbsDefaultKmsKeyIdCommand({})));
  return { enabled: enabled.EbsEncryptionByDefault === true, kmsKeyId: key.KmsKeyId ?? 'alias/aws/ebs' };
}

/**
 * Checks the key, then turns encryption by default on with it. EC2 validates the key only
 * asynchronously (a bad key "appears to complete" and later fails launches), so the check comes first.
 */
async function apply(clients: EbsClients, keyId: string): Promise<string> {
  const described = await call('kms:DescribeKey', () => clients.kms.send(new DescribeKeyCommand({ KeyId: keyId })));
  const key = described.KeyMetadata;
  if (!key || key.KeyState !== 'Enabled' || key.KeySpec !== 'SYMMETRIC_DEFAULT' || key.KeyUsage !== 'ENCRYPT_DECRYPT') {
    throw new Error(`KMS key ${keyId} cannot encrypt EBS volumes: it must be an enabled symmetric encryption key `
      + `(state ${key?.KeyState}, spec ${key?.KeySpec}, usage ${key?.KeyUsage}).`);
  }
  await call('ec2:EnableEbsEncryptionByDefault', () => clients.ec2.send(new EnableEbsEncryptionByDefaultCommand({})));
  const modified = await call('ec2:ModifyEbsDefaultKmsKeyId', () => clients.ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: key.Arn })));
  return modified.KmsKeyId ?? key.Arn!;
}

async function restore(ec2: EC2Client, previous: PreviousState): Promise<void> {
  if (previous.kmsKeyId.endsWith('alias/aws/ebs')) {
    await call('ec2:ResetEbsDefaultKmsKeyId', () => ec2.send(new ResetEbsDefaultKmsKeyIdCommand({})));
  } else {
    await call('ec2:ModifyEbsDefaultKmsKeyId', () => ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: previous.kmsKeyId })));
  }
  if (!previous.enabled) {
    await call('ec2:DisableEbsEncryptionByDefault', () => ec2.send(new DisableEbsEncryptionByDefaultCommand({})));
  }
}

