/**
 * Custom resource handler (Provider framework `onEvent`) for KmsKeyWithImportedMaterial: imports key
 * material, read from a Secrets Manager secret, into a KMS key with origin `EXTERNAL`.
 *
 * Each import reads the secret, asks KMS for a fresh RSA 4096 wrapping key and import token
 * (`GetParametersForImport`, `RSAES_OAEP_SHA_256`), encrypts the material under that key and
 * imports it (`ImportKeyMaterial`) with the expiration asked for.
 *
 * - Create imports the material; KMS treats the first import as new material and any later one as
 *   a re-import, so a repeated Create is harmless.
 * - Update with the same secret re-imports the same material (`EXISTING_KEY_MATERIAL`), setting the
 *   expiration afresh; if the secret now holds other material, KMS refuses and nothing changes.
 * - Update with another secret rotates the key to the material in it: import with
 *   `NEW_KEY_MATERIAL`, then `RotateKeyOnDemand`. Material that KMS already knows (a repeated event,
 *   or the same material in a new secret) is not imported as new again; a rotation to it already in
 *   progress (`ConflictException`) is taken as started.
 * - Delete does nothing: the material goes with the key when the key's removal policy deletes it.
 *
 * The material is never logged, returned, or put in an error message; the buffer that holds it is
 * zeroed once it has been wrapped. Throttling is retried by the SDK's standard retry strategy; an
 * authorization failure is reported with the permission that is missing.
 */
import * as kmsSdk from '@aws-sdk/client-kms';
import {
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  RotationsListEntry,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ImportedKeyMaterialProperties, KeyMaterialData } from './resource-properties';
import { parseKeyMaterial, WRAPPING_ALGORITHM, WRAPPING_KEY_SPEC, wrapKeyMaterial } from './wrapping';
import { call, defaultClients, errorName, HandlerClients, log, named, OnEventResult } from '../../../private/handler-kit';

/** The clients of this handler (from the handler kit); the clock gives the time of the import, from which the expiry is counted. */
export type KeyMaterialClients = Pick<HandlerClients, 'kms' | 'secrets' | 'clock'>;

type ImportType = 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL';

interface Expiration {
  readonly model: ImportedKeyMaterialProperties['ExpirationModel'];
  readonly validTo?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The handler runs on the AWS SDK of the Lambda runtime (not bundled). It sends and reads the key
 * material fields KMS added in 2025 (`ImportType`, `KeyMaterialId`, `IncludeKeyMaterial`,
 * `KeyMaterialState`: https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html,
 * API_ListKeyRotations.html); an SDK older than that model would drop them without a word and import
 * as a first import. So it refuses to run on an SDK whose KMS client lacks them, naming the version found.
 */
export function checkKeyMaterialApi(sdk: Record<string, unknown> = kmsSdk as unknown as Record<string, unknown>): void {
  const missing = ['ImportType', 'IncludeKeyMaterial', 'KeyMaterialState'].filter((name) => sdk[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`The AWS SDK for JavaScript of this Lambda runtime has a KMS client without ${missing.join(', ')} (the key material `
      + 'API of 2025), which this handler needs to import and rotate key material; an older client would drop those fields. '
      + 'Let the function\'s runtime update (Lambda runtime management: Auto), then deploy again.');
  }
}

export async function onEvent(
  event: CloudFormationCustomResourceEvent, clients: KeyMaterialClients = defaultClients({ kms: KMSClient, secrets: SecretsManagerClient }),
): Promise<OnEventResult<KeyMaterialData>> {
  if (event.RequestType !== 'Delete') {
    checkKeyMaterialApi();
  }
  const now = new Date(clients.clock.now());
  const props = event.ResourceProperties as unknown as ImportedKeyMaterialProperties;
  switch (event.RequestType) {
    case 'Create':
      return importAndReport(clients, props, expirationOf(props, now), undefined);
    case 'Update': {
      const old = event.OldResourceProperties as unknown as ImportedKeyMaterialProperties;
      const expiration = expirationOf(props, now);
      if (old.KeyId !== props.KeyId) {
        // A new key: its first import, as on Create.
        return importAndReport(clients, props, expiration, undefined);
      }
      if (old.SecretId === props.SecretId) {
        return importAndReport(clients, props, expiration, 'EXISTING_KEY_MATERIAL');
      }
      const keyMaterialId = await rotate(clients, props, expiration);
      return result(props, keyMaterialId, expiration);
    }
    case 'Delete':
      // Deleting the material would make the key unusable at once; a key being deleted (removal
      // policy DESTROY) is already unusable while its deletion is pending, and deleting its material
      // would only take away the chance to cancel the deletion. A retained key keeps its material.
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
}

/** Lambda entry point. */
export const handler = (event: CloudFormationCustomResourceEvent) => onEvent(event);

function expirationOf(props: ImportedKeyMaterialProperties, now: Date): Expiration {
  if (props.ExpirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    return { model: props.ExpirationModel };
  }
  const days = Number(props.ValidForDays);
  if (props.ExpirationModel !== 'KEY_MATERIAL_EXPIRES' || !Number.isInteger(days) || days < 1 || days > 365) {
    throw new Error(`Invalid expiration: ExpirationModel ${props.ExpirationModel}, ValidForDays ${props.ValidForDays}; `
      + 'expected KEY_MATERIAL_DOES_NOT_EXPIRE, or KEY_MATERIAL_EXPIRES with ValidForDays a whole number from 1 to 365.');
  }
  return { model: props.ExpirationModel, validTo: new Date(now.getTime() + days * DAY_MS) };
}

async function importAndReport(
  clients: KeyMaterialClients, props: ImportedKeyMaterialProperties, expiration: Expiration, importType: ImportType | undefined,
): Promise<OnEventResult<KeyMaterialData>> {
  const keyMaterialId = await importFromSecret(clients, props, expiration, importType);
  return result(props, keyMaterialId, expiration);
}

function result(props: ImportedKeyMaterialProperties, keyMaterialId: string, expiration: Expiration): OnEventResult<KeyMaterialData> {
  return {
    PhysicalResourceId: props.KeyId,
    Data: { KeyMaterialId: keyMaterialId, ExpirationModel: expiration.model, ValidTo: expiration.validTo?.toISOString() ?? '' },
  };
}

/**
 * Rotates the key to the material in the (new) secret: imports it as new material and rotates, unless
 * KMS already knows it. Refused while any of the key's material expires: the construct re-imports
 * only the current material, so an earlier one would expire and make the key unusable.
 */
async function rotate(clients: KeyMaterialClients, props: ImportedKeyMaterialProperties, expiration: Expiration): Promise<string> {
  if (expiration.model === 'KEY_MATERIAL_EXPIRES') {
    throw new Error(`Cannot rotate key ${props.KeyId} to the material in secret ${props.SecretId} with expiring key material: `
      + 'once any material of a key expires, the key is unusable until that material is imported again, and only the current '
      + 'material is re-imported here. Rotate with KeyMaterialExpiration.never().');
  }
  const before = await listMaterials(clients.kms, props.KeyId);
  const expiring = before.filter((m) => isPermanent(m) && m.ExpirationModel === 'KEY_MATERIAL_EXPIRES');
  if (expiring.length > 0) {
    throw new Error(`Cannot rotate key ${props.KeyId}: its key material ${expiring.map(describeMaterial).join(', ')} expires, `
      + 'and the key would become unusable when it does. First deploy with KeyMaterialExpiration.never() and the secret that holds '
      + 'that material, so that it is imported again without expiry; then change the secret.');
  }

  // Material KMS already knows (a repeated event, or the current material in another secret) is
  // accepted as existing material; anything else is refused as incorrect and is new material.
  let known: string | undefined;
  try {
    known = await importFromSecret(clients, props, expiration, 'EXISTING_KEY_MATERIAL');
  } catch (error) {
    if ((error as Error).name !== 'IncorrectKeyMaterialException') {
      throw error;
    }
  }
  if (known === undefined) {
    const imported = await importFromSecret(clients, props, expiration, 'NEW_KEY_MATERIAL');
    await rotateOnDemand(clients.kms, props.KeyId, imported);
    return imported;
  }
  const state = before.find((m) => m.KeyMaterialId === known)?.KeyMaterialState;
  switch (state) {
    case 'CURRENT':
      log(`Key ${props.KeyId}: the material in secret ${props.SecretId} is already current (${known}); no rotation.`);
      return known;
    case 'PENDING_ROTATION':
      await rotateOnDemand(clients.kms, props.KeyId, known);
      return known;
    case 'NON_CURRENT':
      throw new Error(`The material in secret ${props.SecretId} is earlier material of key ${props.KeyId} (${known}, NON_CURRENT): `
        + 'KMS cannot make earlier material current again. Rotate to new material in a new secret, or go back to the secret of the current material.');
    default:
      throw new Error(`KMS accepted the material in secret ${props.SecretId} as material of key ${props.KeyId} (${known}) but `
        + `ListKeyRotations reports it as ${state ?? 'absent'}; retry the deployment.`);
  }
}

/**
 * Starts the rotation to `keyMaterialId` (which must be PENDING_ROTATION). RotateKeyOnDemand only
 * starts a rotation: KMS refuses another one with ConflictException while one is in progress
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html, "ConflictException:
 * ... rotation of this key is currently in progress"; botocore/data/kms/2014-11-01/service-2.json). A key with imported
 * material has no automatic rotation and at most one material PENDING_ROTATION
 * (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys-import.html), so the rotation in progress
 * is the one to this material, started by an earlier attempt of the same event: it is taken as
 * started, and KMS completes it. Anything else is reported.
 */
async function rotateOnDemand(kms: KMSClient, keyId: string, keyMaterialId: string): Promise<void> {
  log(`Key ${keyId}: rotating to key material ${keyMaterialId} (RotateKeyOnDemand).`);
  try {
    await call('kms:RotateKeyOnDemand', () => kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
  } catch (error) {
    if (errorName(error) !== 'ConflictException') {
      throw error;
    }
    const state = (await listMaterials(kms, keyId)).find((m) => m.KeyMaterialId === keyMaterialId)?.KeyMaterialState;
    if (state === 'PENDING_ROTATION' || state === 'CURRENT') {
      log(`Key ${keyId}: a rotation is already in progress (ConflictException) and key material ${keyMaterialId} is ${state}; `
        + 'KMS completes the rotation to it.');
      return;
    }
    throw named('ConflictException', `KMS refused to rotate key ${keyId} (ConflictException: a rotation is in progress), but key `
      + `material ${keyMaterialId} is ${state ?? 'absent'} rather than pending rotation, so the rotation in progress is not to it. `
      + 'Wait until ListKeyRotations shows no material PENDING_ROTATION, then retry the deployment.');
  }
}

/** Permanently associated material: the current one and earlier ones kept for decryption. */
function isPermanent(material: RotationsListEntry): boolean {
  return material.KeyMaterialState === 'CURRENT' || material.KeyMaterialState === 'NON_CURRENT';
}

function describeMaterial(material: RotationsListEntry): string {
  return `${material.KeyMaterialId} (${material.KeyMaterialState}, valid to ${material.ValidTo?.toISOString() ?? '?'})`;
}

async function listMaterials(kms: KMSClient, keyId: string): Promise<RotationsListEntry[]> {
  const materials: RotationsListEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await call('kms:ListKeyRotations', () => kms.send(new ListKeyRotationsCommand({
      KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: marker,
    })));
    materials.push(...page.Rotations ?? []);
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return materials;
}

/**
 * Reads the material from the secret and imports it. Returns the KMS identifier of the material.
 *
 * @param importType undefined on a first import: KMS then takes it as new material if the key has
 * never had any, and as a re-import otherwise
 */
async function importFromSecret(
  clients: KeyMaterialClients, props: ImportedKeyMaterialProperties, expiration: Expiration, importType: ImportType | undefined,
): Promise<string> {
  const material = await readMaterial(clients.secrets, props.SecretId);
  let wrapped: Buffer;
  let importToken: Uint8Array;
  try {
    const parameters = await call('kms:GetParametersForImport', () => clients.kms.send(new GetParametersForImportCommand({
      KeyId: props.KeyId, WrappingAlgorithm: WRAPPING_ALGORITHM, WrappingKeySpec: WRAPPING_KEY_SPEC,
    })));
    if (!parameters.PublicKey || !parameters.ImportToken) {
      throw new Error(`GetParametersForImport for key ${props.KeyId} returned no public key or import token.`);
    }
    wrapped = wrapKeyMaterial(material, parameters.PublicKey);
    importToken = parameters.ImportToken;
  } finally {
    material.fill(0);
  }
  log(`Key ${props.KeyId}: importing key material from secret ${props.SecretId} `
    + `(${importType ?? 'first import'}, ${expiration.validTo ? `valid to ${expiration.validTo.toISOString()}` : 'does not expire'}).`);
  const imported = await call('kms:ImportKeyMaterial', () => clients.kms.send(new ImportKeyMaterialCommand({
    KeyId: props.KeyId,
    ImportToken: importToken,
    EncryptedKeyMaterial: wrapped,
    ExpirationModel: expiration.model,
    ValidTo: expiration.validTo,
    ImportType: importType,
    KeyMaterialDescription: importType === 'EXISTING_KEY_MATERIAL' ? undefined : materialDescription(props.SecretId),
  })), (error) => importError(error, props, importType));
  return imported.KeyMaterialId ?? '';
}

async function readMaterial(secrets: SecretsManagerClient, secretId: string): Promise<Buffer> {
  const value = await call('secretsmanager:GetSecretValue', () => secrets.send(new GetSecretValueCommand({ SecretId: secretId })));
  if (typeof value.SecretString !== 'string') {
    throw new Error(`The secret ${secretId} holds ${value.SecretBinary ? 'a binary value' : 'no value'}; `
      + 'expected text: the standard base64 of 32 random bytes.');
  }
  return parseKeyMaterial(value.SecretString, `secret ${secretId}`);
}

/**
 * A description of the material, for the key's list of materials: where it came from. KMS allows
 * letters, digits, spaces and `:/_.-` only, at most 256 characters.
 */
export function materialDescription(secretId: string): string {
  return `Imported by cdk-kmi from secret ${secretId}`.replace(/[^a-zA-Z0-9:/_\s.-]/g, '_').slice(0, 256);
}

/** A clearer message for the errors of ImportKeyMaterial that users can act on. */
function importError(error: Error, props: ImportedKeyMaterialProperties, importType: ImportType | undefined): Error | undefined {
  if (error.name === 'IncorrectKeyMaterialException' && importType !== 'NEW_KEY_MATERIAL') {
    return Object.assign(new Error(`KMS refused the material in secret ${props.SecretId} as material of key ${props.KeyId} `
      + '(IncorrectKeyMaterialException): a key that already has material accepts again only that same material. If the '
      + 'secret\'s value was replaced, put the original material back; to rotate the key to new material, put the new material '
      + 'in a new secret and pass that secret.'), { name: error.name });
  }
  return undefined;
}
