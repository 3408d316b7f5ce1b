import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { analyzeAssembly, ResourcePosture } from '../../../src/audit/posture';
import { ACCOUNT, REGION } from '../../util/app';

const made: string[] = [];

/** A new empty directory under the system's temporary directory, removed by `removeTemporaryDirectories`. */
export function temporaryDirectory(prefix = 'kmi-posture-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory `temporaryDirectory` made (call it in `afterAll`). */
export function removeTemporaryDirectories(): void {
  for (const dir of made.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An app that synthesizes into a temporary directory, with construct paths in the templates, as `cdk synth` writes them. */
export function newApp(): App {
  return new App({ outdir: temporaryDirectory(), context: { 'aws:cdk:enable-path-metadata': true } });
}

/** Builds one stack (`TestStack`, fixed account and Region), synthesizes the app and reads its cloud assembly back. */
export function postureOfApp(build: (stack: Stack) => void): ResourcePosture[] {
  const app = newApp();
  build(new Stack(app, 'TestStack', { env: { account: ACCOUNT, region: REGION } }));
  return analyzeAssembly(app.synth().directory);
}

/** The one row whose construct path is `TestStack/<path>` and whose type is `type`. */
export function rowAt(rows: ResourcePosture[], type: string, path: string): ResourcePosture {
  const found = rows.filter((r) => r.type === type && r.path === `TestStack/${path}`);
  if (found.length !== 1) {
    throw new Error(`${found.length} rows of ${type} at TestStack/${path}; rows: ${rows.map((r) => `${r.type} ${r.path}`).join(', ')}`);
  }
  return found[0];
}

/** The finding ids of a row, with their severities: `high not-encrypted`. */
export function findingsOf(row: ResourcePosture): string[] {
  return row.findings.map((f) => `${f.severity} ${f.id}`);
}

/** Writes files (name → text) into a new directory; returns it. */
export function files(contents: Record<string, string>): string {
  const dir = temporaryDirectory('kmi-templates-');
  for (const [name, text] of Object.entries(contents)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

