/**
 * The JSON report, for other tools. Its shape is versioned by `schemaVersion`: fields are only ever
 * added within a version; a removal or a change of meaning makes a new version.
 *
 * ```
 * {
 *   "schemaVersion": 2,
 *   "source": "cdk.out",
 *   "summary": { "resources": 3, "notAssessed": 2, "stacks": 1, "findings": { "high": 0, "medium": 1, "low": 1, "info": 0 } },
 *   "resources": [
 *     { "stack", "path", "logicalId", "type", "encrypted", "encryption", "option", "keyManagement",
 *       "key", "rotation", "uploadRule", "tls", "conditional": [ "parameter Env" ],
 *       "findings": [ { "severity", "id", "message" } ] }
 *   ],
 *   "notAssessed": [ { "type", "count", "reason", "resources": [ { "stack", "logicalId" } ] } ]
 * }
 * ```
 */
import { asReport, countFindings, groupNotAssessed, ReportInput, SEVERITIES_DESCENDING } from './summary';

/**
 * The version of the JSON report's shape. Version 2: findings on AWS owned keys have their own id
 * (`aws-owned-key`, before `aws-managed-key`); `summary.notAssessed`, `notAssessed` and each
 * resource's `conditional` added.
 */
export const JSON_SCHEMA_VERSION = 2;

/** What the JSON report says it was read from. */
export interface JsonOptions {
  /** What was read (cloud assembly directory, template files, folders), as given. */
  readonly source?: string;
}

/** The posture as a JSON document (two-space indent, newline at the end), the same for the same input. */
export function renderJson(input: ReportInput, options: JsonOptions = {}): string {
  const report = asReport(input);
  const rows = report.resources;
  const counts = countFindings(rows);
  const document = {
    schemaVersion: JSON_SCHEMA_VERSION,
    source: options.source ?? null,
    summary: {
      resources: rows.length,
      notAssessed: report.notAssessed.length,
      stacks: report.stacks.length,
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
      conditional: r.conditional ?? [],
      findings: r.findings.map((f) => ({ severity: f.severity, id: f.id, message: f.message })),
    })),
    notAssessed: groupNotAssessed(report).map((g) => ({ type: g.type, count: g.resources.length, reason: g.reason, resources: g.resources })),
  };
  return `${JSON.stringify(document, undefined, 2)}\n`;
}
