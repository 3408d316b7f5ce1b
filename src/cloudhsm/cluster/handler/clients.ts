/**
 * The AWS SDK clients, clock and wait of the CloudHsmCluster custom resource handlers, and the shapes
 * of the Provider framework events they receive. Tests pass their own clients and a fixed clock.
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the cluster's *.lambda.ts handlers (the AWS SDK comes with the Lambda runtime) */
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export interface Clients {
  readonly cloudhsm: CloudHSMV2Client;
  readonly kms: KMSClient;
  readonly secrets: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly pca: ACMPCAClient;
  /** The current time. */
  readonly now: () => Date;
}

export function defaultClients(): Clients {
  return {
    cloudhsm: new CloudHSMV2Client({}),
    kms: new KMSClient({}),
    secrets: new SecretsManagerClient({}),
    ssm: new SSMClient({}),
    pca: new ACMPCAClient({}),
    now: () => new Date(),
  };
}

/** Attribute values a handler returns to CloudFormation (never secrets: the framework logs them). */
export type ResponseData = Record<string, string>;

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data?: ResponseData;
}

/** What the Provider framework passes to isComplete: the event merged with the onEvent result. */
export type IsCompleteEvent = CloudFormationCustomResourceEvent & {
  readonly PhysicalResourceId: string;
  readonly Data?: ResponseData;
};

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  /** Only when complete: the framework refuses Data on an incomplete answer. */
  readonly Data?: ResponseData;
}

/** Not complete yet: ask again at the next interval. */
export const NOT_YET: IsCompleteResult = { IsComplete: false };
