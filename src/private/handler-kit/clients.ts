/**
 * The AWS SDK clients of the custom resource handlers, all made with one retry policy. Types only
 * are imported here: each handler passes the client classes it uses, so that a handler loads only
 * the SDK packages it needs.
 */
/* eslint-disable import/no-extraneous-dependencies -- handler-only types; the Lambda runtime provides the AWS SDK */
import type { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import type { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
/* eslint-enable import/no-extraneous-dependencies */
import { Clock, SYSTEM_CLOCK } from './clock';

/**
 * SDK client settings of every handler: the SDK's standard retry strategy (exponential backoff with
 * jitter; throttling and transient errors retried) with more attempts than its default three, since
 * a deployment would rather wait than fail on a throttled control-plane call.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 */
export const SDK_CLIENT_CONFIG = { maxAttempts: 8, retryMode: 'standard' } as const;

/** Every client a handler may use, and its clock. Each handler takes the part it uses (`Pick`). */
export interface HandlerClients {
  readonly kms: KMSClient;
  readonly cloudhsm: CloudHSMV2Client;
  readonly secrets: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly ec2: EC2Client;
  readonly pca: ACMPCAClient;
  /** The time, and how to wait. */
  readonly clock: Clock;
}

/** The SDK clients of `HandlerClients`. */
export type SdkClients = Omit<HandlerClients, 'clock'>;

/** A client class of the AWS SDK v3. */
export type SdkClientClass<T> = new (config: typeof SDK_CLIENT_CONFIG) => T;

/**
 * The clients a handler uses, made from their classes with the one retry policy, and the system clock.
 *
 * @example defaultClients({ kms: KMSClient, ec2: EC2Client })
 */
export function defaultClients<K extends keyof SdkClients>(
  classes: { readonly [P in K]: SdkClientClass<SdkClients[P]> },
): Pick<SdkClients, K> & Pick<HandlerClients, 'clock'> {
  const clients: Record<string, unknown> = {};
  for (const [name, Client] of Object.entries(classes) as Array<[string, SdkClientClass<unknown>]>) {
    clients[name] = new Client({ ...SDK_CLIENT_CONFIG });
  }
  return { ...clients, clock: SYSTEM_CLOCK } as Pick<SdkClients, K> & Pick<HandlerClients, 'clock'>;
}
