/**
 * The clients of both activation handlers (from the handler kit).
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

/** The clients of the activation handlers (from the handler kit). */
export type ActivationClients = Pick<HandlerClients, 'cloudhsm' | 'ssm' | 'ec2' | 'clock'>;

/** The activation handlers' clients, with the kit's retry policy and the system clock. */
export function activationClients(): ActivationClients {
  return defaultClients({ cloudhsm: CloudHSMV2Client, ssm: SSMClient, ec2: EC2Client });
}
