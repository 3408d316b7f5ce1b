import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KmiValidationError } from '../private/errors';
import { DENY_TO_ADMINS, DENY_TO_USERS } from '../private/kms-actions';

/**
 * Keeps a key's administrators and users apart, in the key policy:
 * - a principal is refused as an admin if it is a user, and the other way round;
 * - admins are denied cryptographic use, users are denied management.
 *
 * The denies name specific identities only (roles, users, sessions). A principal that stands for a
 * whole account (`arn:...:root`, an account ID) or a service is never named in a Deny: denying the
 * account root would deny every identity of the account, which could lock the account out of its own
 * key. Admin actions are never denied to admins, so the key can always be managed.
 */
export class SeparationOfDuties {
  private readonly admins: Duty = { prop: 'admins', members: new Set(), sid: 'DenyCryptographicUseToKeyAdministrators', denied: DENY_TO_ADMINS };
  private readonly users: Duty = { prop: 'users', members: new Set(), sid: 'DenyKeyManagementToKeyUsers', denied: DENY_TO_USERS };

  constructor(private readonly key: kms.IKey) {}

  /** Records a key administrator and denies it cryptographic use. */
  public addAdmin(principal: iam.IPrincipal): void {
    this.add(principal, this.admins, this.users);
  }

  /** Records a key user and denies it key management. */
  public addUser(principal: iam.IPrincipal): void {
    this.add(principal, this.users, this.admins);
  }

  private add(principal: iam.IPrincipal, duty: Duty, other: Duty): void {
    const id = JSON.stringify(Stack.of(this.key).resolve(principal.policyFragment.principalJson));
    if (other.members.has(id)) {
      throw new KmiValidationError({
        path: this.key.node.path,
        prop: duty.prop,
        given: `${describePrincipal(principal, id)}, which is also one of the key's ${other.prop}`,
        allowed: `principals that are not ${other.prop}`,
        fix: 'Separation of duties: a principal either administers the key or uses it. Give each duty its own role.',
      });
    }
    if (duty.members.has(id)) {
      return;
    }
    duty.members.add(id);
    if (!isSpecificIdentity(this.key, principal)) {
      return;
    }
    if (!duty.deny) {
      duty.deny = new iam.PolicyStatement({ sid: duty.sid, effect: iam.Effect.DENY, actions: duty.denied, resources: ['*'] });
      this.key.addToResourcePolicy(duty.deny);
    }
    duty.deny.addPrincipals(principal);
  }
}

/** One side of the separation: its members (by resolved principal) and the Deny that binds them. */
interface Duty {
  readonly prop: string;
  readonly members: Set<string>;
  readonly sid: string;
  readonly denied: string[];
  deny?: iam.PolicyStatement;
}

/**
 * True for a principal that names one identity (a role, a user, an assumed-role session) and so can
 * be named in a Deny without affecting anyone else.
 */
function isSpecificIdentity(key: kms.IKey, principal: iam.IPrincipal): boolean {
  const json = Stack.of(key).resolve(principal.policyFragment.principalJson) as Record<string, unknown>;
  const keys = Object.keys(json);
  if (keys.length !== 1 || keys[0] !== 'AWS') {
    return false;
  }
  const values = ([] as unknown[]).concat(json.AWS);
  return values.every((value) => {
    const text = JSON.stringify(value);
    return !/:root\b/.test(text) && !/^"\d{12}"$/.test(text) && text !== '{"Ref":"AWS::AccountId"}' && text !== '"*"';
  });
}

/**
 * A principal as a user reads it: a construct by its path, others by their own description
 * (`AccountRootPrincipal()`, `ArnPrincipal(arn:…)`), and only when that holds a token, the
 * principal JSON as it resolves.
 */
function describePrincipal(principal: iam.IPrincipal, resolvedJson: string): string {
  if (Construct.isConstruct(principal)) {
    return principal.node.path;
  }
  const text = principal.toString();
  return Token.isUnresolved(text) ? resolvedJson : text;
}
