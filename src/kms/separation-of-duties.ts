import { Stack } from 'aws-cdk-lib';
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
  private readonly admins = new Map<string, iam.IPrincipal>();
  private readonly users = new Map<string, iam.IPrincipal>();
  private denyAdmins?: iam.PolicyStatement;
  private denyUsers?: iam.PolicyStatement;

  constructor(private readonly key: kms.Key) {}

  public addAdmin(principal: iam.IPrincipal): void {
    const id = this.identify(principal);
    this.refuseOverlap(principal, id, this.users, 'admins', 'users');
    if (this.admins.has(id)) {
      return;
    }
    this.admins.set(id, principal);
    if (isSpecificIdentity(this.key, principal)) {
      if (!this.denyAdmins) {
        this.denyAdmins = new iam.PolicyStatement({
          sid: 'DenyCryptographicUseToKeyAdministrators',
          effect: iam.Effect.DENY,
          actions: DENY_TO_ADMINS,
          resources: ['*'],
        });
        this.key.addToResourcePolicy(this.denyAdmins);
      }
      this.denyAdmins.addPrincipals(principal);
    }
  }

  public addUser(principal: iam.IPrincipal): void {
    const id = this.identify(principal);
    this.refuseOverlap(principal, id, this.admins, 'users', 'admins');
    if (this.users.has(id)) {
      return;
    }
    this.users.set(id, principal);
    if (isSpecificIdentity(this.key, principal)) {
      if (!this.denyUsers) {
        this.denyUsers = new iam.PolicyStatement({
          sid: 'DenyKeyManagementToKeyUsers',
          effect: iam.Effect.DENY,
          actions: DENY_TO_USERS,
          resources: ['*'],
        });
        this.key.addToResourcePolicy(this.denyUsers);
      }
      this.denyUsers.addPrincipals(principal);
    }
  }

  private identify(principal: iam.IPrincipal): string {
    return JSON.stringify(Stack.of(this.key).resolve(principal.policyFragment.principalJson));
  }

  private refuseOverlap(principal: iam.IPrincipal, id: string, other: Map<string, iam.IPrincipal>, prop: string, otherProp: string): void {
    if (other.has(id)) {
      throw new KmiValidationError({
        path: this.key.node.path,
        prop,
        given: `${Construct.isConstruct(principal) ? principal.node.path : id}, which is also one of the key's ${otherProp}`,
        allowed: `principals that are not ${otherProp}`,
        fix: 'Separation of duties: a principal either administers the key or uses it. Give each duty its own role.',
      });
    }
  }
}

/**
 * True for a principal that names one identity (a role, a user, an assumed-role session) and so can
 * be named in a Deny without affecting anyone else.
 */
function isSpecificIdentity(key: kms.Key, principal: iam.IPrincipal): boolean {
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
