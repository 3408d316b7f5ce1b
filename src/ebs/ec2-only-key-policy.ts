import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { serviceGrantsOnly } from '../kms/service-grants-only';
import { KEY_ADMIN_ACTIONS } from '../private/kms-actions';

/** What EBS asks of a volume's key on behalf of the principals that create, attach or launch from volumes. */
const EBS_KEY_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];

/** Who in the account may use a key through EC2. */
export enum Ec2KeyUsers {
  /** Principals of the account whose IAM policies allow it (the account root is the key policy principal). */
  IAM_AUTHORIZED = 'IAM_AUTHORIZED',
  /**
   * Every principal of the account, including service-linked roles such as Auto Scaling's, as in the
   * key policy of the AWS managed key `aws/ebs`: for a key that is the account's EBS default.
   */
  ANY_IN_ACCOUNT = 'ANY_IN_ACCOUNT',
}

/**
 * A key policy that lets the account administer the key through IAM and lets principals of the
 * account use it only through EC2 (`kms:ViaService` `ec2.<region>.amazonaws.com`,
 * `kms:CallerAccount` this account), with `kms:CreateGrant` only for AWS resources (and denied otherwise, CT.KMS.PR.3).
 */
export function ec2OnlyKeyPolicy(stack: Stack, users: Ec2KeyUsers): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  const user = users === Ec2KeyUsers.ANY_IN_ACCOUNT ? new iam.AnyPrincipal() : account;
  const viaEc2 = {
    'kms:ViaService': `ec2.${stack.region}.amazonaws.com`,
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
        sid: 'AllowUseThroughEc2Only',
        principals: [user],
        actions: EBS_KEY_USE_ACTIONS,
        resources: ['*'],
        conditions: { StringEquals: viaEc2 },
      }),
      new iam.PolicyStatement({
        sid: 'AllowGrantsForEbsResourcesThroughEc2Only',
        principals: [user],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: viaEc2, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      serviceGrantsOnly(),
    ],
  });
}
