import { Annotations, Aspects, AspectPriority, Aws, CfnResource, IAspect, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { CloudHsmActivity, KeyActivity } from './key-activity';
import {
  ActivityKind, activitiesOfKind, clusterApiCallMessage, clusterApiCallPattern, keyApiCallMessage, keyApiCallPattern,
  keyLifecycleMessage, keyLifecyclePattern, KEYS_PER_RULE, keyStoreApiCallMessage, keyStoreApiCallPattern,
} from './key-activity-patterns';
import { ICloudHsmCluster } from '../../cloudhsm/cluster/cloudhsm-cluster-ref';
import { ICustomKeyStore } from '../../key-store/custom-key-store-ref';
import { KmsKeyWithRotation } from '../../kms/kms-key-with-rotation';
import { KmiValidationError } from '../../private/errors';

/** The shape of a key or alias ARN: `arn:<partition>:kms:<region>:<account>:key/<key id>` or `...:alias/<name>`. */
const KEY_OR_ALIAS_ARN = /^arn:[a-z-]+:kms:([a-z0-9-]*):(\d*):(key|alias)\/.+$/;

/**
 * Properties of `KeyActivityAlarms`.
 */
export interface KeyActivityAlarmsProps {
  /**
   * The keys to watch, and aliases: an alias (`kms.IAlias`) watches the alias itself (`UPDATE_ALIAS`
   * and `DELETE_ALIAS` name it) and its target key. Keys must be in the stack's account and Region:
   * KMS reports what happens to a key only there.
   *
   * @default - every KMS key and alias defined in the scope of this construct (the `scope` it is
   * created in), found when the app synthesizes: `kms.Key` and its subclasses, `AWS::KMS::Key`
   * resources, keys in custom key stores and their aliases, `kms.Alias`, and the key of this
   * construct's own topic. Imported keys and aliases are not included; give them here.
   */
  readonly keys?: kms.IKey[];

  /**
   * What to report: at least one activity (an empty list is refused at synth).
   *
   * @default KeyActivityAlarms.DEFAULT_ACTIVITIES: every activity but `RETIRE_GRANT`
   */
  readonly activities?: KeyActivity[];

  /**
   * The custom key stores whose store-level activities (`DISCONNECT_CUSTOM_KEY_STORE`,
   * `DELETE_CUSTOM_KEY_STORE`, `UPDATE_CUSTOM_KEY_STORE`) are reported. These calls name a store, not
   * a key.
   *
   * @default - every custom key store of the account and Region: a disconnected store makes all of
   * its keys unusable, and these calls are rare
   */
  readonly customKeyStores?: ICustomKeyStore[];

  /**
   * CloudHSM clusters to watch, for example the clusters behind your custom key stores.
   *
   * @default - none
   */
  readonly clusters?: ICloudHsmCluster[];

  /**
   * What to report on `clusters`.
   *
   * @default KeyActivityAlarms.DEFAULT_CLUSTER_ACTIVITIES: `DELETE_HSM`, `DELETE_CLUSTER`, `MODIFY_CLUSTER`
   */
  readonly clusterActivities?: CloudHsmActivity[];

  /**
   * The topic to notify. EventBridge must be allowed to publish to it (and, if it is encrypted, to use
   * its key); this construct adds that permission only to a topic defined in the same app.
   *
   * @default - a new topic, TLS only, encrypted with a new `KmsKeyWithRotation` that EventBridge may
   * use only for rules of this account and Region
   */
  readonly topic?: sns.ITopic;

  /**
   * What happens to the key this construct creates for its topic when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * EventBridge rules that notify an SNS topic when someone disables, deletes, re-permissions or
 * otherwise changes the KMS keys of a scope, the custom key stores that hold them, or the CloudHSM
 * clusters behind those stores.
 *
 * Each notification is a short text: what happened, to which key, store or cluster, by whom and from
 * where, whether the call failed, and the CloudTrail event ID to look the call up.
 *
 * - API calls reach EventBridge through CloudTrail ("AWS API Call via CloudTrail" events). AWS
 *   documents that receiving them needs a CloudTrail trail with logging enabled in the account (an
 *   organization trail counts); this construct does not create one. Both lifecycle events
 *   (`KEY_DELETED`, `IMPORTED_KEY_MATERIAL_EXPIRED`) come from KMS itself and need no trail.
 * - Events arrive on the default event bus of the Region where they happen, so the rules watch keys
 *   of the stack's account and Region only.
 * - Key calls are matched on the key ARN that CloudTrail records under `resources`, whatever name
 *   the caller used for the key; alias calls also list the alias ARN, so watched aliases are matched
 *   too. Key-store calls name no key: they are matched on the store id. CloudHSM calls are matched on
 *   the cluster id.
 * - A rule takes at most 10 keys (the default 2048-character event pattern quota); more keys get more
 *   rules.
 * - Keys are watched by the ARN known at deployment. A key created later outside CloudFormation, such
 *   as a generation that scheduled rotation of a `CustomKeyStoreKey` creates, is not watched (its
 *   `keyArn` names the first generation); the moves of the key's alias to each new generation are
 *   (`UPDATE_ALIAS`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/kms-events.html
 *
 * @example
 * declare const securityTeam: sns.ITopic;
 *
 * new KmsKeyWithRotation(this, 'DataKey');
 * // Watches every key of this stack, DataKey included, and tells the security team.
 * new KeyActivityAlarms(this, 'KeyAlarms', { topic: securityTeam });
 */
export class KeyActivityAlarms extends Construct {
  /**
   * The activities reported by default: all but `RETIRE_GRANT`, which AWS services call routinely.
   */
  public static readonly DEFAULT_ACTIVITIES: KeyActivity[] = Object.values(KeyActivity)
    .filter((activity) => activity !== KeyActivity.RETIRE_GRANT);

  /**
   * The CloudHSM activities reported by default: `DELETE_HSM`, `DELETE_CLUSTER`, `MODIFY_CLUSTER`.
   */
  public static readonly DEFAULT_CLUSTER_ACTIVITIES: CloudHsmActivity[] = [
    CloudHsmActivity.DELETE_HSM, CloudHsmActivity.DELETE_CLUSTER, CloudHsmActivity.MODIFY_CLUSTER,
  ];

  /**
   * The topic the rules notify.
   */
  public readonly topic: sns.ITopic;

  /**
   * The key that encrypts the topic this construct created.
   *
   * @default - none, when the topic was given
   */
  public readonly encryptionKey?: kms.IKey;

  private readonly activities: KeyActivity[];
  private readonly ruleList: events.Rule[] = [];
  private publishAllowed = false;

  constructor(scope: Construct, id: string, props: KeyActivityAlarmsProps = {}) {
    super(scope, id);
    validateProps(this, props);
    this.activities = props.activities ?? KeyActivityAlarms.DEFAULT_ACTIVITIES;

    if (props.topic) {
      this.topic = props.topic;
    } else {
      const key = new KmsKeyWithRotation(this, 'Key', {
        description: `Encrypts the notifications of ${this.node.path}`,
        removalPolicy: props.removalPolicy,
      });
      // EventBridge publishes to an encrypted topic with its own service principal. The rule that
      // publishes cannot be named here (the key would depend on the rule, which depends on the topic,
      // which depends on the key), so the condition names every rule of this account and Region.
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowEventBridgeRulesOfThisAccountToPublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/*` },
        },
      }));
      this.encryptionKey = key;
      this.topic = new sns.Topic(this, 'Topic', {
        displayName: 'KMS key activity',
        masterKey: key,
        enforceSSL: true,
      });
    }

    if (props.keys) {
      this.watchKeys(props.keys.flatMap(arnsOf));
    } else {
      Aspects.of(this).add(new WatchKeysOfScope(this), { priority: AspectPriority.MUTATING });
    }

    const storeCalls = activitiesOfKind(this.activities, ActivityKind.KEY_STORE_API_CALL);
    if (storeCalls.length > 0) {
      this.addRule('CustomKeyStoreApiCalls', 'KMS API calls that disconnect, delete or change custom key stores',
        keyStoreApiCallPattern(storeCalls, props.customKeyStores?.map((store) => store.customKeyStoreId)),
        keyStoreApiCallMessage());
    }

    if (props.clusters && props.clusters.length > 0) {
      this.addRule('CloudHsmApiCalls', 'CloudHSM API calls that delete or change watched clusters',
        clusterApiCallPattern(props.clusterActivities ?? KeyActivityAlarms.DEFAULT_CLUSTER_ACTIVITIES,
          props.clusters.map((cluster) => cluster.clusterId)),
        clusterApiCallMessage());
    }
  }

  /**
   * The EventBridge rules. With the default `keys`, the rules for keys are added when the app
   * synthesizes.
   */
  public get rules(): events.IRule[] {
    return [...this.ruleList];
  }

  /** Adds the rules for a list of key and alias ARNs: up to `KEYS_PER_RULE` a rule, for each kind of key activity. */
  private watchKeys(keyArns: string[]): void {
    const arns = [...new Set(keyArns)];
    const calls = activitiesOfKind(this.activities, ActivityKind.KEY_API_CALL);
    const lifecycle = activitiesOfKind(this.activities, ActivityKind.KEY_LIFECYCLE_EVENT);
    const groups = Math.ceil(arns.length / KEYS_PER_RULE);
    for (let group = 0; group < groups; group++) {
      const chunk = arns.slice(group * KEYS_PER_RULE, (group + 1) * KEYS_PER_RULE);
      const of = groups > 1 ? ` (part ${group + 1} of ${groups})` : '';
      if (calls.length > 0) {
        this.addRule(`KeyApiCalls${group + 1}`, `KMS API calls that disable, delete or change watched keys${of}`,
          keyApiCallPattern(calls, chunk), keyApiCallMessage());
      }
      if (lifecycle.length > 0) {
        this.addRule(`KeyLifecycleEvents${group + 1}`, `KMS events: watched keys deleted or their imported material expired${of}`,
          keyLifecyclePattern(lifecycle, chunk), keyLifecycleMessage());
      }
    }
  }

  /** @internal Called once at synthesis when `keys` is not given. */
  public _watchKeysOfScope(): void {
    const arns = keyArnsIn(this.node.scope!);
    if (arns.length === 0) {
      Annotations.of(this).addWarningV2('cdk-kmi:keyActivityNoKeys',
        `No KMS key is defined in ${this.node.scope!.node.path || 'the app'}: no key is watched. Give the keys to watch in \`keys\`.`);
    }
    this.watchKeys(arns);
  }

  private addRule(id: string, description: string, eventPattern: events.EventPattern, message: events.RuleTargetInput): void {
    const rule = new events.Rule(this, id, { description: `cdk-kmi: ${description}`, eventPattern });
    const topicArn = this.topic.topicArn;
    rule.addTarget({ bind: () => ({ arn: topicArn, input: message }) });
    this.ruleList.push(rule);
    this.allowPublish();
  }

  /** Lets the rules, and only they, publish to the topic (a no-op on a topic imported into the app). */
  private allowPublish(): void {
    if (this.publishAllowed) {
      return;
    }
    this.publishAllowed = true;
    const result = this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowKeyActivityRulesToPublish',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.ruleList.map((rule) => rule.ruleArn) }) } },
    }));
    if (!result.statementAdded) {
      Annotations.of(this).addWarningV2('cdk-kmi:keyActivityTopicPolicy',
        `The topic ${this.topic.topicArn} is imported: allow events.amazonaws.com to sns:Publish to it (and to use its key, if it is encrypted) for the rules of ${this.node.path}.`);
    }
  }
}

/** Finds the keys of the scope once the app is built, and watches them. */
class WatchKeysOfScope implements IAspect {
  private done = false;

  constructor(private readonly alarms: KeyActivityAlarms) {}

  public visit(node: IConstruct): void {
    if (node === this.alarms && !this.done) {
      this.done = true;
      this.alarms._watchKeysOfScope();
    }
  }
}

/**
 * The ARNs of the KMS keys and aliases defined in a scope: every `AWS::KMS::Key` (raw or inside a
 * `kms.Key`), every `kms.Alias`, and every other construct that is a key with a resource of its own
 * (such as a key in a custom key store) with the alias it names itself by. Imported keys and aliases
 * are left out, and so are keys of other stacks inside the scope.
 */
function keyArnsIn(scope: IConstruct): string[] {
  const arns: string[] = [];
  const stack = Stack.of(scope);
  for (const construct of scope.node.findAll()) {
    // Keys of other stacks inside the scope (a StackSet's template stack, a nested stack) have rules of their own to watch them.
    if (Stack.of(construct) !== stack) {
      continue;
    }
    if (CfnResource.isCfnResource(construct) && construct.cfnResourceType === 'AWS::KMS::Key') {
      arns.push(construct instanceof kms.CfnKey ? construct.attrArn : Token.asString(construct.getAtt('Arn')));
    } else if (construct instanceof kms.Alias) {
      arns.push(construct.keyArn);
    } else if (isDefinedKey(construct) && !isKmsKeyResource(construct.node.defaultChild)) {
      arns.push(construct.keyArn, ...ownAliasArn(construct));
    }
  }
  return arns;
}

/** The ARNs to watch for a key given in `keys`: an alias's own ARN and its target key's, or a key's (and its own alias's). */
function arnsOf(key: kms.IKey): string[] {
  if (!isAlias(key)) {
    return [key.keyArn, ...ownAliasArn(key)];
  }
  // An alias's keyArn is its alias ARN (aliases imported by name have no aliasArn).
  try {
    return [key.keyArn, key.aliasTargetKey.keyArn];
  } catch {
    // An alias imported by name has no known target key.
    return [key.keyArn];
  }
}

/** The alias ARN a key names itself by, such as the alias of a key in a custom key store. */
function ownAliasArn(key: object): string[] {
  const aliasArn = (key as { aliasArn?: unknown }).aliasArn;
  return typeof aliasArn === 'string' ? [aliasArn] : [];
}

function isKmsKeyResource(construct?: IConstruct): boolean {
  return construct !== undefined && CfnResource.isCfnResource(construct) && construct.cfnResourceType === 'AWS::KMS::Key';
}

/** A construct that is a key (`kms.IKey`), not an alias, and owns a resource. */
function isDefinedKey(construct: IConstruct): construct is IConstruct & kms.IKey {
  const candidate = construct as Partial<kms.IKey>;
  return typeof candidate.keyArn === 'string'
    && typeof candidate.keyId === 'string'
    && typeof candidate.grantEncryptDecrypt === 'function'
    && !isAlias(candidate)
    && construct.node.defaultChild !== undefined;
}

/**
 * Whether a key is a KMS alias (`kms.IAlias`, which has a target key). A key that merely has an
 * alias name of its own, such as a key in a custom key store, is not.
 */
function isAlias(key: object): key is kms.IAlias {
  return 'aliasTargetKey' in key;
}

function validateProps(alarms: KeyActivityAlarms, props: KeyActivityAlarmsProps): void {
  const path = alarms.node.path;
  const stack = Stack.of(alarms);
  (props.keys ?? []).forEach((key, index) => {
    if (Token.isUnresolved(key.keyArn)) {
      return;
    }
    const match = KEY_OR_ALIAS_ARN.exec(key.keyArn);
    if (!match) {
      throw new KmiValidationError({
        path,
        prop: `keys[${index}]`,
        given: `'${key.keyArn}'`,
        allowed: 'a key or alias ARN, arn:<partition>:kms:<region>:<account>:key/<key id> or ...:alias/<alias name>',
        fix: 'Import keys with kms.Key.fromKeyArn and a key ARN, aliases with kms.Alias.fromAliasName.',
      });
    }
    const [, region, account] = match;
    const elsewhere = (value: string, ours: string) => !Token.isUnresolved(ours) && value !== ours;
    if (elsewhere(region, stack.region) || elsewhere(account, stack.account)) {
      throw new KmiValidationError({
        path,
        prop: `keys[${index}]`,
        given: `a key of account ${account}, Region ${region}`,
        allowed: `keys of the stack's account and Region (${stack.account}, ${stack.region})`,
        fix: 'KMS reports what happens to a key only to its own account and Region: watch it with KeyActivityAlarms in a stack there.',
      });
    }
  });

  if (props.activities !== undefined && props.activities.length === 0) {
    throw new KmiValidationError({
      path,
      prop: 'activities',
      given: '[]',
      allowed: 'at least one KeyActivity: an alarm set that watches nothing reports nothing',
      fix: 'Leave activities out for the default activities (KeyActivityAlarms.DEFAULT_ACTIVITIES), or name the activities to report.',
    });
  }
  const storeActivities = activitiesOfKind(props.activities ?? KeyActivityAlarms.DEFAULT_ACTIVITIES, ActivityKind.KEY_STORE_API_CALL);
  if (props.customKeyStores && storeActivities.length === 0) {
    throw new KmiValidationError({
      path,
      prop: 'customKeyStores',
      given: `${props.customKeyStores.length} store(s) with activities that include no custom key store activity`,
      allowed: 'customKeyStores together with DISCONNECT_CUSTOM_KEY_STORE, DELETE_CUSTOM_KEY_STORE or UPDATE_CUSTOM_KEY_STORE in activities',
      fix: 'Add a custom key store activity, or leave customKeyStores out.',
    });
  }
  if (props.clusterActivities && (props.clusters ?? []).length === 0) {
    throw new KmiValidationError({
      path,
      prop: 'clusterActivities',
      given: `${props.clusterActivities.length} activities and no clusters`,
      allowed: 'clusterActivities together with the clusters to watch',
      fix: 'Give the clusters in clusters, or leave clusterActivities out.',
    });
  }
  if (props.clusters && props.clusters.length > 0 && props.clusterActivities?.length === 0) {
    throw new KmiValidationError({
      path,
      prop: 'clusterActivities',
      given: '[]',
      allowed: 'at least one CloudHsmActivity when clusters are given',
      fix: 'Leave clusterActivities out for the default activities, or leave clusters out.',
    });
  }
  if (props.topic && props.removalPolicy !== undefined) {
    throw new KmiValidationError({
      path,
      prop: 'removalPolicy',
      given: `${props.removalPolicy} with a topic given`,
      allowed: 'removalPolicy only when this construct creates the topic and its key',
      fix: 'Leave removalPolicy out; the given topic and its key are managed where they are defined.',
    });
  }
}
