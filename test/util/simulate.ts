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
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/**
 * Evaluates a request as IAM would (identity policies, resource policy, explicit denies), with
 * @cloud-copilot/iam-simulate. Requests are made over TLS 1.2 unless the context says otherwise.
 */
export async function evaluate(request: Request): Promise<Decision> {
  request = withEncryptionContextAsTags(request);
  const result = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: {
        'aws:SecureTransport': 'true',
        ...(request.action.startsWith('s3:') ? { 's3:TlsVersion': '1.2' } : {}),
        ...request.context,
      },
    },
    identityPolicies: request.identityPolicies ?? [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  }, { simulationMode: 'Strict' });
  if (result.resultType === 'error') {
    throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
}

/** An identity policy that allows everything: what an administrator's role typically has. */
export const ALLOW_ALL = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/**
 * `kms:EncryptionContext:<name>` is a condition key whose variable part follows a colon; the simulator
 * recognises variable keys only after a slash (`aws:PrincipalTag/<name>`) and drops the others from the
 * request, so a condition on them could never match. This rewrites each `kms:EncryptionContext:<name>`
 * (in the request context and in every policy) to `aws:PrincipalTag/kmsEncryptionContext-<name>`: a key
 * the simulator evaluates for every action, with the same string semantics, one name for one name.
 */
function withEncryptionContextAsTags(request: Request): Request {
  const rename = (key: string) => key.replace(/^kms:EncryptionContext:(?!aws:)(.+)$/i, 'aws:PrincipalTag/kmsEncryptionContext-$1');
  const rewrite = (value: any): any => {
    if (Array.isArray(value)) {
      return value.map(rewrite);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), rewrite(v)]));
  };
  return {
    ...request,
    context: request.context ? Object.fromEntries(Object.entries(request.context).map(([k, v]) => [rename(k), v])) : undefined,
    identityPolicies: request.identityPolicies?.map((p) => ({ name: p.name, policy: rewrite(p.policy) })),
    resourcePolicy: rewrite(request.resourcePolicy),
  };
}
