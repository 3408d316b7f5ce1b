import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { serviceGrantsOnly } from '../../kms/service-grants-only';
import { KEY_ADMIN_ACTIONS } from '../../private/kms-actions';

/** What Secrets Manager and EBS ask of a key on behalf of the principals that read secrets or launch instances. */
const SERVICE_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];

/**
 * The policy of the key that encrypts the activation's password secrets and its client's root
 * volume: the account administers the key through IAM; principals of the account whose IAM policies
 * allow it may use the key only through Secrets Manager or EC2 of this Region, never directly; grants
 * only for AWS resources through EC2 (EBS volumes).
 */
export function activationKeyPolicy(stack: Stack): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  const viaServices = {
    'kms:ViaService': [`secretsmanager.${stack.region}.amazonaws.com`, `ec2.${stack.region}.amazonaws.com`],
    'kms:CallerAccount': stack.account,
  };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AllowKeyAdministrationThroughIam',
        principals: [account],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'AllowUseThroughSecretsManagerAndEc2Only',
        principals: [account],
        actions: SERVICE_USE_ACTIONS,
        resources: ['*'],
        conditions: { StringEquals: viaServices },
      }),
      new iam.PolicyStatement({
        sid: 'AllowGrantsForEbsVolumesThroughEc2Only',
        principals: [account],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `ec2.${stack.region}.amazonaws.com`, 'kms:CallerAccount': stack.account },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
      serviceGrantsOnly(),
    ],
  });
}
