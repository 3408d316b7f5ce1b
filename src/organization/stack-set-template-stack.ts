import {
  DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation, FileAssetSource, ISynthesisSession, Stack, StackSynthesizer,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The largest template CloudFormation accepts in a `TemplateBody`, in bytes. */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

/**
 * The synthesizer of a StackSet's template: it writes no artifact of its own (the template goes into
 * the StackSet's `TemplateBody`), and refuses assets. A StackSet deploys into member accounts and
 * Regions that cannot read the management account's CDK asset bucket, and have no CDK bootstrap.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html
 */
class StackSetTemplateSynthesizer extends StackSynthesizer {
  constructor(private readonly owner: string) {
    super();
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    throw new Error(`${this.owner}: a StackSet's template cannot use file assets (${asset.fileName ?? asset.executable?.join(' ')}): `
      + 'member accounts cannot read the management account\'s CDK asset bucket. Use constructs without assets '
      + '(inline Lambda code, lambda.Code.fromInline), or deploy the asset to a bucket every target Region and account can read.');
  }

  public addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`${this.owner}: a StackSet's template cannot use container image assets: member accounts cannot read the `
      + 'management account\'s CDK asset repository.');
  }

  public synthesize(_session: ISynthesisSession): void {
    // Nothing to write: the parent stack carries this template in its StackSet's TemplateBody.
  }
}

/**
 * The stack whose template a StackSet deploys into every target account and Region: environment-
 * agnostic (its account and Region are those of each stack instance), without assets, and not a
 * stack of the cloud assembly.
 */
export class StackSetTemplateStack extends Stack {
  constructor(scope: Construct, id: string, description: string) {
    super(scope, id, { synthesizer: new StackSetTemplateSynthesizer(`${scope.node.path}/${id}`), description });
  }

  /** The template, as compact JSON, for a `TemplateBody`. */
  public templateBody(): string {
    const body = JSON.stringify(this._toCloudFormation());
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > TEMPLATE_BODY_MAX_BYTES) {
      throw new Error(`${this.node.path}: the StackSet's template is ${bytes} bytes; CloudFormation accepts at most `
        + `${TEMPLATE_BODY_MAX_BYTES} bytes in TemplateBody. Deploy fewer constructs through this StackSet.`);
    }
    return body;
  }
}
