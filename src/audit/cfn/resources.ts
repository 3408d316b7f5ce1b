/**
 * What the shared readers need to know about the template a resource is in, whoever reads it: the
 * KmiChecks pack from a stack's constructs, the posture report from a template file.
 */

/** A CloudFormation resource as it will be deployed: type and properties, tokens resolved, conditions decided. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, any>;
}

/** The template a resource is in, as the readers see it. */
export interface TemplateView {
  /** How the template writes its own account: `${AWS::AccountId}`, and the literal account when it is known. */
  readonly accounts: readonly string[];
  /** How the template writes its own Region: `${AWS::Region}`, and the literal Region when it is known. */
  readonly regions: readonly string[];
  /** The resources of the template of a type (those created), properties resolved. */
  resourcesOfType(type: string): ResolvedResource[];
}
