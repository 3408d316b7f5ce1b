/**
 * The JSON report, for other tools. Its shape is versioned by `schemaVersion`: fields are only ever
 * added within a version; a removal or a change of meaning makes a new version.
 *
 * ```
 * {
 *   "schemaVersion": 1,
 *   "source": "cdk.out",
 *   "summary": { "resources": 3, "stacks": 1, "findings": { "high": 0, "medium": 1, "low": 1, "info": 0 } },
 *   "resources": [
 *     { "stack", "path", "logicalId", "type", "encrypted", "encryption", "option", "keyManagement",
 *       "key", "rotation", "uploadRule", "tls", "findings": [ { "severity", "id", "message" } ] }
 *   ]
 * }
 * ```
 */
import type { ResourcePosture } from '../rows';
import { countFindings, SEVERITIES_DESCENDING } from './summary';

/** The version of the JSON report's shape. */
export const JSON_SCHEMA_VERSION = 1;

/** What the JSON report says it was read from. */
export interface JsonOptions {
  /** The cloud assembly directory, as given. */
  readonly source?: string;
}

/** The posture as a JSON document (two-space indent, newline at the end), the same for the same input. */
export function renderJson(rows: readonly ResourcePosture[], options: JsonOptions = {}): string {
  const counts = countFindings(rows);
  const report = {
    schemaVersion: JSON_SCHEMA_VERSION,
    source: options.source ?? null,
    summary: {
      resources: rows.length,
      stacks: new Set(rows.map((r) => r.stack)).size,
      findings: Object.fromEntries(SEVERITIES_DESCENDING.map((s) => [s, counts[s]])),
    },
    resources: rows.map((r) => ({
      stack: r.stack,
      path: r.path,
      logicalId: r.logicalId,
      type: r.type,
      encrypted: r.encrypted,
      encryption: r.encryption,
      option: r.option,
      keyManagement: r.keyManagement,
      key: r.key,
      rotation: r.rotation,
      uploadRule: r.uploadRule,
      tls: r.tls,
      findings: r.findings.map((f) => ({ severity: f.severity, id: f.id, message: f.message })),
    })),
  };
  return `${JSON.stringify(report, undefined, 2)}\n`;
}
