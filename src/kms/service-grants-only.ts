import * as iam from 'aws-cdk-lib/aws-iam';

/** The Sid of the key-policy statement that keeps grants for AWS services. */
export const SERVICE_GRANTS_ONLY_SID = 'DenyGrantsNotForAwsResources';

/**
 * A key-policy statement that denies `kms:CreateGrant` unless an AWS service integrated with KMS asks
 * for it on a principal's behalf (`kms:GrantIsForAWSResource`) or the caller is an AWS service
 * principal (`aws:PrincipalIsAWSService`): AWS Control Tower control CT.KMS.PR.3, in the form its
 * remediation gives.
 *
 * Grants are how EBS, Redshift, RDS, Secrets Manager and other services use a key for a resource of
 * the caller (the service calls CreateGrant with the caller's credentials and `kms:GrantIsForAWSResource`
 * true), and how service principals create their own. A principal that calls CreateGrant itself could
 * hand the key's use to anyone, outside what the key policy shows; that is what this denies, whatever
 * its IAM policies allow. `BoolIfExists`: a request without `kms:GrantIsForAWSResource` (a direct call)
 * counts as not for an AWS resource.
 *
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html#ct-kms-pr-3-description
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 */
export function serviceGrantsOnly(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: SERVICE_GRANTS_ONLY_SID,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}
