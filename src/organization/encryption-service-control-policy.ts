import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import {
  BASELINE_FUNCTION_ARN_PATTERN, BASELINE_ROLE_ARN_PATTERN, roleArnPattern, STACKSET_EXECUTION_ROLE_ARNS,
} from './baseline-principals';
import { createOrganizationPolicy, validateRoleNames } from './organization-policy';
import { OrganizationPolicyOptions } from './organization-policy-options';

/**
 * Properties of `EncryptionServiceControlPolicy`.
 */
export interface EncryptionServiceControlPolicyProps extends OrganizationPolicyOptions {
  /**
   * Roles, by name, that may still disable key rotation, schedule a key's deletion or replace a key
   * policy: the break-glass roles of the organization. A name may carry its IAM path
   * (`admin/BreakGlass`) and `*` wildcards (`BreakGlass*`); it matches the role in every account
   * the policy applies to.
   *
   * The StackSet execution roles are always exempt, so that CloudFormation can create, update and
   * (when asked) delete the keys it manages.
   *
   * @default - no role besides the StackSet execution roles
   */
  readonly breakGlassRoleNames?: string[];
}

/**
 * A service control policy that keeps the encryption baseline in every account below its targets:
 *
 * - no EBS volume is created, and no instance launched with a volume, that asks to be unencrypted
 *   (`ec2:Encrypted` is `false`);
 * - EBS encryption by default is not turned off and its default key not changed or reset, except by
 *   the baseline's own handler role;
 * - no KMS key has its rotation disabled, its deletion scheduled or its key policy replaced,
 *   except by the StackSet execution roles and the named break-glass roles;
 * - the baseline's handler role and function are changed only by the StackSet execution roles, so
 *   its exemption cannot be borrowed.
 *
 * SCPs do not affect the management account or service-linked roles, so the AWS services the
 * baseline relies on keep working.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 *
 * @example
 * import { EncryptionServiceControlPolicy } from 'cdk-kmi';
 *
 * new EncryptionServiceControlPolicy(this, 'Scp', {
 *   targetIds: ['ou-ab12-11111111'],
 *   breakGlassRoleNames: ['BreakGlass'],
 * });
 */
export class EncryptionServiceControlPolicy extends Construct {
  /**
   * The policy's ID (`p-…`).
   *
   * @attribute
   */
  public readonly policyId: string;

  /**
   * The policy's ARN.
   *
   * @attribute
   */
  public readonly policyArn: string;

  /** The policy document. */
  public readonly document: iam.PolicyDocument;

  /** The L1 `AWS::Organizations::Policy`. */
  public readonly cfnPolicy: organizations.CfnPolicy;

  constructor(scope: Construct, id: string, props: EncryptionServiceControlPolicyProps = {}) {
    super(scope, id);
    const breakGlass = props.breakGlassRoleNames ?? [];
    validateRoleNames(this, 'breakGlassRoleNames', breakGlass);
    this.document = encryptionServiceControlPolicyDocument(breakGlass.map(roleArnPattern));
    this.cfnPolicy = createOrganizationPolicy(this, 'SERVICE_CONTROL_POLICY', this.document,
      'cdk-kmi: keeps EBS encryption and KMS key rotation, deletion and policies as the encryption baseline set them', props);
    this.policyId = this.cfnPolicy.attrId;
    this.policyArn = this.cfnPolicy.attrArn;
  }
}

/** The statements of the service control policy, with the break-glass role ARN patterns given. */
function encryptionServiceControlPolicyDocument(breakGlassArns: string[]): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      // ec2:Encrypted applies to the volume resource of CreateVolume and RunInstances (Service
      // Authorization Reference, Amazon EC2). Bool on false: a request that asks for no encryption
      // is denied; one that does not say is encrypted by EBS encryption by default.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
      new iam.PolicyStatement({
        sid: 'DenyUnencryptedEbsVolumes',
        effect: iam.Effect.DENY,
        actions: ['ec2:CreateVolume', 'ec2:RunInstances'],
        resources: ['arn:*:ec2:*:*:volume/*'],
        conditions: { Bool: { 'ec2:Encrypted': 'false' } },
      }),
      new iam.PolicyStatement({
        sid: 'DenyEbsEncryptionByDefaultChanges',
        effect: iam.Effect.DENY,
        actions: ['ec2:DisableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId', 'ec2:ResetEbsDefaultKmsKeyId'],
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [BASELINE_ROLE_ARN_PATTERN] } },
      }),
      new iam.PolicyStatement({
        sid: 'DenyKeyProtectionChanges',
        effect: iam.Effect.DENY,
        actions: ['kms:DisableKeyRotation', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion'],
        resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': [...STACKSET_EXECUTION_ROLE_ARNS, ...breakGlassArns] } },
      }),
      new iam.PolicyStatement({
        sid: 'ProtectBaselineHandler',
        effect: iam.Effect.DENY,
        actions: [
          'iam:AttachRolePolicy', 'iam:CreateRole', 'iam:PassRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy',
          'iam:UpdateAssumeRolePolicy', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration',
        ],
        resources: [BASELINE_ROLE_ARN_PATTERN, BASELINE_FUNCTION_ARN_PATTERN],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': STACKSET_EXECUTION_ROLE_ARNS } },
      }),
    ],
  });
}
