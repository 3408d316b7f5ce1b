import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * A KMS ARN with a wildcard resource (such as `key/*` or `alias/*`) in the stack's account and
 * Region, written with literal values: `arn:aws:kms:us-east-1:111111111111:key/*`.
 *
 * Literal, because the AwsSolutions-IAM5 finding that such an ARN raises must be acknowledged by an
 * id that contains it, and aws-cdk-lib refuses acknowledgement ids that contain a second `::` (as
 * `<AWS::Partition>` would). Where the stack's account or Region is unknown at synth, that part is
 * `*`: KMS keys and aliases are managed only in the caller's own account, and the handlers call the
 * stack's own Region.
 */
export function kmsWildcardArn(stack: Stack, resource: string): string {
  const regionKnown = !Token.isUnresolved(stack.region);
  const partition = regionKnown ? RegionInfo.get(stack.region).partition ?? '*' : '*';
  const region = regionKnown ? stack.region : '*';
  const account = Token.isUnresolved(stack.account) ? '*' : stack.account;
  return `arn:${partition}:kms:${region}:${account}:${resource}`;
}

/**
 * The `Resource::...` finding that the AwsSolutions-IAM5 rule of cdk-nag reports for a wildcard
 * resource, so that it can be acknowledged by id: the resolved value with references flattened the
 * way cdk-nag flattens them (`{"Ref":"X"}` as `<X>`, `{"Fn::GetAtt":["X","Y"]}` as `<X.Y>`).
 */
export function nagResourceFinding(stack: Stack, resource: string): string {
  return `Resource::${flatten(stack.resolve(resource))}`;
}

function flatten(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  const value = node as Record<string, any>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'];
    return (items as unknown[]).map(flatten).join(delimiter);
  }
  if (value['Fn::Sub']) {
    return flatten(value['Fn::Sub']);
  }
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (value['Fn::ImportValue']) {
    return flatten(value['Fn::ImportValue']);
  }
  if (value.Ref) {
    return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}
