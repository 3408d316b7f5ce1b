import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { createOrganizationPolicy } from './organization-policy';
import { OrganizationPolicyOptions } from './organization-policy-options';
import { isResolved, KmiValidationError } from '../private/errors';

/**
 * Properties of `EncryptionResourceControlPolicy`.
 */
export interface EncryptionResourceControlPolicyProps extends OrganizationPolicyOptions {
  /**
   * The organization's ID (`o-…`): principals of this organization, and AWS services acting for
   * one of its accounts, may use its buckets and keys.
   *
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_view_org.html
   */
  readonly organizationId: string;

  /**
   * Accounts outside the organization whose principals may still use its buckets and keys (a
   * partner, a vendor's audit account). Their access must still be granted by the bucket or key
   * policy.
   *
   * @default - no account outside the organization
   */
  readonly trustedAccountIds?: string[];
}

/** The services whose resources the policy protects; both support RCPs. */
const PROTECTED_SERVICES = ['kms:*', 's3:*'];

/**
 * A resource control policy that keeps the organization's S3 buckets and KMS keys encrypted in
 * transit and within the organization, whatever their own policies say:
 *
 * - S3 requests without TLS, or with TLS below 1.2, are denied;
 * - uploads with a customer-provided key (SSE-C) are denied: S3 would store objects under a key the
 *   organization does not hold;
 * - principals outside the organization may not use its buckets and keys (data perimeter, identity):
 *   AWS services are exempt, but only when they act for an account of the organization
 *   (`aws:SourceOrgID`, confused-deputy protection).
 *
 * RCPs support only `Deny`, require `Principal: "*"`, apply to a list of services that includes S3
 * and KMS, do not apply to AWS managed keys, and do not apply to the management account.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 * @see https://github.com/aws-samples/data-perimeter-policy-examples/tree/main/resource_control_policies
 *
 * @example
 * import { EncryptionResourceControlPolicy } from 'cdk-kmi';
 *
 * new EncryptionResourceControlPolicy(this, 'Rcp', {
 *   organizationId: 'o-a1b2c3d4e5',
 *   targetIds: ['r-ab12'],
 * });
 */
export class EncryptionResourceControlPolicy extends Construct {
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

  constructor(scope: Construct, id: string, props: EncryptionResourceControlPolicyProps) {
    super(scope, id);
    if (isResolved(props.organizationId) && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
      throw new KmiValidationError({
        path: this.node.path,
        prop: 'organizationId',
        given: JSON.stringify(props.organizationId),
        allowed: "an organization ID: 'o-' and 10 to 32 lowercase letters or digits",
        fix: 'Find it with `aws organizations describe-organization --query Organization.Id`.',
      });
    }
    for (const account of props.trustedAccountIds ?? []) {
      if (isResolved(account) && !/^\d{12}$/.test(account)) {
        throw new KmiValidationError({
          path: this.node.path, prop: 'trustedAccountIds', given: JSON.stringify(account), allowed: 'a 12-digit account ID',
        });
      }
    }
    this.document = encryptionResourceControlPolicyDocument(props.organizationId, props.trustedAccountIds ?? []);
    this.cfnPolicy = createOrganizationPolicy(this, 'RESOURCE_CONTROL_POLICY', this.document,
      'cdk-kmi: S3 over TLS 1.2, no SSE-C, and the organization\'s buckets and keys used only from within it', props);
    this.policyId = this.cfnPolicy.attrId;
    this.policyArn = this.cfnPolicy.attrArn;
  }
}

function encryptionResourceControlPolicyDocument(organizationId: string, trustedAccountIds: string[]): iam.PolicyDocument {
  const everyone = [new iam.StarPrincipal()];
  const outsideOrganization: Record<string, string | string[]> = { 'aws:PrincipalOrgID': organizationId };
  if (trustedAccountIds.length > 0) {
    outsideOrganization['aws:PrincipalAccount'] = trustedAccountIds;
  }
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'DenyS3WithoutTls',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: ['s3:*'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
      }),
      // s3:TlsVersion: https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
      new iam.PolicyStatement({
        sid: 'DenyS3BelowTls12',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: ['s3:*'],
        resources: ['*'],
        conditions: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
      }),
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
      new iam.PolicyStatement({
        sid: 'DenySseC',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
      }),
      // The identity perimeter and confused-deputy statements of AWS's data perimeter RCP examples.
      new iam.PolicyStatement({
        sid: 'EnforceOrganizationIdentities',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: PROTECTED_SERVICES,
        resources: ['*'],
        conditions: {
          StringNotEqualsIfExists: outsideOrganization,
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
      new iam.PolicyStatement({
        sid: 'EnforceConfusedDeputyProtection',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: PROTECTED_SERVICES,
        resources: ['*'],
        conditions: {
          StringNotEqualsIfExists: { 'aws:SourceOrgID': organizationId },
          Null: { 'aws:SourceAccount': 'false' },
          Bool: { 'aws:PrincipalIsAWSService': 'true' },
        },
      }),
    ],
  });
}
