import { CfnResource, ITaggableV2, TagManager, TagType } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The CloudFormation resource type of a CloudHSM cluster. */
export const CLOUDHSM_CLUSTER_TYPE = 'AWS::CloudHSM::Cluster';

/** Properties of `AWS::CloudHSM::Cluster` (CloudFormation names). */
export interface CloudHsmClusterResourceProps {
  readonly HsmType: string;
  readonly Mode: string;
  readonly NetworkType: string;
  readonly SubnetIds: string[];
  readonly BackupRetentionPolicy: { readonly Type: 'DAYS'; readonly Value: string };
}

/**
 * `AWS::CloudHSM::Cluster`, which aws-cdk-lib 2.257 has no L1 class for: a `CfnResource` that takes
 * tags from `Tags.of(...)` like the generated L1 classes.
 *
 * - `Ref` gives the cluster ARN (the resource's primary identifier); `Fn::GetAtt ClusterId` the id.
 * - cfn-lint 1.51 does not know the type yet and reports E3006 on it: the resource carries a cfn-lint
 *   Metadata entry that ignores E3006 on this resource only, so every other check still applies.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudhsm-cluster.html
 */
export class CfnCloudHsmClusterResource extends CfnResource implements ITaggableV2 {
  public readonly cdkTagManager: TagManager;

  constructor(scope: Construct, id: string, props: CloudHsmClusterResourceProps) {
    super(scope, id, { type: CLOUDHSM_CLUSTER_TYPE, properties: { ...props } });
    this.cdkTagManager = new TagManager(TagType.STANDARD, CLOUDHSM_CLUSTER_TYPE, undefined, { tagPropertyName: 'Tags' });
    this.addMetadata('cfn-lint', { config: { ignore_checks: ['E3006'] } });
  }

  /** The cluster id (`cluster-…`). */
  public get attrClusterId(): string {
    return this.getAtt('ClusterId').toString();
  }

  protected renderProperties(props: Record<string, unknown>): Record<string, unknown> {
    const { Tags: tags, ...rest } = props;
    const rendered = (tags as Array<{ key: string; value: string }> | undefined)?.map((tag) => ({ Key: tag.key, Value: tag.value }));
    return rendered && rendered.length > 0 ? { ...rest, Tags: rendered } : rest;
  }
}
