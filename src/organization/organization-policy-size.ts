import { IPostProcessor, IResolvable, IResolveContext, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The largest service control policy or resource control policy AWS Organizations accepts, in
 * characters: "Maximum size of a policy document: SCPs 5,120 characters, RCPs 5,120 characters".
 * Every character counts, white space included, so the policy is measured as compact JSON, which is
 * what CloudFormation sends once the template's `Content` object is serialized.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export const ORGANIZATION_POLICY_MAX_CHARACTERS = 5120;

/** The size, in characters, that AWS Organizations counts for a policy document: its compact JSON. */
export function organizationPolicyCharacters(resolvedDocument: unknown): number {
  return JSON.stringify(resolvedDocument).length;
}

/**
 * A policy document that refuses, as the template is written, to be larger than AWS Organizations
 * accepts, so the app fails at synth rather than in the middle of a deployment.
 *
 * @param owner the construct named in the error
 * @param what the policy kind, for the message (`service control policy`)
 * @param document the policy document as it goes into `AWS::Organizations::Policy.Content`
 */
export function sizeCheckedOrganizationPolicy(owner: IConstruct, what: string, document: unknown): IResolvable {
  return new SizeCheckedOrganizationPolicy(owner, what, document);
}

class SizeCheckedOrganizationPolicy implements IResolvable, IPostProcessor {
  public readonly creationStack: string[] = [];

  constructor(private readonly owner: IConstruct, private readonly what: string, private readonly document: unknown) {}

  public resolve(context: IResolveContext): unknown {
    context.registerPostProcessor(this);
    return this.document;
  }

  public postProcess(resolved: unknown): unknown {
    if (resolved === undefined || Token.isUnresolved(resolved)) {
      return resolved;
    }
    const characters = organizationPolicyCharacters(resolved);
    if (characters > ORGANIZATION_POLICY_MAX_CHARACTERS) {
      throw new Error(`${this.owner.node.path}: the ${this.what} is ${characters} characters as compact JSON; AWS Organizations `
        + `accepts at most ${ORGANIZATION_POLICY_MAX_CHARACTERS}. Name fewer break-glass roles (a wildcard such as 'BreakGlass*' `
        + 'matches many), or split the statements over two policies attached to the same targets.');
    }
    return resolved;
  }

  public toString(): string {
    return Token.asString(this);
  }
}
