import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT } from './app';

/** One request to evaluate against a principal's identity policies and a resource policy. */
export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly identityPolicies?: Array<{ name: string; policy: any }>;
  readonly resourcePolicy?: any;
  /**
   * Service control policies attached to the account (one level of the organization, with AWS's
   * default `FullAWSAccess` beside them, as Organizations attaches it).
   */
  readonly serviceControlPolicies?: any[];
  /** Resource control policies attached to the resource's account (`RCPFullAWSAccess` is added by the simulator). */
  readonly resourceControlPolicies?: any[];
}

/** The SCP AWS Organizations attaches to every root, OU and account by default. */
const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function orgLevel(policies: any[] | undefined, defaults: any[]) {
  if (policies === undefined) {
    return [];
  }
  const named = [...defaults, ...policies].map((policy, i) => ({ name: `policy${i}`, policy: standInKeys(policy) }));
  return [{ orgIdentifier: ACCOUNT, policies: named }];
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/**
 * Evaluates a request as IAM would (identity policies, resource policy, explicit denies), with
 * @cloud-copilot/iam-simulate. Requests are made over TLS 1.2 unless the context says otherwise.
 */
export async function evaluate(request: Request): Promise<Decision> {
  const result = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: standInKeys({
        'aws:SecureTransport': 'true',
        ...(request.action.startsWith('s3:') ? { 's3:TlsVersion': '1.2' } : {}),
        ...request.context,
      }),
    },
    identityPolicies: standInKeys(request.identityPolicies ?? []),
    serviceControlPolicies: orgLevel(request.serviceControlPolicies, [FULL_AWS_ACCESS]),
    resourceControlPolicies: orgLevel(request.resourceControlPolicies, []),
    resourcePolicy: standInKeys(request.resourcePolicy),
  }, { simulationMode: 'Strict' });
  if (result.resultType === 'error') {
    throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}

/**
 * iam-simulate recognizes a variable condition key only when its variable part follows a `/`
 * (`aws:PrincipalTag/<key>`): it drops `kms:EncryptionContext:<key>` from the request context, so a
 * policy condition on it could never match. The same key is therefore renamed, in the policies and in
 * the request alike, to a stand-in the simulator keeps (`aws:PrincipalTag/kms-ec-<key>`), a single-
 * valued string key compared by the same operators: the evaluation is unchanged otherwise. No policy
 * of the library conditions on principal tags, so the stand-in cannot collide.
 */
function standInKeys<T>(value: T): T {
  if (value === undefined) {
    return value;
  }
  return JSON.parse(JSON.stringify(value).replace(/kms:EncryptionContext:/gi, 'aws:PrincipalTag/kms-ec-'));
}

/** An identity policy that allows everything: what an administrator's role typically has. */
export const ALLOW_ALL = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};
