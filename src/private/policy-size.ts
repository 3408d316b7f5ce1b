import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** The largest bucket policy S3 accepts, in bytes. */
export const BUCKET_POLICY_MAX_BYTES = 20 * 1024;
/** The largest key policy KMS accepts, in bytes. */
export const KEY_POLICY_MAX_BYTES = 32 * 1024;

/**
 * Refuses, at synth, a resource policy larger than its service accepts, so that the app fails here
 * rather than halfway through a deployment. The size is that of the policy as CloudFormation
 * receives it (compact JSON, CloudFormation functions not yet replaced by their values: a
 * reference is counted as written, close to the length of the ARN it becomes).
 *
 * @param what the policy, for the message (`bucket policy`, `key policy`)
 */
export function validatePolicySize(scope: IConstruct, what: string, limitBytes: number, document: () => iam.PolicyDocument | undefined): void {
  scope.node.addValidation({
    validate: () => {
      const policy = document();
      if (!policy || policy.isEmpty) {
        return [];
      }
      const bytes = policySize(scope, policy);
      if (bytes <= limitBytes) {
        return [];
      }
      return [`The ${what} is ${bytes} bytes (${policy.statementCount} statements); the service accepts at most ${limitBytes} bytes. `
        + 'Merge statements that share an effect, actions and conditions (for example one statement naming many principals), '
        + 'or spread the resources over more buckets or keys.'];
    },
  });
}

/** The size in bytes of a policy document as CloudFormation receives it. */
export function policySize(scope: IConstruct, policy: iam.PolicyDocument): number {
  return Buffer.byteLength(JSON.stringify(Stack.of(scope).resolve(policy)), 'utf8');
}
