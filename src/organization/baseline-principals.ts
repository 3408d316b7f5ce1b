/**
 * IAM principals of the baseline itself, which the organization policies must never deny.
 *
 * - Service-managed StackSets create stacks in member accounts through the role
 *   `stacksets-exec-<hash>`; self-managed StackSets through `AWSCloudFormationStackSetExecutionRole`.
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html
 * - The baseline's own handler role, which turns EBS encryption by default on, lives under the IAM
 *   path below; the service control policy refuses everyone but the StackSet execution roles the
 *   creation or change of a role under that path, so the exemption cannot be borrowed.
 *
 * ARN patterns use `*` for partition and account so that one policy serves every account.
 */
export const STACKSET_EXECUTION_ROLE_ARNS = [
  'arn:*:iam::*:role/stacksets-exec-*',
  'arn:*:iam::*:role/AWSCloudFormationStackSetExecutionRole',
];

/** The IAM path of the roles the baseline's StackSet creates in member accounts. */
export const BASELINE_ROLE_PATH = '/cdk-kmi-baseline/';

/** ARN pattern of the roles under `BASELINE_ROLE_PATH`. */
export const BASELINE_ROLE_ARN_PATTERN = `arn:*:iam::*:role${BASELINE_ROLE_PATH}*`;

/** The ARN pattern of a role by name (with or without path), in any partition and account. */
export function roleArnPattern(roleName: string): string {
  return `arn:*:iam::*:role/${roleName.replace(/^\/+/, '')}`;
}

/** The name prefix of the Lambda functions the baseline's StackSet creates in member accounts. */
export const BASELINE_FUNCTION_NAME_PREFIX = 'cdk-kmi-baseline-';

/** ARN pattern of the baseline's functions. */
export const BASELINE_FUNCTION_ARN_PATTERN = `arn:*:lambda:*:*:function:${BASELINE_FUNCTION_NAME_PREFIX}*`;
