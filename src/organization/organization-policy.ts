import { Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { OrganizationPolicyOptions } from './organization-policy-options';
import { sizeCheckedOrganizationPolicy } from './organization-policy-size';
import { isResolved, KmiValidationError } from '../private/errors';

/** The IDs AWS Organizations accepts as policy targets (AttachPolicy `TargetId` pattern). */
const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;

/** Builds the `AWS::Organizations::Policy` of an organization policy construct, size-checked. */
export function createOrganizationPolicy(owner: Construct, kind: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY',
  document: iam.PolicyDocument, defaultDescription: string, options: OrganizationPolicyOptions): organizations.CfnPolicy {
  for (const target of options.targetIds ?? []) {
    if (isResolved(target) && !TARGET_ID.test(target)) {
      throw new KmiValidationError({
        path: owner.node.path,
        prop: 'targetIds',
        given: JSON.stringify(target),
        allowed: 'a root ID (r-…), an organizational unit ID (ou-…-…) or a 12-digit account ID',
        fix: 'Find the IDs with `aws organizations list-roots` and `aws organizations list-organizational-units-for-parent`.',
      });
    }
  }
  const what = kind === 'SERVICE_CONTROL_POLICY' ? 'service control policy' : 'resource control policy';
  return new organizations.CfnPolicy(owner, 'Resource', {
    name: options.policyName ?? Names.uniqueResourceName(owner, { maxLength: 128 }),
    type: kind,
    description: options.description ?? defaultDescription,
    content: sizeCheckedOrganizationPolicy(owner, what, document),
    targetIds: options.targetIds,
  });
}

/** Refuses a role name that cannot be part of an IAM role ARN pattern. */
export function validateRoleNames(owner: Construct, prop: string, names: string[]): void {
  for (const name of names) {
    if (isResolved(name) && !/^[\w+=,.@/*-]{1,512}$/.test(name)) {
      throw new KmiValidationError({
        path: owner.node.path,
        prop,
        given: JSON.stringify(name),
        allowed: "an IAM role name, with its path if it has one ('BreakGlass', 'admin/BreakGlass'), '*' as a wildcard",
      });
    }
  }
}
