import { constants, createHash, generateKeyPairSync, KeyObject, privateDecrypt, randomBytes } from 'node:crypto';
import {
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ImportKeyMaterialCommandInput,
  KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  RotationsListEntry,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HttpResponse } from '@smithy/protocol-http';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { checkKeyMaterialApi, materialDescription, onEvent } from '../../../../src/kms/imported-key-material/handler/on-event.lambda';
import { Clock } from '../../../../src/private/handler-kit';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111';
const OTHER_KEY = 'arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:byok-material-AbCdEf';
const NEW_SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:byok-material-2-GhIjKl';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const stoppedAt = (at: Date): Clock => ({ now: () => at.getTime(), sleep: async () => undefined });

const kms = mockClient(KMSClient);
const secrets = mockClient(SecretsManagerClient);
/** The handler's clients, with a clock stopped at `at`. */
const clients = (at: Date = NOW) => ({ kms: new KMSClient({}), secrets: new SecretsManagerClient({}), clock: stoppedAt(at) });

/** The wrapping key pair of the fake KMS, generated once: RSA 4096 as GetParametersForImport returns. */
let wrappingKey: { privateKey: KeyObject; publicKeyDer: Buffer };
beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 4096 });
  wrappingKey = { privateKey: pair.privateKey, publicKeyDer: pair.publicKey.export({ format: 'der', type: 'spki' }) };
});

/**
 * A KMS key with origin EXTERNAL as KMS keeps it: the materials associated with it, each identified
 * by a digest of the key and the material. Imports are unwrapped with the wrapping private key, so a
 * material that was not wrapped correctly (RSAES-OAEP SHA-256 under the returned key) is refused.
 */
class FakeKey {
  public readonly materials = new Map<string, { state: string; expirationModel?: string; validTo?: Date; material: Buffer }>();
  public readonly imported: Buffer[] = [];
  /** True while a rotation KMS started runs: the pending material stays pending and RotateKeyOnDemand is refused. */
  public rotating = false;
  private tokens = 0;

  constructor(public readonly keyId: string) {}

  public install(): void {
    kms.on(GetParametersForImportCommand).callsFake((input) => {
      expect(input).toEqual({ KeyId: this.keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_4096' });
      this.tokens++;
      return { KeyId: this.keyId, ImportToken: Buffer.from(`token-${this.tokens}`), PublicKey: new Uint8Array(wrappingKey.publicKeyDer) };
    });
    kms.on(ImportKeyMaterialCommand).callsFake((input: ImportKeyMaterialCommandInput) => this.importMaterial(input));
    kms.on(ListKeyRotationsCommand).callsFake(() => ({ Rotations: this.list(), Truncated: false }));
    kms.on(RotateKeyOnDemandCommand).callsFake(() => {
      if (this.rotating) {
        // API_RotateKeyOnDemand.html: ConflictException while a rotation of the key is in progress.
        throw Object.assign(new Error('The request was rejected because a rotation of this key is currently in progress.'), { name: 'ConflictException' });
      }
      const pending = [...this.materials.values()].find((m) => m.state === 'PENDING_ROTATION');
      if (!pending) {
        throw Object.assign(new Error('no material pending rotation'), { name: 'KMSInvalidStateException' });
      }
      for (const m of this.materials.values()) {
        m.state = m === pending ? 'CURRENT' : m.state === 'CURRENT' ? 'NON_CURRENT' : m.state;
      }
      return { KeyId: this.keyId };
    });
  }

  public idOf(material: Buffer): string {
    return createHash('sha256').update(this.keyId).update(material).digest('hex');
  }

  public current(): Buffer | undefined {
    return [...this.materials.values()].find((m) => m.state === 'CURRENT')?.material;
  }

  private importMaterial(input: ImportKeyMaterialCommandInput) {
    expect(Buffer.from(input.ImportToken!).toString()).toEqual(`token-${this.tokens}`);
    const material = privateDecrypt({ key: wrappingKey.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(input.EncryptedKeyMaterial!));
    this.imported.push(material);
    const id = this.idOf(material);
    const type = input.ImportType ?? (this.materials.size === 0 ? 'NEW_KEY_MATERIAL' : 'EXISTING_KEY_MATERIAL');
    const expiry = { expirationModel: input.ExpirationModel, validTo: input.ValidTo };
    if (type === 'EXISTING_KEY_MATERIAL') {
      const known = this.materials.get(id);
      if (!known) {
        throw Object.assign(new Error('The key material in the request is not the same key material that was previously imported.'),
          { name: 'IncorrectKeyMaterialException' });
      }
      Object.assign(known, expiry);
    } else {
      if (this.materials.has(id)) {
        throw Object.assign(new Error('already imported'), { name: 'IncorrectKeyMaterialException' });
      }
      this.materials.set(id, { state: this.materials.size === 0 ? 'CURRENT' : 'PENDING_ROTATION', material, ...expiry });
    }
    return { KeyId: this.keyId, KeyMaterialId: id };
  }

  private list(): RotationsListEntry[] {
    return [...this.materials.entries()].map(([id, m]) => ({
      KeyId: this.keyId,
      KeyMaterialId: id,
      KeyMaterialState: m.state as any,
      ImportState: 'IMPORTED',
      ExpirationModel: m.expirationModel as any,
      ValidTo: m.validTo,
    }));
  }
}

/** Secrets Manager holding the given secret values. */
function secretsHold(values: Record<string, string | Uint8Array>): void {
  secrets.on(GetSecretValueCommand).callsFake((input) => {
    const value = values[input.SecretId];
    if (value === undefined) {
      throw Object.assign(new Error('Secrets Manager can\'t find the specified secret.'), { name: 'ResourceNotFoundException' });
    }
    return typeof value === 'string' ? { ARN: input.SecretId, SecretString: value } : { ARN: input.SecretId, SecretBinary: value };
  });
}

interface Props {
  KeyId?: string;
  SecretId?: string;
  ExpirationModel?: string;
  ValidForDays?: string;
  ImportGeneration?: string;
}

function props(p: Props = {}) {
  return { ServiceToken: 'token', KeyId: KEY, SecretId: SECRET, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ImportGeneration: '0', ...p };
}

function event(type: 'Create', p?: Props): CloudFormationCustomResourceEvent;
function event(type: 'Update', p: Props, old: Props): CloudFormationCustomResourceEvent;
function event(type: 'Delete', p?: Props): CloudFormationCustomResourceEvent;
function event(type: 'Create' | 'Update' | 'Delete', p: Props = {}, old: Props = {}): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'KeyMaterial',
    ResourceType: 'Custom::KmiImportedKeyMaterial',
    ResourceProperties: props(p),
  };
  if (type === 'Create') {
    return { ...base, RequestType: 'Create' };
  }
  if (type === 'Update') {
    return { ...base, RequestType: 'Update', PhysicalResourceId: old.KeyId ?? KEY, OldResourceProperties: props(old) };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: p.KeyId ?? KEY };
}

/** Everything the handler writes to the console, whatever the level; kept out of the test output. */
let consoleOutput: string[] = [];
const LEVELS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
beforeAll(() => {
  for (const level of LEVELS) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
});
afterAll(() => jest.restoreAllMocks());

let material: Buffer;
let newMaterial: Buffer;
let key: FakeKey;

beforeEach(() => {
  consoleOutput = [];
  kms.reset();
  secrets.reset();
  material = randomBytes(32);
  newMaterial = randomBytes(32);
  secretsHold({ [SECRET]: material.toString('base64'), [NEW_SECRET]: newMaterial.toString('base64') });
  key = new FakeKey(KEY);
  key.install();
});

/** A key that already holds `material` as its only (current) material. */
async function created(p: Props = {}) {
  await onEvent(event('Create', p), clients());
  kms.resetHistory();
  secrets.resetHistory();
}

function importInputs(): ImportKeyMaterialCommandInput[] {
  return kms.commandCalls(ImportKeyMaterialCommand).map((c) => c.args[0].input);
}

describe('create', () => {
  test('reads the secret, gets import parameters, and imports the material it wrapped, which KMS unwraps to the secret\'s material', async () => {
    const result = await onEvent(event('Create'), clients());
    expect(secrets.commandCalls(GetSecretValueCommand)[0].args[0].input).toEqual({ SecretId: SECRET });
    expect(kms.commandCalls(GetParametersForImportCommand)).toHaveLength(1);
    expect(key.imported).toHaveLength(1);
    expect(key.imported[0].equals(material)).toBe(true);
    expect(key.current()!.equals(material)).toBe(true);
    expect(result).toEqual({
      PhysicalResourceId: KEY,
      Data: { KeyMaterialId: key.idOf(material), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: '' },
    });
  });
  test('without expiry, imports with KEY_MATERIAL_DOES_NOT_EXPIRE and no ValidTo, leaving the import type to KMS', async () => {
    await onEvent(event('Create'), clients());
    const input = importInputs()[0];
    expect(input).toMatchObject({ KeyId: KEY, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', KeyMaterialDescription: materialDescription(SECRET) });
    expect(input.ValidTo).toBeUndefined();
    expect(input.ImportType).toBeUndefined();
  });
  test('with expiry, imports with KEY_MATERIAL_EXPIRES and ValidTo the given days from now', async () => {
    const result = await onEvent(event('Create', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '90' }), clients());
    expect(importInputs()[0]).toMatchObject({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date('2026-05-30T12:00:00.000Z') });
    expect(result.Data).toMatchObject({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: '2026-05-30T12:00:00.000Z' });
  });
  test('with expiry, 365 days is the latest ValidTo it asks for', async () => {
    await onEvent(event('Create', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '365' }), clients());
    expect(importInputs()[0].ValidTo).toEqual(new Date('2027-03-01T12:00:00.000Z'));
  });
  test.each([
    ['0', 'KEY_MATERIAL_EXPIRES'], ['366', 'KEY_MATERIAL_EXPIRES'], ['1.5', 'KEY_MATERIAL_EXPIRES'], [undefined, 'KEY_MATERIAL_EXPIRES'], [undefined, 'SOMETIMES'],
  ])('refuses ValidForDays %p with %s before reading the secret', async (days, model) => {
    await expect(onEvent(event('Create', { ExpirationModel: model, ValidForDays: days }), clients()))
      .rejects.toThrow(`Invalid expiration: ExpirationModel ${model}, ValidForDays ${days}; expected KEY_MATERIAL_DOES_NOT_EXPIRE, or KEY_MATERIAL_EXPIRES with ValidForDays a whole number from 1 to 365.`);
    expect(secrets.calls()).toHaveLength(0);
  });
  test('a repeated create imports the same material again and leaves the key as it was', async () => {
    await onEvent(event('Create'), clients());
    const first = [...key.materials.keys()];
    const result = await onEvent(event('Create'), clients());
    expect([...key.materials.keys()]).toEqual(first);
    expect(key.materials.get(first[0])!.state).toEqual('CURRENT');
    expect(result.Data!.KeyMaterialId).toEqual(first[0]);
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
  });
  test('a create whose secret holds material other than the key\'s says how to fix it', async () => {
    await created();
    secretsHold({ [SECRET]: randomBytes(32).toString('base64') });
    await expect(onEvent(event('Create'), clients())).rejects.toThrow(
      `KMS refused the material in secret ${SECRET} as material of key ${KEY} (IncorrectKeyMaterialException): a key that already has material `
      + 'accepts again only that same material. If the secret\'s value was replaced, put the original material back; to rotate the key to new '
      + 'material, put the new material in a new secret and pass that secret.');
  });
});

describe('bad material', () => {
  test.each([
    ['16 bytes', () => randomBytes(16).toString('base64'), /holds base64 of 16 bytes \(24 characters\)/],
    ['64 bytes', () => randomBytes(64).toString('base64'), /holds base64 of 64 bytes \(88 characters\)/],
    ['text that is not base64', () => `${randomBytes(32).toString('base64').slice(0, 40)}!!!!`, /holds 44 characters that are not all base64/],
  ])('a secret holding %s is refused with a clear error that does not echo it, before any KMS call', async (_, value, detail) => {
    const text = value();
    secretsHold({ [SECRET]: text });
    const error = await onEvent(event('Create'), clients()).then(() => undefined, (e: Error) => e);
    expect(error!.message).toMatch(new RegExp(`^The secret ${SECRET} does not hold key material in the expected format: `));
    expect(error!.message).toMatch(detail);
    expect(error!.message).not.toContain(text.slice(0, 12));
    expect(kms.calls()).toHaveLength(0);
  });
  test('a secret holding a binary value is refused: the material is stored as base64 text', async () => {
    secretsHold({ [SECRET]: new Uint8Array(randomBytes(32)) });
    await expect(onEvent(event('Create'), clients()))
      .rejects.toThrow(`The secret ${SECRET} holds a binary value; expected text: the standard base64 of 32 random bytes.`);
    expect(kms.calls()).toHaveLength(0);
  });
  test('import parameters without a public key are reported, and nothing is imported', async () => {
    kms.on(GetParametersForImportCommand).resolves({ KeyId: KEY, ImportToken: Buffer.from('t') });
    await expect(onEvent(event('Create'), clients())).rejects.toThrow(`GetParametersForImport for key ${KEY} returned no public key or import token.`);
    expect(kms.commandCalls(ImportKeyMaterialCommand)).toHaveLength(0);
  });
  test('a secret the handler may not read is reported as secretsmanager:GetSecretValue denied', async () => {
    secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(onEvent(event('Create'), clients())).rejects.toThrow(/^secretsmanager:GetSecretValue was denied \(AccessDeniedException\)/);
  });
  test('an import KMS denies is reported as kms:ImportKeyMaterial denied', async () => {
    kms.on(ImportKeyMaterialCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(onEvent(event('Create'), clients())).rejects.toThrow(/^kms:ImportKeyMaterial was denied \(AccessDeniedException\)/);
  });
});

describe('update with the same secret (re-import)', () => {
  test('re-imports the same material as EXISTING_KEY_MATERIAL, with the expiry set afresh, and does not rotate', async () => {
    await created({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' });
    const later = new Date('2026-03-20T00:00:00.000Z');
    const result = await onEvent(event('Update', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30', ImportGeneration: '1' },
      { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' }), clients(later));
    expect(importInputs()).toHaveLength(1);
    expect(importInputs()[0]).toMatchObject({ ImportType: 'EXISTING_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date('2026-04-19T00:00:00.000Z') });
    expect(importInputs()[0].KeyMaterialDescription).toBeUndefined();
    expect(key.imported.at(-1)!.equals(material)).toBe(true);
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
    expect(result).toEqual({ PhysicalResourceId: KEY, Data: { KeyMaterialId: key.idOf(material), ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: '2026-04-19T00:00:00.000Z' } });
  });
  test('switching from expiring to non-expiring material re-imports it with KEY_MATERIAL_DOES_NOT_EXPIRE', async () => {
    await created({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' });
    await onEvent(event('Update', {}, { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' }), clients());
    expect(importInputs()[0]).toMatchObject({ ImportType: 'EXISTING_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    expect(importInputs()[0].ValidTo).toBeUndefined();
    expect(key.materials.get(key.idOf(material))!.expirationModel).toEqual('KEY_MATERIAL_DOES_NOT_EXPIRE');
  });
  test('a secret whose value was replaced is refused, and the key keeps its material', async () => {
    await created();
    secretsHold({ [SECRET]: randomBytes(32).toString('base64') });
    await expect(onEvent(event('Update', { ImportGeneration: '1' }, {}), clients()))
      .rejects.toThrow(/IncorrectKeyMaterialException\): a key that already has material accepts again only that same material/);
    expect([...key.materials.values()].map((m) => m.state)).toEqual(['CURRENT']);
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
  });
  test('a repeated re-import leaves the key as it was', async () => {
    await created();
    const e = event('Update', { ImportGeneration: '1' }, {});
    await onEvent(e, clients());
    await onEvent(e, clients());
    expect([...key.materials.entries()].map(([id, m]) => [id, m.state])).toEqual([[key.idOf(material), 'CURRENT']]);
  });
});

describe('update with a new secret (rotation to new material)', () => {
  test('imports the new material as NEW_KEY_MATERIAL, then rotates on demand; the earlier material stays for decryption', async () => {
    await created();
    const result = await onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients());
    const inputs = importInputs();
    expect(inputs.map((i) => i.ImportType)).toEqual(['EXISTING_KEY_MATERIAL', 'NEW_KEY_MATERIAL']);
    expect(inputs[1]).toMatchObject({ ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', KeyMaterialDescription: materialDescription(NEW_SECRET) });
    expect(kms.commandCalls(RotateKeyOnDemandCommand)[0].args[0].input).toEqual({ KeyId: KEY });
    expect(key.current()!.equals(newMaterial)).toBe(true);
    expect(key.materials.get(key.idOf(material))!.state).toEqual('NON_CURRENT');
    expect(result).toEqual({ PhysicalResourceId: KEY, Data: { KeyMaterialId: key.idOf(newMaterial), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: '' } });
  });
  test('rotates only once the new material is imported (import before RotateKeyOnDemand)', async () => {
    await created();
    await onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients());
    const order = kms.calls().map((c) => (c.args[0] as any).constructor.name);
    expect(order.lastIndexOf('ImportKeyMaterialCommand')).toBeLessThan(order.indexOf('RotateKeyOnDemandCommand'));
  });
  test('a repeated rotation event neither imports the material as new again nor rotates again', async () => {
    await created();
    const e = event('Update', { SecretId: NEW_SECRET }, {});
    await onEvent(e, clients());
    kms.resetHistory();
    const result = await onEvent(e, clients());
    expect(importInputs().map((i) => i.ImportType)).toEqual(['EXISTING_KEY_MATERIAL']);
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
    expect([...key.materials.values()].map((m) => m.state)).toEqual(['NON_CURRENT', 'CURRENT']);
    expect(result.Data!.KeyMaterialId).toEqual(key.idOf(newMaterial));
  });
  test('a rotation interrupted after the import (material pending rotation) is completed by the repeated event', async () => {
    await created();
    kms.on(RotateKeyOnDemandCommand).rejectsOnce(Object.assign(new Error('internal'), { name: 'KMSInternalException' }));
    const e = event('Update', { SecretId: NEW_SECRET }, {});
    await expect(onEvent(e, clients())).rejects.toThrow('internal');
    expect(key.materials.get(key.idOf(newMaterial))!.state).toEqual('PENDING_ROTATION');
    key.install();
    await onEvent(e, clients());
    expect(key.current()!.equals(newMaterial)).toBe(true);
  });
  test('a rotation already in progress to the new material (ConflictException) is taken as started, not as a failure', async () => {
    await created();
    kms.on(RotateKeyOnDemandCommand).rejectsOnce(Object.assign(new Error('internal'), { name: 'KMSInternalException' }));
    const e = event('Update', { SecretId: NEW_SECRET }, {});
    await expect(onEvent(e, clients())).rejects.toThrow('internal');
    key.install();
    key.rotating = true;
    const result = await onEvent(e, clients());
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(2);
    expect(key.materials.get(key.idOf(newMaterial))!.state).toEqual('PENDING_ROTATION');
    expect(result).toEqual({ PhysicalResourceId: KEY, Data: { KeyMaterialId: key.idOf(newMaterial), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: '' } });
  });
  test('a ConflictException when the new material is not the one pending rotation is reported with what to do', async () => {
    await created();
    key.install();
    key.rotating = true;
    kms.on(ListKeyRotationsCommand).callsFake(() => ({
      Rotations: [{ KeyId: KEY, KeyMaterialId: key.idOf(material), KeyMaterialState: 'CURRENT', ImportState: 'IMPORTED' }], Truncated: false,
    }));
    const e = event('Update', { SecretId: NEW_SECRET }, {});
    const error = await onEvent(e, clients()).catch((x: Error) => x);
    expect(error).toMatchObject({ name: 'ConflictException' });
    expect((error as Error).message).toEqual(`KMS refused to rotate key ${KEY} (ConflictException: a rotation is in progress), but key `
      + `material ${key.idOf(newMaterial)} is absent rather than pending rotation, so the rotation in progress is not to it. `
      + 'Wait until ListKeyRotations shows no material PENDING_ROTATION, then retry the deployment.');
  });
  test('a new secret holding the current material re-imports it and does not rotate', async () => {
    await created();
    secretsHold({ [SECRET]: material.toString('base64'), [NEW_SECRET]: material.toString('base64') });
    await onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients());
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
    expect(key.materials.size).toBe(1);
  });
  test('going back to the secret of earlier material is refused: KMS cannot make earlier material current again', async () => {
    await created();
    await onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients());
    await expect(onEvent(event('Update', { SecretId: SECRET }, { SecretId: NEW_SECRET }), clients())).rejects.toThrow(
      `The material in secret ${SECRET} is earlier material of key ${KEY} (${key.idOf(material)}, NON_CURRENT): KMS cannot make earlier material current again.`);
    expect(key.current()!.equals(newMaterial)).toBe(true);
  });
  test('with expiring material asked for, is refused before anything is read or imported', async () => {
    await created();
    await expect(onEvent(event('Update', { SecretId: NEW_SECRET, ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' }, {}), clients()))
      .rejects.toThrow(/^Cannot rotate key .* with expiring key material: .* Rotate with KeyMaterialExpiration.never\(\)\.$/);
    expect(kms.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
  });
  test('while the current material expires, is refused with the way out, and nothing is imported', async () => {
    await created({ ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' });
    await expect(onEvent(event('Update', { SecretId: NEW_SECRET }, { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' }), clients()))
      .rejects.toThrow(`Cannot rotate key ${KEY}: its key material ${key.idOf(material)} (CURRENT, valid to 2026-03-31T12:00:00.000Z) expires, `
        + 'and the key would become unusable when it does. First deploy with KeyMaterialExpiration.never() and the secret that holds that material, '
        + 'so that it is imported again without expiry; then change the secret.');
    expect(importInputs()).toHaveLength(0);
  });
  test('reads every page of the key\'s materials: an expiring material on a later page still stops the rotation', async () => {
    await created();
    kms.on(ListKeyRotationsCommand)
      .resolvesOnce({ Rotations: [{ KeyMaterialId: 'a'.repeat(64), KeyMaterialState: 'NON_CURRENT', ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }], Truncated: true, NextMarker: 'page-2' })
      .resolvesOnce({ Rotations: [{ KeyMaterialId: 'b'.repeat(64), KeyMaterialState: 'CURRENT', ExpirationModel: 'KEY_MATERIAL_EXPIRES' }], Truncated: false });
    await expect(onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients())).rejects.toThrow(`its key material ${'b'.repeat(64)} (CURRENT, valid to ?) expires`);
    expect(kms.commandCalls(ListKeyRotationsCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: KEY, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: undefined },
      { KeyId: KEY, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: 'page-2' },
    ]);
  });
  test('an error other than incorrect material, on the attempt to re-import, passes through and nothing is imported as new', async () => {
    await created();
    kms.on(ImportKeyMaterialCommand).rejects(Object.assign(new Error('key is disabled'), { name: 'KMSInvalidStateException' }));
    await expect(onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients())).rejects.toThrow('key is disabled');
    expect(importInputs().map((i) => i.ImportType)).toEqual(['EXISTING_KEY_MATERIAL']);
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
  });
  test('material KMS accepts but does not list is reported, and the key is not rotated', async () => {
    await created();
    secretsHold({ [NEW_SECRET]: material.toString('base64') });
    kms.on(ListKeyRotationsCommand).resolves({ Rotations: [], Truncated: false });
    await expect(onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients())).rejects.toThrow(
      `KMS accepted the material in secret ${NEW_SECRET} as material of key ${KEY} (${key.idOf(material)}) but ListKeyRotations reports it as absent; retry the deployment.`);
    expect(kms.commandCalls(RotateKeyOnDemandCommand)).toHaveLength(0);
  });
  test('a rotation KMS refuses is reported with the permission', async () => {
    await created();
    kms.on(RotateKeyOnDemandCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients())).rejects.toThrow(/^kms:RotateKeyOnDemand was denied/);
  });
});

describe('update with a new key', () => {
  test('imports into the new key as a first import and takes its ARN as the physical id', async () => {
    const other = new FakeKey(OTHER_KEY);
    other.install();
    const result = await onEvent(event('Update', { KeyId: OTHER_KEY }, {}), clients());
    expect(importInputs()[0]).toMatchObject({ KeyId: OTHER_KEY });
    expect(importInputs()[0].ImportType).toBeUndefined();
    expect(result.PhysicalResourceId).toEqual(OTHER_KEY);
  });
});

describe('delete', () => {
  test.each([
    ['a retained key (RETAIN)', {}],
    ['a key being deleted (DESTROY)', {}],
    ['a key whose material expires', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' }],
  ])('of %s leaves the material alone: no call at all', async (_, p) => {
    await created(p);
    const result = await onEvent(event('Delete', p), clients());
    expect(result).toEqual({ PhysicalResourceId: KEY });
    expect(kms.calls()).toHaveLength(0);
    expect(secrets.calls()).toHaveLength(0);
    expect(key.current()!.equals(material)).toBe(true);
  });
  test('of a create that never succeeded succeeds', async () => {
    const e = { ...event('Delete'), PhysicalResourceId: 'request-id-of-a-failed-create' } as CloudFormationCustomResourceEvent;
    await expect(onEvent(e, clients())).resolves.toEqual({ PhysicalResourceId: 'request-id-of-a-failed-create' });
  });
});

describe('the key material', () => {
  test('never appears in responses, errors or console output, in base64, hex or raw form', async () => {
    const seen: string[] = [];
    seen.push(JSON.stringify(await onEvent(event('Create', { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidForDays: '30' }), clients())));
    seen.push(JSON.stringify(await onEvent(event('Update', { ImportGeneration: '1' }, {}), clients())));
    seen.push(JSON.stringify(await onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients())));
    seen.push(JSON.stringify(await onEvent(event('Update', { SecretId: NEW_SECRET }, {}), clients())));
    secretsHold({ [SECRET]: material.toString('base64'), [NEW_SECRET]: randomBytes(32).toString('base64') });
    seen.push(await onEvent(event('Update', { SecretId: NEW_SECRET, ImportGeneration: '2' }, { SecretId: NEW_SECRET }), clients())
      .then(() => 'unexpected success', (e: Error) => `${e.name} ${e.message} ${e.stack}`));
    seen.push(JSON.stringify(await onEvent(event('Delete'), clients())));
    const output = consoleOutput;
    expect(output.length).toBeGreaterThan(0);
    expect(seen[4]).toMatch(/IncorrectKeyMaterialException/);
    const everything = [...output, ...seen].join('\n');
    for (const m of [material, newMaterial]) {
      for (const form of [m.toString('base64'), m.toString('base64').slice(0, 16), m.toString('hex'), m.toString('hex').slice(0, 16), m.toString('latin1')]) {
        expect(everything).not.toContain(form);
      }
    }
  });
});

describe('throttling', () => {
  test('is retried by the SDK\'s standard retry strategy (real KMS client, fake HTTP), and the wrapped material still unwraps', async () => {
    kms.restore();
    const sent: string[] = [];
    const publicKey = wrappingKey.publicKeyDer.toString('base64');
    const responses = [
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }),
      json(200, { KeyId: KEY, ImportToken: Buffer.from('token').toString('base64'), PublicKey: publicKey, ParametersValidTo: 1772452800 }),
      json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }),
      json(200, { KeyId: KEY, KeyMaterialId: 'a'.repeat(64) }),
    ];
    let wrapped: Buffer | undefined;
    const realKms = new KMSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: any) => {
          sent.push(String(request.headers['x-amz-target']).replace('TrentService.', ''));
          const body = JSON.parse(new TextDecoder().decode(request.body));
          if (body.EncryptedKeyMaterial) {
            wrapped = Buffer.from(body.EncryptedKeyMaterial, 'base64');
          }
          return { response: responses.shift()! };
        },
      } as any,
    });
    const result = await onEvent(event('Create'), { kms: realKms, secrets: new SecretsManagerClient({}), clock: stoppedAt(NOW) });
    expect(sent).toEqual(['GetParametersForImport', 'GetParametersForImport', 'ImportKeyMaterial', 'ImportKeyMaterial']);
    expect(result.Data!.KeyMaterialId).toEqual('a'.repeat(64));
    const unwrapped = privateDecrypt({ key: wrappingKey.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped!);
    expect(unwrapped.equals(material)).toBe(true);
  });
});

function json(statusCode: number, body: unknown): HttpResponse {
  return new HttpResponse({
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: Buffer.from(JSON.stringify(body)),
  });
}

describe('the SDK of the Lambda runtime', () => {
  test('the KMS client the handler is built against has the 2025 key material API', () => {
    expect(() => checkKeyMaterialApi()).not.toThrow();
  });
  test('a KMS client without it is refused with a clear message, instead of dropping ImportType silently', () => {
    const old = { KMSClient, ImportKeyMaterialCommand, IncludeKeyMaterial: { ALL_KEY_MATERIAL: 'ALL_KEY_MATERIAL' } };
    expect(() => checkKeyMaterialApi(old)).toThrow('The AWS SDK for JavaScript of this Lambda runtime has a KMS client without ImportType, '
      + 'KeyMaterialState (the key material API of 2025)');
  });
});
