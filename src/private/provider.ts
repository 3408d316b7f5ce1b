import { CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { acceptFindings } from './accepted-findings';
import { acknowledgeRule } from './acknowledge';

/** A projen-generated handler function class (one per `*.lambda.ts` file). */
export type HandlerFunctionClass = new (scope: Construct, id: string, props?: lambda.FunctionOptions) => lambda.Function;

/**
 * How to build a stack's one provider for a kind of custom resource.
 */
export interface KmiProviderOptions {
  /** Construct id of the provider in its stack, e.g. `KmiEbsEncryptionByDefaultProvider`. Every part's id starts with it. */
  readonly id: string;
  /** The custom resource type it serves, e.g. `Custom::KmiEbsEncryptionByDefault` (used in descriptions). */
  readonly resourceType: string;
  /** The onEvent handler function class. */
  readonly onEvent: HandlerFunctionClass;
  /** Timeout of the onEvent handler. @default 1 minute */
  readonly onEventTimeout?: Duration;
  /** The isComplete handler function class, for waits longer than one Lambda invocation. */
  readonly isComplete?: HandlerFunctionClass;
  /** Interval between isComplete calls. @default 30 seconds */
  readonly queryInterval?: Duration;
  /** Longest wait for isComplete; CloudFormation waits at most an hour for a custom resource. @default 1 hour */
  readonly totalTimeout?: Duration;
  /** Why the handlers need no VPC (the LambdaInsideVPC acknowledgement). */
  readonly noVpcReason: string;
}

/**
 * The stack's one provider for a kind of custom resource: handler functions with roles of their own
 * (allowed to write to the provider's log group only, no managed policies), the Provider framework,
 * and the acknowledgements of the compliance rules a provider cannot meet, each with its reason.
 * Handler permissions are added per construct with `attachHandlerPolicy`.
 */
export function kmiProvider(scope: IConstruct, options: KmiProviderOptions): cr.Provider {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(options.id);
  if (existing) {
    return existing as cr.Provider;
  }
  const logGroup = new logs.LogGroup(stack, `${options.id}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
  const role = (name: string) => {
    const r = new iam.Role(stack, `${options.id}${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(r);
    return r;
  };
  const handlerRole = role('Handler');
  const onEventHandler = new options.onEvent(stack, `${options.id}Handler`, {
    description: `cdk-kmi: ${options.resourceType} (onEvent)`,
    timeout: options.onEventTimeout ?? Duration.minutes(1),
    logGroup,
    role: handlerRole,
  });
  const isCompleteHandler = options.isComplete && new options.isComplete(stack, `${options.id}IsComplete`, {
    description: `cdk-kmi: ${options.resourceType} (isComplete)`,
    timeout: Duration.minutes(1),
    logGroup,
    role: handlerRole,
  });
  const provider = new cr.Provider(stack, options.id, {
    onEventHandler,
    isCompleteHandler,
    queryInterval: isCompleteHandler ? options.queryInterval ?? Duration.seconds(30) : undefined,
    totalTimeout: isCompleteHandler ? options.totalTimeout ?? Duration.hours(1) : undefined,
    logGroup,
    frameworkOnEventRole: role('Framework'),
    frameworkCompleteAndTimeoutRole: isCompleteHandler ? role('Waiter') : undefined,
  });
  acknowledgeProvider(stack, options, logGroup, [onEventHandler, ...isCompleteHandler ? [isCompleteHandler] : []]);
  return provider;
}

/**
 * Gives the provider's handlers the permissions one construct needs, in a policy of its own that the
 * construct's custom resource depends on, so that they still exist while CloudFormation deletes it.
 *
 * @param wildcardReasons reasons for `AwsSolutions-IAM5` findings, by finding (e.g. `Resource::*`)
 */
export function attachHandlerPolicy(
  scope: Construct, id: string, provider: cr.Provider, statements: iam.PolicyStatement[],
  wildcardReasons: Record<string, string> = {},
): iam.Policy {
  const policy = new iam.Policy(scope, id, { statements });
  provider.onEventHandler.role!.attachInlinePolicy(policy);
  acknowledgeRule(policy, 'IAMNoInlinePolicy',
    'The handler permissions are a policy of their own so that the custom resource can depend on them and they outlive it during Delete.');
  for (const [finding, reason] of Object.entries(wildcardReasons)) {
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
  return policy;
}

/**
 * Acknowledgements for a provider: Lambda functions that only call AWS APIs for CloudFormation, their
 * roles and their log group. They are acknowledged on the stack-level constructs whose ids start with
 * the provider id.
 */
function acknowledgeProvider(stack: Stack, options: KmiProviderOptions, logGroup: logs.LogGroup, handlers: lambda.Function[]): void {
  const parts = stack.node.children.filter((c) => c.node.id.startsWith(options.id));
  for (const part of parts) {
    acknowledgeRule(part, 'LambdaDLQ',
      'A custom resource handler is invoked synchronously by CloudFormation, which reports any failure on the stack event; there is no asynchronous event to dead-letter.');
    acknowledgeRule(part, 'LambdaInsideVPC', options.noVpcReason);
    acknowledgeRule(part, 'LambdaConcurrency',
      'The handler runs only during deployments, once per custom resource event; reserving concurrency would take capacity from the account for a function that is idle otherwise.');
    acknowledgeRule(part, 'IAMNoInlinePolicy',
      'The provider roles carry only their own small policies: writing to the provider log group, and for the framework invoking its handlers.');
  }
  const frameworkFunctions = stack.node.findChild(options.id).node.children.filter((c): c is lambda.Function => c instanceof lambda.Function);
  for (const fn of [...handlers, ...frameworkFunctions]) {
    acceptFindings(fn, 'handler-outside-vpc');
  }
  const invokeFindings = handlers.map((h) => `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(h.node.defaultChild as CfnResource)}.Arn>:*]`);
  for (const roleName of ['FrameworkRole', 'WaiterRole']) {
    const role = stack.node.tryFindChild(`${options.id}${roleName}`);
    for (const id of role ? invokeFindings : []) {
      Validations.of(role!).acknowledge({ id, reason: 'The Provider framework may invoke any version of this provider\'s own handlers, and nothing else.' });
    }
  }
  const framework = stack.node.findChild(options.id);
  Validations.of(framework).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'The Provider framework functions\' runtime is chosen by aws-cdk-lib and moves with it.',
  });
  const waiter = framework.node.tryFindChild('waiter-state-machine');
  if (waiter) {
    const waiterReason = 'The waiter state machine only calls the isComplete handler until it answers or the wait times out; '
      + 'the handlers log every call to the provider log group and CloudFormation records the outcome.';
    for (const id of ['AwsSolutions-SF1', 'AwsSolutions-SF2']) {
      Validations.of(waiter).acknowledge({ id, reason: waiterReason });
    }
    for (const fn of ['framework-isComplete', 'framework-onTimeout']) {
      const child = framework.node.tryFindChild(fn) as lambda.Function | undefined;
      if (child) {
        Validations.of(waiter).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(child.node.defaultChild as CfnResource)}.Arn>:*]`,
          reason: 'The waiter state machine may invoke any version of the Provider framework\'s own functions, and nothing else.',
        });
      }
    }
  }
  acknowledgeRule(logGroup, 'CloudWatchLogGroupEncrypted',
    'The handlers log API call names and resource identifiers only, never data or secrets; CloudWatch Logs encrypts them at rest with AWS owned keys.');
}
