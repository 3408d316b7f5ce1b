import { randomUUID } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STORE_ID = 'cks-1234567890abcdef0';
export const XKS_STORE_ID = 'cks-0fedcba0987654321';

export interface FakeKey {
  keyId: string;
  arn: string;
  state: 'Enabled' | 'Disabled' | 'PendingDeletion';
  origin: string;
  customKeyStoreId?: string;
  xksKeyId?: string;
  description: string;
  policy: string;
  tags: Record<string, string>;
  created: Date;
  pendingWindowInDays?: number;
}

export interface FakeStore {
  type: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  state: 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED' | 'DISCONNECTING' | 'FAILED';
  errorCode?: string;
}

export function kmsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
}

/**
 * An in-memory KMS behind aws-sdk-client-mock: keys, aliases, tags, policies and custom key stores,
 * with the errors KMS returns for the cases the handlers meet. Lets tests check the state a sequence
 * of events leaves, not only the calls.
 */
export class FakeKms {
  public readonly mock: AwsClientStub<KMSClient>;
  public readonly keys = new Map<string, FakeKey>();
  public readonly aliases = new Map<string, string>();
  public readonly stores = new Map<string, FakeStore>([
    [STORE_ID, { type: 'AWS_CLOUDHSM', state: 'CONNECTED' }],
    [XKS_STORE_ID, { type: 'EXTERNAL_KEY_STORE', state: 'CONNECTED' }],
  ]);
  /** The time new keys are created at. */
  public now = new Date('2026-01-01T00:00:00Z');
  /** Keys (or aliases) whose description is refused to the caller, as for a key whose policy does not name it. */
  public readonly undescribable = new Set<string>();
  /** Errors the next calls of a command fail with, by command name (e.g. `CreateKeyCommand`), in order. */
  public readonly failures = new Map<string, Error[]>();

  constructor() {
    this.mock = mockClient(KMSClient);
    this.install();
  }

  public client(): KMSClient {
    return new KMSClient({ region: REGION });
  }

  /** Adds a key directly (as if made earlier). */
  public addKey(key: Partial<FakeKey> & { tags?: Record<string, string> }): FakeKey {
    const keyId = key.keyId ?? randomUUID();
    const full: FakeKey = {
      keyId,
      arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
      state: 'Enabled',
      origin: 'AWS_CLOUDHSM',
      customKeyStoreId: STORE_ID,
      description: 'a key',
      policy: '{"Version":"2012-10-17","Statement":[]}',
      tags: {},
      created: this.now,
      ...key,
    };
    this.keys.set(keyId, full);
    return full;
  }

  public key(keyId: string): FakeKey {
    const key = this.keys.get(keyId);
    if (!key) {
      throw new Error(`no key ${keyId}`);
    }
    return key;
  }

  private resolve(id: string): FakeKey | undefined {
    const keyId = id.startsWith('alias/') ? this.aliases.get(id) : id.replace(/^arn:.*:key\//, '');
    return keyId ? this.keys.get(keyId) : undefined;
  }

  private existing(id: string): FakeKey {
    const key = this.resolve(id);
    if (!key) {
      throw kmsError('NotFoundException', `Key '${id}' does not exist`);
    }
    return key;
  }

  private install(): void {
    const on = (command: any, fake: (input: any) => any) => this.mock.on(command).callsFake((input: any) => {
      this.failing(command.name);
      return fake(input);
    });
    on(DescribeCustomKeyStoresCommand, (input) => {
      const store = this.stores.get(input.CustomKeyStoreId);
      if (!store) {
        throw kmsError('CustomKeyStoreNotFoundException');
      }
      return {
        CustomKeyStores: [{
          CustomKeyStoreId: input.CustomKeyStoreId,
          CustomKeyStoreType: store.type,
          ConnectionState: store.state,
          ConnectionErrorCode: store.errorCode,
        }],
      };
    });
    on(CreateKeyCommand, (input) => {
      const key = this.addKey({
        origin: input.Origin,
        customKeyStoreId: input.CustomKeyStoreId,
        xksKeyId: input.XksKeyId,
        description: input.Description ?? '',
        policy: input.Policy,
        tags: Object.fromEntries((input.Tags ?? []).map((t: any) => [t.TagKey, t.TagValue])),
      });
      return { KeyMetadata: this.metadata(key) };
    });
    on(DescribeKeyCommand, (input) => {
      if (this.undescribable.has(input.KeyId)) {
        throw kmsError('AccessDeniedException', 'not authorized to describe');
      }
      return { KeyMetadata: this.metadata(this.existing(input.KeyId)) };
    });
    on(ListResourceTagsCommand, (input) => ({
      Tags: Object.entries(this.existing(input.KeyId).tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
      Truncated: false,
    }));
    on(TagResourceCommand, (input) => {
      const key = this.existing(input.KeyId);
      for (const tag of input.Tags) {
        key.tags[tag.TagKey] = tag.TagValue;
      }
      return {};
    });
    on(UntagResourceCommand, (input) => {
      const key = this.existing(input.KeyId);
      for (const tagKey of input.TagKeys) {
        delete key.tags[tagKey];
      }
      return {};
    });
    on(GetKeyPolicyCommand, (input) => ({ Policy: this.existing(input.KeyId).policy, PolicyName: 'default' }));
    on(PutKeyPolicyCommand, (input) => {
      const key = this.existing(input.KeyId);
      if (key.state === 'PendingDeletion') {
        throw kmsError('KMSInvalidStateException');
      }
      key.policy = input.Policy;
      return {};
    });
    on(UpdateKeyDescriptionCommand, (input) => {
      this.existing(input.KeyId).description = input.Description;
      return {};
    });
    on(CreateAliasCommand, (input) => {
      if (this.aliases.has(input.AliasName)) {
        throw kmsError('AlreadyExistsException', `An alias with the name ${input.AliasName} already exists`);
      }
      this.aliases.set(input.AliasName, this.existing(input.TargetKeyId).keyId);
      return {};
    });
    on(UpdateAliasCommand, (input) => {
      if (!this.aliases.has(input.AliasName)) {
        throw kmsError('NotFoundException', `Alias ${input.AliasName} does not exist`);
      }
      this.aliases.set(input.AliasName, this.existing(input.TargetKeyId).keyId);
      return {};
    });
    on(DeleteAliasCommand, (input) => {
      if (!this.aliases.delete(input.AliasName)) {
        throw kmsError('NotFoundException', `Alias ${input.AliasName} does not exist`);
      }
      return {};
    });
    on(ScheduleKeyDeletionCommand, (input) => {
      const key = this.existing(input.KeyId);
      if (key.state === 'PendingDeletion') {
        throw kmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
      }
      key.state = 'PendingDeletion';
      key.pendingWindowInDays = input.PendingWindowInDays;
      return { KeyId: key.arn, KeyState: 'PendingDeletion', PendingWindowInDays: input.PendingWindowInDays };
    });
  }

  /** Fails the next `times` calls of a command with `error`. */
  public failNext(command: string, error: Error, times = 1): void {
    this.failures.set(command, [...this.failures.get(command) ?? [], ...Array(times).fill(error)]);
  }

  private failing(command: string): void {
    const error = this.failures.get(command)?.shift();
    if (error) {
      throw error;
    }
  }

  private metadata(key: FakeKey) {
    return {
      KeyId: key.keyId,
      Arn: key.arn,
      KeyState: key.state,
      Enabled: key.state === 'Enabled',
      Origin: key.origin as any,
      CustomKeyStoreId: key.customKeyStoreId,
      XksKeyConfiguration: key.xksKeyId ? { Id: key.xksKeyId } : undefined,
      Description: key.description,
      CreationDate: key.created,
      KeySpec: 'SYMMETRIC_DEFAULT' as const,
      KeyUsage: 'ENCRYPT_DECRYPT' as const,
    };
  }
}
