import { coversAction, isConditional, Statement, statementsOf, wildcardMatches } from './policy';
import { ResolvedResource, TemplateView } from './resources';
import { flatten, isObject, listOf } from './values';
import { DENY_TO_ADMINS, DENY_TO_USERS } from '../../private/kms-actions';

/** The actions on a KMS key (resource type `key` in the service authorization reference). */
const KEY_ACTIONS = [
  'CancelKeyDeletion', 'CreateAlias', 'CreateGrant', 'Decrypt', 'DeleteAlias', 'DeleteImportedKeyMaterial',
  'DeriveSharedSecret', 'DescribeKey', 'DisableKey', 'DisableKeyRotation', 'EnableKey', 'EnableKeyRotation',
  'Encrypt', 'GenerateDataKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'GetKeyPolicy', 'GetKeyRotationStatus',
  'GetParametersForImport', 'GetPublicKey', 'ImportKeyMaterial', 'ListGrants', 'ListKeyPolicies',
  'ListKeyRotations', 'ListResourceTags', 'PutKeyPolicy', 'ReEncryptFrom', 'ReEncryptTo', 'ReplicateKey',
  'RetireGrant', 'RevokeGrant', 'RotateKeyOnDemand', 'ScheduleKeyDeletion', 'Sign', 'SynchronizeMultiRegionKey',
  'TagResource', 'UntagResource', 'UpdateAlias', 'UpdateKeyDescription', 'UpdatePrimaryRegion', 'Verify', 'VerifyMac',
].map((action) => `kms:${action}`);

/**
 * Key management: every action that changes the key, its policy, its state, its aliases, its tags or
 * its material (what `KmsKeyWithRotation` denies its users).
 */
export const KEY_MANAGEMENT = KEY_ACTIONS.filter((action) => DENY_TO_USERS.some((pattern) => wildcardMatches(pattern, action)));

/**
 * Key use: every cryptographic operation, and `kms:CreateGrant`, which delegates them (what
 * `KmsKeyWithRotation` denies its administrators).
 */
export const KEY_USE = KEY_ACTIONS.filter((action) => DENY_TO_ADMINS.some((pattern) => wildcardMatches(pattern, action)));

/** A partition in an ARN: a name, or the `AWS::Partition` pseudo parameter (which contains colons). */
const PARTITION = '(?:\\$\\{AWS::Partition\\}|[a-z-]+)';

/** What one principal may do with a key, by the policies the stack holds. */
export interface PrincipalKeyAccess {
  /** The principal: an ARN, `${LogicalId}` of a role or user of the stack, `role/<name>`, `service:<name>` or `*`. */
  readonly principal: string;
  readonly management: string[];
  readonly use: string[];
}

/**
 * What each principal may do with the key, read from its key policy and from the IAM policies of the
 * same stack that apply to it (`Resource` the key's ARN, a wildcard that matches it, or `*`).
 *
 * - Allow statements count with or without conditions (a condition narrows when, not whether).
 * - A Deny cancels only when unconditional; a Deny to everyone (`*`) cancels for each principal.
 * - What everyone (`*`) is allowed is judged as one more principal, not added to each.
 * - The key policy statement that allows the key's own account root delegates to IAM and names no one;
 *   it is not counted. IAM policies outside the stack are not seen.
 */
export function keyAccess(view: TemplateView, key: ResolvedResource): PrincipalKeyAccess[] {
  const grants = new Map<string, Statement[]>();
  const add = (principal: string, statement: Statement) => grants.set(principal, [...(grants.get(principal) ?? []), statement]);

  for (const statement of statementsOf(key.properties.KeyPolicy, `KeyPolicy of ${key.logicalId}`)) {
    for (const principal of principalsOf(statement, view.accounts)) {
      add(principal, statement);
    }
  }

  const keyArns = ['aws', '${AWS::Partition}'].flatMap((partition) => view.regions.flatMap((region) =>
    view.accounts.map((account) => `arn:${partition}:kms:${region}:${account}:key/\${${key.logicalId}}`)));
  const appliesToKey = (statement: Statement) => {
    const coversKey = (resource: unknown) => {
      const pattern = flatten(resource);
      return pattern === `\${${key.logicalId}.Arn}` || keyArns.some((arn) => wildcardMatches(pattern, arn));
    };
    return statement.resources ? statement.resources.some(coversKey) : !statement.notResources!.some(coversKey);
  };
  for (const { identities, statements } of identityPolicies(view)) {
    for (const statement of statements.filter(appliesToKey)) {
      identities.forEach((identity) => add(identity, statement));
    }
  }

  // What everyone is allowed is judged on its own (a key like aws/ebs lets every principal of the
  // account use it through EC2); what everyone is denied is denied to each principal too.
  const everyoneDenied = (grants.get('*') ?? []).filter((statement) => statement.effect === 'Deny');
  return [...grants.keys()].map((principal) => {
    const statements = [...(grants.get(principal) ?? []), ...(principal === '*' ? [] : everyoneDenied)];
    const allowed = (action: string) =>
      statements.some((s) => s.effect === 'Allow' && coversAction(s, action))
      && !statements.some((s) => s.effect === 'Deny' && !isConditional(s) && coversAction(s, action));
    return { principal, management: KEY_MANAGEMENT.filter(allowed), use: KEY_USE.filter(allowed) };
  });
}

/**
 * The principals a key policy statement names, normalized so that the same role reads alike in key
 * policies and IAM policies. The key's own account root is left out: it delegates to IAM.
 */
function principalsOf(statement: Statement, accounts: readonly string[]): string[] {
  if (statement.notPrincipal !== undefined) {
    // Allow with NotPrincipal allows nearly everyone; a Deny with NotPrincipal is not relied on.
    return statement.effect === 'Allow' ? ['*'] : [];
  }
  const principal = statement.principal;
  if (principal === '*') {
    return ['*'];
  }
  if (!isObject(principal)) {
    return [];
  }
  const ownRoots = accounts.map((account) => new RegExp(`^(arn:${PARTITION}:iam::)?${account.replace(/[${}]/g, '\\$&')}(:root)?$`));
  return [
    ...listOf(principal.AWS).map((value) => normalizeArn(value, accounts)).filter((id) => !ownRoots.some((root) => root.test(id))),
    ...listOf(principal.Service).map((value) => `service:${flatten(value)}`),
    ...listOf(principal.Federated).map((value) => `federated:${flatten(value)}`),
  ];
}

/**
 * `${Role.Arn}` as `${Role}` (how IAM policies attach to it), an ARN of a role or user of the same
 * account as `role/<name>` or `user/<name>` (how IAM policies name it literally), a value that cannot
 * be rendered as its JSON.
 */
function normalizeArn(value: unknown, accounts: readonly string[]): string {
  const text = flatten(value);
  if (text.includes('${?}')) {
    return JSON.stringify(value);
  }
  const getAtt = /^\$\{([^.}]+)\.Arn\}$/.exec(text);
  if (getAtt) {
    return `\${${getAtt[1]}}`;
  }
  const arn = new RegExp(`^arn:${PARTITION}:iam::([^:]+):(role|user)/(?:.*/)?([^/]+)$`).exec(text);
  if (arn && accounts.includes(arn[1])) {
    return `${arn[2]}/${arn[3]}`;
  }
  return text;
}

/** The IAM identity policies of the stack, each with the identities it is attached to. */
function identityPolicies(view: TemplateView): Array<{ identities: string[]; statements: Statement[] }> {
  const attachedTo = (properties: Record<string, any>) => [
    ...listOf(properties.Roles).map((role) => identityName('role', role)),
    ...listOf(properties.Users).map((user) => identityName('user', user)),
    ...listOf(properties.Groups).map((group) => identityName('group', group)),
  ];
  const result: Array<{ identities: string[]; statements: Statement[] }> = [];
  const managed = new Map<string, Statement[]>();
  for (const policy of view.resourcesOfType('AWS::IAM::ManagedPolicy')) {
    const statements = statementsOf(policy.properties.PolicyDocument, `PolicyDocument of ${policy.logicalId}`);
    managed.set(`\${${policy.logicalId}}`, statements);
    result.push({ identities: attachedTo(policy.properties), statements });
  }
  for (const policy of view.resourcesOfType('AWS::IAM::Policy')) {
    result.push({ identities: attachedTo(policy.properties), statements: statementsOf(policy.properties.PolicyDocument, `PolicyDocument of ${policy.logicalId}`) });
  }
  for (const type of ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']) {
    for (const identity of view.resourcesOfType(type)) {
      const identities = [`\${${identity.logicalId}}`];
      for (const inline of listOf(identity.properties.Policies)) {
        result.push({ identities, statements: statementsOf(isObject(inline) ? inline.PolicyDocument : undefined, `Policies of ${identity.logicalId}`) });
      }
      for (const arn of listOf(identity.properties.ManagedPolicyArns)) {
        const statements = managed.get(flatten(arn));
        if (statements) {
          result.push({ identities, statements });
        }
      }
    }
  }
  return result;
}

/** A role, user or group as an IAM policy attaches it: `${LogicalId}` for a reference, `<kind>/<name>` for a name. */
function identityName(kind: string, value: unknown): string {
  const text = flatten(value);
  return text.startsWith('${') ? text : `${kind}/${text}`;
}
