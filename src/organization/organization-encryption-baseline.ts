import { CustomResource, Lazy, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BASELINE_FUNCTION_NAME_PREFIX, BASELINE_ROLE_PATH } from './baseline-principals';
import { EBS_DEFAULT_INLINE_HANDLER, ZIP_FILE_MAX_CHARACTERS } from './ebs-default-inline-handler';
import { StackSetTemplateStack } from './stack-set-template-stack';
import { KeyActivityAlarms } from '../audit/alarms/key-activity-alarms';
import { Ec2KeyUsers, ec2OnlyKeyPolicy } from '../ebs/ec2-only-key-policy';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { acceptFindings } from '../private/accepted-findings';
import { acknowledgeRule } from '../private/acknowledge';
import { isResolved, KmiValidationError } from '../private/errors';

/**
 * How a StackSet operation moves through Regions.
 */
export enum RegionConcurrency {
  /** One Region after the other: a failure in the first Region stops the operation before the next. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All Regions at once. */
  PARALLEL = 'PARALLEL',
}

/**
 * Properties of `OrganizationEncryptionBaseline`.
 */
export interface OrganizationEncryptionBaselineProps {
  /**
   * The organizational units whose accounts get the baseline, every account below them included.
   * Accounts that join these OUs later get it automatically; the management account never does
   * (service-managed StackSets do not deploy to it): use `EbsEncryptionByDefault` there.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The Regions of each account where the baseline is deployed.
   */
  readonly regions: string[];

  /**
   * Whether each account and Region also gets `KeyActivityAlarms` for its key: an SNS topic
   * (encrypted with its own rotating key) notified when the key is disabled, scheduled for deletion,
   * its rotation disabled, or its policy changed. Subscribe to the topics in each account.
   *
   * @default false
   */
  readonly keyActivityAlarms?: boolean;

  /**
   * Whether an account's stacks stay when it leaves the target OUs. Either way the account keeps
   * EBS encryption by default and its key: the stack's resources are retained on deletion.
   *
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * The most accounts, as a percentage of the target accounts, that one operation deploys to at
   * the same time in a Region. Give this or `maxConcurrentCount`, not both.
   *
   * @default - 25 percent, unless `maxConcurrentCount` is given
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The most accounts that one operation deploys to at the same time in a Region.
   *
   * @default - `maxConcurrentPercentage` applies
   */
  readonly maxConcurrentCount?: number;

  /**
   * How many accounts may fail in a Region before the operation stops there. Stack instances that
   * succeeded are never rolled back by another's failure; the failed ones stay FAILED and are shown
   * by `aws cloudformation list-stack-instances`. Give this or `failureTolerancePercentage`.
   *
   * @default 0 - the operation stops at the first failure
   */
  readonly failureToleranceCount?: number;

  /**
   * How many accounts, as a percentage of the target accounts, may fail in a Region before the
   * operation stops there.
   *
   * @default - `failureToleranceCount` applies
   */
  readonly failureTolerancePercentage?: number;

  /**
   * How an operation moves through the Regions.
   *
   * @default RegionConcurrency.SEQUENTIAL
   */
  readonly regionConcurrency?: RegionConcurrency;

  /**
   * The StackSet's name.
   *
   * @default - a name derived from the construct path
   */
  readonly stackSetName?: string;

  /**
   * Whether the stack is deployed by a delegated administrator account of CloudFormation StackSets
   * rather than by the management account.
   *
   * @default false
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
   */
  readonly delegatedAdministrator?: boolean;
}

/**
 * Deploys the encryption baseline to every account of chosen organizational units, in chosen
 * Regions, through one service-managed CloudFormation StackSet with automatic deployment: EBS
 * encryption by default with a rotating customer managed key (`KmsKeyWithRotation`, usable only
 * through EC2 by the account's principals) in each account and Region, and optionally
 * `KeyActivityAlarms` for it.
 *
 * The StackSet's template is `templateStack`, synthesized into the StackSet's `TemplateBody`: one
 * template whatever the number of accounts, Regions and OUs. It carries no asset: member accounts
 * cannot read the management account's CDK asset bucket, so the handler that turns encryption by
 * default on is inline code run with the SDK of the Lambda runtime.
 *
 * Deploy the stack that holds it in the organization's management account (or a delegated
 * administrator), with trusted access for StackSets activated.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 *
 * @example
 * import { OrganizationEncryptionBaseline } from 'cdk-kmi';
 *
 * new OrganizationEncryptionBaseline(this, 'Baseline', {
 *   organizationalUnitIds: ['ou-ab12-11111111'],
 *   regions: ['us-east-1', 'eu-west-1'],
 * });
 */
export class OrganizationEncryptionBaseline extends Construct {
  /**
   * The StackSet's ID.
   *
   * @attribute
   */
  public readonly stackSetId: string;

  /**
   * The stack whose template the StackSet deploys to each account and Region. Constructs added to
   * it are deployed too, provided they use no assets and reference nothing outside it (each account
   * and Region gets its own copy; there is no cross-stack reference into the management account).
   */
  public readonly templateStack: Stack;

  /** The default key of EBS encryption in each account and Region (a reference inside `templateStack`). */
  public readonly encryptionKey: kms.IKey;

  /** The L1 `AWS::CloudFormation::StackSet`. */
  public readonly cfnStackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: OrganizationEncryptionBaselineProps) {
    super(scope, id);
    validateProps(this, props);

    const template = new StackSetTemplateStack(this, 'Template',
      'cdk-kmi organization encryption baseline: EBS encryption by default with a rotating customer managed key');
    this.templateStack = template;
    this.encryptionKey = buildEbsDefault(template);
    if (props.keyActivityAlarms) {
      new KeyActivityAlarms(template, 'KeyActivityAlarms', { keys: [this.encryptionKey] });
    }

    const percentage = props.maxConcurrentCount === undefined ? props.maxConcurrentPercentage ?? 25 : undefined;
    const toleranceCount = props.failureTolerancePercentage === undefined ? props.failureToleranceCount ?? 0 : undefined;
    this.cfnStackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: props.stackSetName ?? Names.uniqueResourceName(this, { maxLength: 128 }),
      description: 'cdk-kmi: EBS encryption by default with a rotating customer managed key in every account and Region',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? true },
      callAs: props.delegatedAdministrator ? 'DELEGATED_ADMIN' : 'SELF',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      // SOFT_FAILURE_TOLERANCE: concurrency is what the props say, not capped at the failure
      // tolerance plus one; the operation still stops once the tolerance is exceeded.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html
      operationPreferences: {
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        maxConcurrentPercentage: percentage,
        maxConcurrentCount: props.maxConcurrentCount,
        failureToleranceCount: toleranceCount,
        failureTolerancePercentage: props.failureTolerancePercentage,
        regionConcurrencyType: props.regionConcurrency ?? RegionConcurrency.SEQUENTIAL,
      },
      stackInstancesGroup: [{
        deploymentTargets: { organizationalUnitIds: props.organizationalUnitIds },
        regions: props.regions,
      }],
      templateBody: Lazy.string({ produce: () => template.templateBody() }),
    });
    this.stackSetId = this.cfnStackSet.attrStackSetId;
  }
}

/** The key, the inline handler and the custom resource that turns EBS encryption by default on. */
function buildEbsDefault(template: Stack): kms.IKey {
  const key = new KmsKeyWithRotation(template, 'EbsDefaultKey', {
    description: 'Default key of EBS encryption by default (cdk-kmi organization baseline); usable only through EC2',
    policy: ec2OnlyKeyPolicy(template, Ec2KeyUsers.ANY_IN_ACCOUNT),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new kms.Alias(template, 'EbsDefaultKeyAlias', { aliasName: 'alias/cdk-kmi/ebs-default', targetKey: key });

  if (EBS_DEFAULT_INLINE_HANDLER.length > ZIP_FILE_MAX_CHARACTERS) {
    throw new Error(`the inline EBS handler is ${EBS_DEFAULT_INLINE_HANDLER.length} characters; ZipFile accepts ${ZIP_FILE_MAX_CHARACTERS}`);
  }
  const functionName = `${BASELINE_FUNCTION_NAME_PREFIX}ebs-default`;
  // Role names are global to the account and the template is deployed in several Regions of it.
  const role = new iam.Role(template, 'EbsDefaultHandlerRole', {
    path: BASELINE_ROLE_PATH,
    roleName: `${BASELINE_FUNCTION_NAME_PREFIX}ebs-default-${template.region}`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'cdk-kmi: turns EBS encryption by default on with the baseline key',
    inlinePolicies: {
      EbsEncryptionByDefault: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['ec2:EnableEbsEncryptionByDefault', 'ec2:ModifyEbsDefaultKmsKeyId'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({ actions: ['kms:DescribeKey'], resources: [key.keyArn] }),
          new iam.PolicyStatement({
            actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            // The role can write only in its own account; the ARN names the function's log group of every
            // Region, where the same function runs.
            resources: [`arn:*:logs:*:*:log-group:/aws/lambda/${functionName}:*`],
          }),
        ],
      }),
    },
  });
  const handler = new lambda.Function(template, 'EbsDefaultHandler', {
    functionName,
    description: 'cdk-kmi: turns EBS encryption by default on with the baseline key (CloudFormation custom resource)',
    runtime: new lambda.Runtime('nodejs24.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
    handler: 'index.handler',
    code: lambda.Code.fromInline(EBS_DEFAULT_INLINE_HANDLER),
    role,
  });
  new CustomResource(template, 'EbsEncryptionByDefault', {
    serviceToken: handler.functionArn,
    resourceType: 'Custom::KmiEbsEncryptionByDefault',
    properties: { KmsKeyId: key.keyArn },
  });

  acknowledgeRule(handler, 'LambdaDLQ',
    'The handler is invoked synchronously by CloudFormation, which reports any failure on the stack instance; there is no asynchronous event to dead-letter.');
  acknowledgeRule(handler, 'LambdaInsideVPC',
    'The handler calls only the public EC2 and KMS APIs to change an account setting and touches no data; a VPC in every account and Region would add NAT or endpoints without protecting anything.');
  acceptFindings(handler, 'handler-outside-vpc');
  acknowledgeRule(handler, 'LambdaConcurrency',
    'The handler runs only when the StackSet deploys, once per account and Region; reserving concurrency would take capacity from every account for an idle function.');
  acknowledgeRule(role, 'IAMNoInlinePolicy',
    'The handler role carries only its own small policy, created and deleted with it by the StackSet.');
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'EnableEbsEncryptionByDefault and ModifyEbsDefaultKmsKeyId are account settings without resource-level permissions.',
  }, {
    id: `AwsSolutions-IAM5[Resource::arn:*:logs:*:*:log-group:/aws/lambda/${functionName}:*]`,
    reason: 'The log streams of the handler\'s own log group, whose names Lambda chooses.',
  });
  return key;
}

const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function validateProps(owner: Construct, props: OrganizationEncryptionBaselineProps): void {
  const path = owner.node.path;
  const list = (prop: string, values: string[], pattern: RegExp, allowed: string) => {
    if (!Token.isUnresolved(values) && values.length === 0) {
      throw new KmiValidationError({ path, prop, given: '[]', allowed: `at least one ${allowed}` });
    }
    for (const value of values) {
      if (isResolved(value) && !pattern.test(value)) {
        throw new KmiValidationError({ path, prop, given: JSON.stringify(value), allowed });
      }
    }
    if (new Set(values).size !== values.length) {
      throw new KmiValidationError({ path, prop, given: JSON.stringify(values), allowed: 'each value once' });
    }
  };
  list('organizationalUnitIds', props.organizationalUnitIds, OU_ID, "an organizational unit ID ('ou-…-…'); the root and accounts are not StackSet targets here");
  list('regions', props.regions, REGION, "a Region name such as 'us-east-1'");

  const exclusive = (a: string, b: string, va?: number, vb?: number) => {
    if (va !== undefined && vb !== undefined) {
      throw new KmiValidationError({ path, prop: `${a} and ${b}`, given: `${va} and ${vb}`, allowed: `one of ${a} or ${b}` });
    }
  };
  exclusive('maxConcurrentPercentage', 'maxConcurrentCount', props.maxConcurrentPercentage, props.maxConcurrentCount);
  exclusive('failureTolerancePercentage', 'failureToleranceCount', props.failureTolerancePercentage, props.failureToleranceCount);
  const range = (prop: string, value: number | undefined, min: number, max: number) => {
    if (isResolved(value) && (!Number.isInteger(value) || value! < min || value! > max)) {
      throw new KmiValidationError({ path, prop, given: String(value), allowed: `an integer from ${min} to ${max}` });
    }
  };
  range('maxConcurrentPercentage', props.maxConcurrentPercentage, 1, 100);
  range('maxConcurrentCount', props.maxConcurrentCount, 1, 10_000);
  range('failureTolerancePercentage', props.failureTolerancePercentage, 0, 100);
  range('failureToleranceCount', props.failureToleranceCount, 0, 10_000);
}
