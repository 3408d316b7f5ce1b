/**
 * What both activation handlers share: the custom resource properties and data, and their clients
 * (from the handler kit).
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the two *.lambda.ts handlers;
   the Lambda runtime provides the AWS SDK. */
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
/* eslint-enable import/no-extraneous-dependencies */
import { defaultClients, HandlerClients } from '../../../private/handler-kit';
import { CLIENT_AFTER_ACTIVATION } from '../cluster-activation-steps';

/** The properties the construct gives `Custom::KmiCloudHsmActivation`. All are identifiers: no secret. */
export interface ActivationProperties {
  readonly ClusterId: string;
  /** The client instance that runs the command document. */
  readonly InstanceId: string;
  /** The name of the activation command document. */
  readonly DocumentName: string;
  readonly AdminPasswordSecretArn: string;
  readonly KmsUserPasswordSecretArn: string;
  readonly TrustAnchorParameterName: string;
  /** HTTPS URL of the CloudHSM CLI package for the client. */
  readonly PackageUrl: string;
  /** What happens to the client instance once the activation succeeded. */
  readonly ClientAfterActivation: typeof CLIENT_AFTER_ACTIVATION[number];
}

/** The attributes of the custom resource (no secret). */
export interface ActivationData {
  /** The Run Command that activates the cluster; absent when nothing had to run. */
  readonly CommandId?: string;
  readonly ClusterId: string;
}

/** The clients of the activation handlers (from the handler kit). */
export type ActivationClients = Pick<HandlerClients, 'cloudhsm' | 'ssm' | 'ec2' | 'clock'>;

/** The activation handlers' clients, with the kit's retry policy and the system clock. */
export function activationClients(): ActivationClients {
  return defaultClients({ cloudhsm: CloudHSMV2Client, ssm: SSMClient, ec2: EC2Client });
}

/** The physical id of the activation of a cluster. */
export function physicalId(clusterId: string): string {
  return `cloudhsm-activation:${clusterId}`;
}

