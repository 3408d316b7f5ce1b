import { App, CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** A rule of the pack: a pure function of one CfnResource. */
export type Rule = (node: CfnResource) => NagRuleCompliance;

/**
 * The CfnResource a construct stands for: itself if it is one, else its default child (an L2's
 * `Resource`), else its only CfnResource child of the given type.
 */
export function cfnOf(construct: IConstruct, type?: string): CfnResource {
  if (CfnResource.isCfnResource(construct)) {
    return construct;
  }
  const child = construct.node.defaultChild;
  if (child && CfnResource.isCfnResource(child) && (!type || child.cfnResourceType === type)) {
    return child;
  }
  const found = construct.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === type);
  if (found.length !== 1) {
    throw new Error(`${construct.node.path} has ${found.length} CfnResources of type ${type}`);
  }
  return found[0];
}

/**
 * Synthesizes the construct's app (as `cdk synth` does before the pack runs) and applies the rule to
 * the construct's CfnResource. Templates are not kept for cfn-lint: some cases are deliberately
 * incomplete resources.
 */
export function check(rule: Rule, construct: IConstruct, type?: string): NagRuleCompliance {
  const node = cfnOf(construct, type);
  (node.node.root as App).synth();
  return rule(node);
}
