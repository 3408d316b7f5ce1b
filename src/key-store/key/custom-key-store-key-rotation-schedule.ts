import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { TAG_KEY_FAMILY } from './custom-key-store-key-tags';
import { kmsWildcardArn, nagResourceFinding } from './custom-key-store-key-wildcards';
import { RotationInput } from './handler/resource-properties';
import { RotateFunction } from './handler/rotate-function';
import { acceptFindings } from '../../private/accepted-findings';
import { acknowledgeRule } from '../../private/acknowledge';

/** Options of the rotation schedule of one key. */
export interface RotationScheduleOptions {
  /** The alias that names the current generation. */
  readonly aliasName: string;
  /** The `cdk-kmi:key-family` tag value of every generation. */
  readonly keyFamily: string;
  /** How long a generation stays current. */
  readonly period: Duration;
}

/**
 * The scheduled rotation of one CustomKeyStoreKey: a daily EventBridge Scheduler schedule invoking a
 * function of its own (its own role, one run at a time) that creates successor keys and moves the
 * alias. The role may create keys only in CloudHSM key stores and only tagged with this key's family,
 * and may move only this key's alias; on the keys themselves it acts through the key policy, which
 * names it (see `CustomKeyStoreKey`).
 */
export class RotationSchedule extends Construct {
  /** The role of the rotation function, named in the key policy. */
  public readonly role: iam.Role;
  /** The rotation function. */
  public readonly function: lambda.Function;
  /** The daily schedule that invokes it. */
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, options: RotationScheduleOptions) {
    super(scope, id);
    const stack = Stack.of(this);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Rotates the custom key store key with alias ${options.aliasName}`,
    });
    logGroup.grantWrite(this.role);
    const anyKeyArn = kmsWildcardArn(stack, 'key/*');
    const permissions = new iam.Policy(this, 'Policy', { statements: rotationStatements(stack, options, anyKeyArn) });
    this.role.attachInlinePolicy(permissions);

    this.function = new RotateFunction(this, 'Function', {
      description: `cdk-kmi: scheduled rotation of the custom key store key ${options.aliasName}`,
      role: this.role,
      logGroup,
      timeout: Duration.minutes(5),
      // One run at a time: two runs at once could each create a successor.
      reservedConcurrentExecutions: 1,
    });
    this.function.node.addDependency(permissions);

    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Daily check of the rotation of ${options.aliasName} (every ${options.period.toDays()} days)`,
      schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
      target: new targets.LambdaInvoke(this.function, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject(rotationInput({
          AliasName: options.aliasName,
          KeyFamily: options.keyFamily,
          RotationPeriodInDays: options.period.toDays(),
        })),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });

    this.acknowledge(stack, logGroup, permissions, schedulerRole, anyKeyArn);
  }

  /** Errors of the rotation function: a failed run (the next day's run tries again). */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors(props);
  }

  private acknowledge(stack: Stack, logGroup: logs.LogGroup, permissions: iam.Policy, schedulerRole: iam.Role, anyKeyArn: string): void {
    acknowledgeRule(this, 'LambdaDLQ',
      'A failed rotation run needs no replay: the run is idempotent and the next day\'s run resumes where it stopped; '
      + 'failures are counted in the function\'s Errors metric (CustomKeyStoreKey.metricRotationErrors).');
    acknowledgeRule(this, 'LambdaInsideVPC',
      'The function calls only the public KMS API, and handles key ids and tags, never data or key material; a VPC would add '
      + 'NAT or endpoints without protecting anything.');
    acceptFindings(this.function, 'handler-outside-vpc');
    acknowledgeRule(this, 'IAMNoInlinePolicy',
      'The rotation roles carry only their own small policies, scoped to this key: creating its successors, moving its alias, '
      + 'invoking its rotation function and writing its log group.');
    acknowledgeRule(logGroup, 'CloudWatchLogGroupEncrypted',
      'The rotation function logs key ids and actions only, never data or secrets; CloudWatch Logs encrypts them at rest with '
      + 'AWS owned keys.');
    Validations.of(permissions).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'kms:CreateKey and kms:DescribeCustomKeyStores have no resource-level permissions; CreateKey is limited by '
        + 'conditions to symmetric single-Region keys in CloudHSM key stores tagged with this key\'s family.',
    });
    Validations.of(permissions).acknowledge({
      id: `AwsSolutions-IAM5[${nagResourceFinding(stack, anyKeyArn)}]`,
      reason: 'Tags given to CreateKey need kms:TagResource on all keys of the account and Region (the key does not exist yet); '
        + 'the statement allows only requests that tag the key with this key\'s family.',
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[${nagResourceFinding(stack, `${this.function.functionArn}:*`)}]`,
      reason: 'The schedule may invoke any version of this key\'s rotation function, and nothing else.',
    });
  }
}

/** What the rotation function may do: create successors of this family in CloudHSM stores, tag them, move this alias. */
function rotationStatements(stack: Stack, options: RotationScheduleOptions, anyKeyArn: string): iam.PolicyStatement[] {
  const familyTag = { StringEquals: { [`aws:RequestTag/${TAG_KEY_FAMILY}`]: options.keyFamily } };
  return [
    new iam.PolicyStatement({ actions: ['kms:DescribeCustomKeyStores'], resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['kms:CreateKey'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'kms:KeyOrigin': 'AWS_CLOUDHSM',
          'kms:KeySpec': 'SYMMETRIC_DEFAULT',
          'kms:KeyUsage': 'ENCRYPT_DECRYPT',
          ...familyTag.StringEquals,
        },
        Bool: { 'kms:MultiRegion': 'false' },
      },
    }),
    // Tags given to CreateKey need kms:TagResource in an IAM policy covering all keys of the account and Region.
    new iam.PolicyStatement({ actions: ['kms:TagResource'], resources: [anyKeyArn], conditions: familyTag }),
    // The alias side of UpdateAlias; the key side is in the key policy.
    new iam.PolicyStatement({
      actions: ['kms:UpdateAlias'],
      resources: [stack.formatArn({ service: 'kms', resource: options.aliasName })],
    }),
  ];
}

/** The schedule's input to the rotation handler, checked against the contract. */
function rotationInput(input: RotationInput): RotationInput {
  return input;
}
