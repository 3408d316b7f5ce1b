/**
 * Properties shared by the organization policies of cdk-kmi.
 */
export interface OrganizationPolicyOptions {
  /**
   * Where the policy is attached: the organization's root (`r-…`), organizational units (`ou-…`)
   * or accounts (12 digits). A policy attached to a root or OU applies to every account below it.
   * The policy never applies to the management account.
   *
   * @default - the policy is created but not attached; attach it later with `TargetIds` or the console
   * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_attach.html
   */
  readonly targetIds?: string[];

  /**
   * The policy's name, unique among the organization's policies of its type.
   *
   * @default - a name derived from the construct path
   */
  readonly policyName?: string;

  /**
   * The policy's description.
   *
   * @default - a description of what the policy denies
   */
  readonly description?: string;
}
