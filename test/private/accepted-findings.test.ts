import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { ACCEPTED_FINDINGS, AcceptedFinding, AcceptedFindingKey, cdkNagIds, REASON_POINTER } from '../../src/private/accepted-findings';
import { ACCOUNT, REGION } from '../util/app';
import { CONSTRUCTS } from '../util/default-constructs';

/** The README row of an accepted finding. */
function row(key: string, finding: AcceptedFinding): string {
  const ids = (list: string[]) => list.length ? list.map((id) => `\`${id}\``).join(', ') : '—';
  return `| \`${key}\` | ${finding.resources} | ${finding.reason} | ${ids(cdkNagIds(finding))} | ${ids(finding.guard)} | ${ids(finding.cfnNag)} | ${ids(finding.checkov)} |`;
}

/** Accepted finding keys by logical id, read from each scanner's metadata of a synthesized template. */
function keysByScanner(template: any): Array<{ logicalId: string; guard: string[]; cfnNag: string[]; checkov: string[] }> {
  const keyOf = (text: string) => text.split(':')[0];
  return Object.entries<any>(template.Resources ?? {})
    .filter(([, r]) => r.Metadata?.guard || r.Metadata?.cfn_nag || r.Metadata?.checkov)
    .map(([logicalId, r]) => ({
      logicalId,
      guard: r.Metadata?.guard?.SuppressedRules ?? [],
      cfnNag: (r.Metadata?.cfn_nag?.rules_to_suppress ?? []).map((e: any) => `${keyOf(e.reason)} ${e.id}`),
      checkov: (r.Metadata?.checkov?.skip ?? []).map((e: any) => `${keyOf(e.comment)} ${e.id}`),
    }));
}

const templates: Record<string, any> = {};
beforeAll(() => {
  for (const [name, build] of Object.entries(CONSTRUCTS)) {
    const app = new App();
    const stack = new Stack(app, name, { env: { account: ACCOUNT, region: REGION } });
    build(stack);
    templates[name] = app.synth().getStackByName(name).template;
  }
});

test('the README table lists exactly the accepted findings, with their reasons and ids', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const table = /<!-- accepted-findings:start -->\n([\s\S]*?)<!-- accepted-findings:end -->/.exec(readme)![1].trim().split('\n').slice(2);
  expect(table).toEqual(Object.entries(ACCEPTED_FINDINGS).map(([key, finding]) => row(key, finding)));
});

test.each([
  ['AccessLogsBucket', ['access-logs-no-self-logging', 'access-logs-sse-s3']],
  ['RedshiftEncryptedCluster', ['redshift-audit-logs-sse-s3', 'access-logs-no-self-logging', 'access-logs-sse-s3']],
  ['KmsKeyWithImportedMaterial', ['imported-material-on-demand-rotation', 'handler-outside-vpc']],
  ['CustomKeyStoreKey', ['handler-outside-vpc']],
  ['EbsEncryptionByDefault', ['handler-outside-vpc']],
] as Array<[string, AcceptedFindingKey[]]>)('%s carries %j for cfn-guard, cfn_nag and checkov alike, on the same resource', (construct, keys) => {
  const resources = keysByScanner(templates[construct]);
  const found = new Set<string>();
  for (const resource of resources) {
    // Every key that one scanner's metadata names on a resource, the others name there too, with all its ids.
    const named = new Set([...resource.cfnNag, ...resource.checkov].map((entry) => entry.split(' ')[0]));
    for (const key of named) {
      const finding: AcceptedFinding = ACCEPTED_FINDINGS[key as AcceptedFindingKey];
      expect(finding).toBeDefined();
      expect(resource.guard).toEqual(expect.arrayContaining(finding.guard));
      expect(resource.cfnNag).toEqual(expect.arrayContaining(finding.cfnNag.map((id) => `${key} ${id}`)));
      expect(resource.checkov).toEqual(expect.arrayContaining(finding.checkov.map((id) => `${key} ${id}`)));
      found.add(key);
    }
  }
  expect([...found].sort()).toEqual([...keys].sort());
});

test('cfn_nag and checkov entries name the finding\'s key and point to its reason; the reason text is not repeated in the template', () => {
  const resources = Object.values<any>(templates.AccessLogsBucket.Resources).filter((r) => r.Metadata?.cfn_nag);
  expect(resources).toHaveLength(1);
  const text = JSON.stringify(resources[0].Metadata);
  const reason = ACCEPTED_FINDINGS['access-logs-no-self-logging'].reason;
  expect(text).not.toContain(reason);
  expect(resources[0].Metadata.cfn_nag.rules_to_suppress).toEqual([{ id: 'W35', reason: `access-logs-no-self-logging: ${REASON_POINTER}` }]);
  expect(resources[0].Metadata.checkov.skip).toEqual([
    { id: 'CKV_AWS_18', comment: `access-logs-no-self-logging: ${REASON_POINTER}` },
    { id: 'CKV_AWS_145', comment: `access-logs-sse-s3: ${REASON_POINTER}` },
  ]);
  expect(resources[0].Metadata.guard.SuppressedRules).toEqual(['s3_bucket_logging_enabled_check', 's3_bucket_default_encryption_kms_check']);
});

test('every finding names a cdk-nag rule and at least one other scanner\'s id, and reasons are at least 80 characters', () => {
  for (const finding of Object.values<AcceptedFinding>(ACCEPTED_FINDINGS)) {
    expect(finding.reason.length).toBeGreaterThanOrEqual(80);
    expect(finding.guard.length + finding.cfnNag.length + finding.checkov.length).toBeGreaterThan(0);
  }
});
