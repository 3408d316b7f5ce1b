/**
 * What both activation handlers share: the custom resource properties, the AWS clients, and how an
 * AWS error becomes a message that names the permission to check.
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
/* eslint-disable import/no-extraneous-dependencies -- a handler-only module, bundled into the two *.lambda.ts handlers;
   the Lambda runtime provides the AWS SDK. */
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { call } from '../../../private/handler-errors';
import { CLIENT_AFTER_ACTIVATION } from '../cluster-activation-steps';

export { call };

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

export interface Clients {
  readonly cloudHsm: CloudHSMV2Client;
  readonly ssm: SSMClient;
  readonly ec2: EC2Client;
}

export function defaultClients(): Clients {
  return { cloudHsm: new CloudHSMV2Client({}), ssm: new SSMClient({}), ec2: new EC2Client({}) };
}

/** The physical id of the activation of a cluster. */
export function physicalId(clusterId: string): string {
  return `cloudhsm-activation:${clusterId}`;
}

