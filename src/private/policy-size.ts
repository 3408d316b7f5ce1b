import { IPostProcessor, IResolvable, IResolveContext, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** The largest bucket policy S3 accepts, in bytes. */
export const BUCKET_POLICY_MAX_BYTES = 20 * 1024;
/** The largest key policy KMS accepts, in bytes. */
export const KEY_POLICY_MAX_BYTES = 32 * 1024;

/**
 * Refuses, at synth, a resource policy larger than its service accepts, so that the app fails here
 * rather than halfway through a deployment. The size is that of the policy as CloudFormation
 * receives it (compact JSON, CloudFormation functions not yet replaced by their values: a reference
 * is counted as written, close to the length of the ARN it becomes).
 *
 * The policy is measured as the template is written, from the value synthesis resolves anyway, so
 * the check costs no second resolution.
 *
 * @param owner the construct named in the error (the bucket or key)
 * @param what the policy, for the message (`bucket policy`, `key policy`)
 * @returns the document to put in the L1 resource's policy property in place of `document`
 */
export function sizeCheckedPolicy(owner: IConstruct, what: string, limitBytes: number, document: iam.PolicyDocument): IResolvable {
  return new SizeCheckedPolicy(owner, what, limitBytes, document);
}

/** The size in bytes of a policy document as CloudFormation receives it. */
export function policySize(scope: IConstruct, policy: iam.PolicyDocument): number {
  return Buffer.byteLength(JSON.stringify(Stack.of(scope).resolve(policy)), 'utf8');
}

class SizeCheckedPolicy implements IResolvable, IPostProcessor {
  public readonly creationStack: string[] = [];

  constructor(
    private readonly owner: IConstruct,
    private readonly what: string,
    private readonly limitBytes: number,
    private readonly document: iam.PolicyDocument,
  ) {}

  public resolve(context: IResolveContext): unknown {
    context.registerPostProcessor(this);
    return this.document;
  }

  public postProcess(resolved: unknown): unknown {
    if (resolved === undefined || Token.isUnresolved(resolved)) {
      return resolved;
    }
    const bytes = Buffer.byteLength(JSON.stringify(resolved), 'utf8');
    if (bytes > this.limitBytes) {
      throw new Error(`${this.owner.node.path}: the ${this.what} is ${bytes} bytes (${this.document.statementCount} statements); `
        + `the service accepts at most ${this.limitBytes} bytes. Merge statements that share an effect, actions and conditions `
        + '(for example one statement naming many principals), or spread the resources over more buckets or keys.');
    }
    return resolved;
  }

  public toString(): string {
    return Token.asString(this);
  }
}
