import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';

/** Where tests leave every template they synthesize, for the cfn-lint tier (`npx projen cfn-lint`). */
export const TEMPLATES_DIR = join(__dirname, '..', '..', 'test-reports', 'templates');

/** A stack in a fixed environment, so account and region render as literals. */
export function newStack(id = 'TestStack'): Stack {
  const app = new App();
  return new Stack(app, id, { env: { account: ACCOUNT, region: REGION } });
}

/** Synthesizes the stack, keeps its template for cfn-lint, and returns it for assertions. */
export function synth(stack: Stack): Template {
  const template = Template.fromStack(stack);
  const json = JSON.stringify(template.toJSON(), undefined, 1);
  const name = createHash('sha256').update(json).digest('hex').slice(0, 16);
  mkdirSync(TEMPLATES_DIR, { recursive: true });
  writeFileSync(join(TEMPLATES_DIR, `${name}.template.json`), json);
  return template;
}

/** The template with asset hashes replaced by a placeholder, for snapshots that survive asset changes. */
export function snapshotOf(template: Template): unknown {
  const json = JSON.stringify(template.toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}\.(zip|json)/g, 'ASSET.$1'));
}
