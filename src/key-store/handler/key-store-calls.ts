/**
 * What the two handlers of `Custom::KmiCustomKeyStore` share: SDK clients, KMS calls with errors that
 * say what to fix, reading the secrets and the trust anchor at run time, and waiting for a store to
 * disconnect. Secret values are passed to KMS only: never logged, never returned.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the two *.lambda.ts
   handlers; the Lambda runtime provides the AWS SDK, which the library itself never loads. */
import {
  ConnectCustomKeyStoreCommand,
  CustomKeyStoresListEntry,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  KMSClient,
  UpdateCustomKeyStoreCommand,
  UpdateCustomKeyStoreRequest,
  XksProxyAuthenticationCredentialType,
} from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
/* eslint-enable import/no-extraneous-dependencies */
import { connectionErrorHelp, KMSUSER_ERROR_CODES, StoreKind } from './connection-errors';
import { KMS_USER_PASSWORD_RULE, kmsUserPasswordProblem } from './kms-user-password';
import { call, defaultClients, ExplainError, HandlerClients, log, named } from '../../private/handler-kit';

/** The clients of the key store handlers (from the handler kit). */
export type KeyStoreClients = Pick<HandlerClients, 'kms' | 'secrets' | 'ssm' | 'clock'>;

/** The key store handlers' clients, with the kit's retry policy and the system clock. */
export function keyStoreClients(): KeyStoreClients {
  return defaultClients({ kms: KMSClient, secrets: SecretsManagerClient, ssm: SSMClient });
}

/** How long the onEvent handler waits for a store to disconnect (its Lambda timeout is 10 minutes). */
export const DISCONNECT_WAIT_MS = 8 * 60_000;
/** Interval between DescribeCustomKeyStores calls while waiting. */
export const POLL_INTERVAL_MS = 5_000;

/** What to do about the KMS, Secrets Manager and SSM errors a deployment can meet. */
const ERROR_HINTS: Record<string, string> = {
  CloudHsmClusterInUseException: 'The cluster already serves another custom key store, or shares backup history with a cluster that does; '
    + 'a cluster serves one store.',
  CloudHsmClusterInvalidConfigurationException: 'Creating a store, or moving it to another cluster, needs at least two active HSMs in '
    + 'different Availability Zones, private subnets in at least two Availability Zones, and the cluster security group rules '
    + '(TCP 2223-2225 to itself) unchanged; connecting needs one active HSM.',
  CloudHsmClusterNotActiveException: 'The cluster must be ACTIVE: initialized and activated, with a kmsuser crypto user.',
  CloudHsmClusterNotFoundException: 'No CloudHSM cluster has that id in this account and Region.',
  CloudHsmClusterNotRelatedException: 'A store can move only to a cluster that shares its cluster\'s backup history (one restored from its '
    + 'backup); for an unrelated cluster, create another CustomKeyStore.',
  IncorrectTrustAnchorException: 'The trust anchor in the SSM parameter is not the certificate that signed the cluster certificate.',
  CustomKeyStoreNameInUseException: 'Custom key store names are unique in an account and Region: choose another customKeyStoreName.',
  LimitExceededException: 'The account has as many custom key stores in this Region as its KMS quota allows; delete one or ask for more.',
  XksProxyUriEndpointInUseException: 'Another external key store in this account and Region uses this uriEndpoint.',
  XksProxyUriInUseException: 'Another external key store in this account and Region uses this uriEndpoint and uriPath.',
  XksProxyVpcEndpointServiceInUseException: 'Another external key store in this account and Region uses this VPC endpoint service.',
  XksProxyUriUnreachableException: 'KMS checks the proxy when a store is created or changed, and could not reach it at uriEndpoint and uriPath.',
  XksProxyIncorrectAuthenticationCredentialException: 'The proxy refused the credential from the credential secret.',
  XksProxyInvalidConfigurationException: 'Check uriEndpoint, uriPath and connectivity against the proxy\'s configuration.',
  XksProxyInvalidResponseException: 'The proxy answered with something KMS cannot interpret; check its logs and version.',
  XksProxyVpcEndpointServiceInvalidConfigurationException: 'The VPC endpoint service needs a network load balancer in at least two '
    + 'Availability Zones, cks.kms.<region>.amazonaws.com in its allowed principals, no acceptance required, and a verified private DNS name.',
  XksProxyVpcEndpointServiceNotFoundException: 'Check the VPC endpoint service name and owner.',
  ResourceNotFoundException: 'The secret does not exist (or was deleted) in this account and Region.',
  ParameterNotFound: 'The SSM parameter does not exist in this account and Region.',
};

/** What to do about a known service error, keeping its name; `undefined` for others. */
const withHint: ExplainError = (error, permission) => {
  const hint = ERROR_HINTS[error.name];
  return hint ? named(error.name, `${permission} failed (${error.name}): ${error.message} ${hint}`) : undefined;
};

/**
 * Runs one API call of the key store handlers (the kit's `call`): an authorization failure names the
 * missing permission; a known service error gets what to do about it. The error keeps its name.
 */
export function callWithHint<T>(permission: string, send: () => Promise<T>): Promise<T> {
  return call(permission, send, withHint);
}

/** The store with this id, or undefined when there is none. */
export async function describeById(kms: KMSClient, id: string): Promise<CustomKeyStoresListEntry | undefined> {
  return describe(kms, { CustomKeyStoreId: id });
}

/** The store with this name, or undefined when there is none. */
export async function describeByName(kms: KMSClient, name: string): Promise<CustomKeyStoresListEntry | undefined> {
  return describe(kms, { CustomKeyStoreName: name });
}

async function describe(kms: KMSClient, input: { CustomKeyStoreId?: string; CustomKeyStoreName?: string }) {
  try {
    const out = await callWithHint('kms:DescribeCustomKeyStores', () => kms.send(new DescribeCustomKeyStoresCommand(input)));
    return out.CustomKeyStores?.[0];
  } catch (error) {
    if ((error as Error).name === 'CustomKeyStoreNotFoundException') {
      return undefined;
    }
    throw error;
  }
}

/** Starts connecting a store (KMS answers at once; the connection completes later). */
export async function connect(kms: KMSClient, id: string): Promise<void> {
  await callWithHint('kms:ConnectCustomKeyStore', () => kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })));
  log('connecting', { customKeyStoreId: id });
}

/** Changes a store's settings. Logs which settings, never their values. */
export async function update(kms: KMSClient, id: string, changes: Omit<UpdateCustomKeyStoreRequest, 'CustomKeyStoreId'>): Promise<void> {
  await callWithHint('kms:UpdateCustomKeyStore', () => kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, ...changes })));
  log('updated', { customKeyStoreId: id, settings: Object.keys(changes) });
}

/**
 * Disconnects a store unless it is disconnected already, and waits until KMS reports it DISCONNECTED
 * (the state UpdateCustomKeyStore and DeleteCustomKeyStore need).
 */
export async function disconnectAndWait(clients: KeyStoreClients, store: CustomKeyStoresListEntry): Promise<void> {
  const id = store.CustomKeyStoreId!;
  const { clock } = clients;
  if (store.ConnectionState === 'DISCONNECTED') {
    return;
  }
  if (store.ConnectionState !== 'DISCONNECTING') {
    try {
      await callWithHint('kms:DisconnectCustomKeyStore', () => clients.kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id })));
      log('disconnecting', { customKeyStoreId: id, from: store.ConnectionState });
    } catch (error) {
      // Already disconnecting or disconnected (the state read above was stale): wait as usual.
      if ((error as Error).name !== 'CustomKeyStoreInvalidStateException') {
        throw error;
      }
    }
  }
  const deadline = clock.now() + DISCONNECT_WAIT_MS;
  for (;;) {
    const now = await describeById(clients.kms, id);
    if (!now) {
      throw new Error(`Custom key store ${id} disappeared while it was disconnecting: someone deleted it outside this stack.`);
    }
    if (now.ConnectionState === 'DISCONNECTED') {
      return;
    }
    if (clock.now() >= deadline) {
      throw new Error(`Custom key store ${id} did not disconnect within ${DISCONNECT_WAIT_MS / 60_000} minutes `
        + `(it is ${now.ConnectionState}); deploy again to continue.`);
    }
    await clock.sleep(POLL_INTERVAL_MS);
  }
}

/** The deployment error for a store that KMS could not connect: the code, what it means, and what to fix. */
export function connectionFailedError(store: CustomKeyStoresListEntry): Error {
  const kind = (store.CustomKeyStoreType ?? 'AWS_CLOUDHSM') as StoreKind;
  const code = store.ConnectionErrorCode;
  const help = connectionErrorHelp(kind, code);
  const again = kind === 'AWS_CLOUDHSM' && KMSUSER_ERROR_CODES.includes(code ?? '')
    ? 'disconnects it, tells KMS the kmsuser password from the secret, and connects it again'
    : kind === 'EXTERNAL_KEY_STORE' && code === 'INVALID_CREDENTIALS'
      ? 'disconnects it, sends the credential from the secret again, and connects it again'
      : 'disconnects it and connects it again';
  return named('CustomKeyStoreConnectionFailed', `Custom key store ${store.CustomKeyStoreId} (${store.CustomKeyStoreName}) `
    + `failed to connect: ${code ?? 'no error code'}. ${help.meaning} To fix: ${help.fix} `
    + `The store stays FAILED (its keys unusable) until a deployment reaches it, which ${again}.`);
}

/** Reads the kmsuser password: the secret's value, or its `password` field if the value is a JSON object. */
export async function readKmsUserPassword(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  const value = await readSecret(secrets, secretArn, 'the kmsuser password');
  let password = value;
  const json = parseJsonObject(value);
  if (json) {
    if (typeof json.password !== 'string') {
      throw new Error(`Secret ${secretArn} holds a JSON object without a string "password" field; store the kmsuser password `
        + 'as the secret\'s value, or as {"password": "..."}.');
    }
    password = json.password;
  }
  const problem = kmsUserPasswordProblem(password);
  if (problem !== undefined) {
    throw new Error(`The kmsuser password in secret ${secretArn} has ${problem}; allowed: ${KMS_USER_PASSWORD_RULE}. `
      + 'Change it with CloudHSM CLI (user change-password --username kmsuser --role crypto-user) and store the new one in the secret.');
  }
  return password;
}

/** Reads the external key store proxy credential: JSON `{"accessKeyId": ..., "secretAccessKey": ...}`. */
export async function readXksCredential(secrets: SecretsManagerClient, secretArn: string): Promise<XksProxyAuthenticationCredentialType> {
  const value = await readSecret(secrets, secretArn, 'the external key store proxy credential');
  const json = parseJsonObject(value);
  const shape = 'JSON {"accessKeyId": "<20-30 characters A-Z, 2-7>", "secretAccessKey": "<43-64 characters a-z, A-Z, 0-9, /, +, =>"}';
  if (!json || typeof json.accessKeyId !== 'string' || typeof json.secretAccessKey !== 'string') {
    throw new Error(`Secret ${secretArn} must hold the proxy credential as ${shape}.`);
  }
  const check = (field: string, text: string, min: number, max: number, pattern: RegExp, characters: string) => {
    if (text.length < min || text.length > max || !pattern.test(text)) {
      throw new Error(`The ${field} in secret ${secretArn} is not valid: it has ${text.length} characters and must have `
        + `${min} to ${max}, only ${characters}.`);
    }
  };
  check('accessKeyId', json.accessKeyId, 20, 30, /^[A-Z2-7]+$/, 'A-Z and 2-7');
  check('secretAccessKey', json.secretAccessKey, 43, 64, /^[a-zA-Z0-9/+=]+$/, 'a-z, A-Z, 0-9, /, + and =');
  return { AccessKeyId: json.accessKeyId, RawSecretAccessKey: json.secretAccessKey };
}

/** Reads the cluster's trust anchor certificate (PEM) from its SSM parameter. */
export async function readTrustAnchor(ssm: SSMClient, parameterName: string): Promise<string> {
  const out = await callWithHint('ssm:GetParameter', () => ssm.send(new GetParameterCommand({ Name: parameterName })));
  const pem = out.Parameter?.Value?.trim() ?? '';
  if (!pem.startsWith('-----BEGIN CERTIFICATE-----') || pem.length > 5000) {
    throw new Error(`SSM parameter ${parameterName} must hold the cluster's trust anchor certificate in PEM `
      + `(-----BEGIN CERTIFICATE----- ..., at most 5000 characters); it holds ${pem.length} characters that are not one.`);
  }
  return pem;
}

async function readSecret(secrets: SecretsManagerClient, secretArn: string, what: string): Promise<string> {
  const out = await callWithHint('secretsmanager:GetSecretValue', () => secrets.send(new GetSecretValueCommand({ SecretId: secretArn })));
  if (typeof out.SecretString !== 'string') {
    throw new Error(`Secret ${secretArn} has no string value; store ${what} as text.`);
  }
  return out.SecretString;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
