import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { ALIAS_ACTIONS } from '../private/kms-actions';

/**
 * The alias side of alias management, for a key administrator.
 *
 * KMS authorizes `CreateAlias`, `UpdateAlias` and `DeleteAlias` twice: against the key (the key
 * policy, where the admin's key-side permissions are) and against the alias resource, which has no
 * policy of its own and so is allowed only by an IAM policy of the caller. The statement is added to
 * the admin's identity policy where the admin is an IAM principal of the app (a role, a user, a
 * group); a principal without an identity policy here (an account, an ARN) keeps what its own IAM
 * policies allow. It names the key's alias when the key has one, and the account's aliases
 * (`alias/*`) otherwise: what an admin can do to an alias stays bound by the key side, which only
 * the keys whose policies name the admin give (for `UpdateAlias`, both the alias's current and its
 * new key).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 */
export function grantAliasManagement(key: IConstruct, grantee: iam.IGrantable, aliasName?: string): iam.Grant {
  const stack = Stack.of(key);
  const named = aliasName !== undefined && !Token.isUnresolved(aliasName);
  const aliasArn = named ? stack.formatArn({ service: 'kms', resource: aliasName }) : literalAliasWildcard(stack);
  const grant = iam.Grant.addToPrincipal({ grantee, actions: ALIAS_ACTIONS, resourceArns: [aliasArn] });
  const principal = grantee.grantPrincipal;
  const policy = Construct.isConstruct(principal) ? principal.node.tryFindChild('DefaultPolicy') : undefined;
  if (!named && grant.principalStatement && policy) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${aliasArn}]`,
      reason: `Administrators of ${key.node.path} manage its aliases, whose names are not known at synth: KMS also authorizes alias `
        + 'operations against the key, and only keys whose policies name this admin allow them.',
    });
  }
  return grant;
}

/**
 * `arn:<partition>:kms:<region>:<account>:alias/*` with literal values where the stack knows them (an
 * acknowledgement id cannot hold the `::` of a token), `*` where it does not.
 */
function literalAliasWildcard(stack: Stack): string {
  const regionKnown = !Token.isUnresolved(stack.region);
  const partition = regionKnown ? RegionInfo.get(stack.region).partition ?? '*' : '*';
  const region = regionKnown ? stack.region : '*';
  const account = Token.isUnresolved(stack.account) ? '*' : stack.account;
  return `arn:${partition}:kms:${region}:${account}:alias/*`;
}
