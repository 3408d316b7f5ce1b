/**
 * What the renderers share: how an option and a type are shown, counts of findings, and the
 * resources not assessed grouped by type.
 */
import { Severity, SEVERITIES, severityRank } from '../findings';
import type { PostureReport, ResourcePosture } from '../rows';

/** A report, or only its rows (nothing not assessed, the stacks those of the rows). */
export type ReportInput = PostureReport | readonly ResourcePosture[];

/** The report of a report or of rows. */
export function asReport(input: ReportInput): PostureReport {
  if (isRows(input)) {
    return { sources: [], stacks: [...new Set(input.map((r) => r.stack))], resources: [...input], notAssessed: [] };
  }
  return input;
}

function isRows(input: ReportInput): input is readonly ResourcePosture[] {
  return Array.isArray(input);
}

/** `3 (AWS KMS, customer managed key)`, `none`, `unknown (external reference)`. */
export function displayOption(row: ResourcePosture): string {
  return row.option === null ? row.keyManagement : `${row.option} (${row.keyManagement})`;
}

/** The encryption column: `(conditional)` added when the row depends on undecided conditions. */
export function displayEncryption(row: ResourcePosture): string {
  return (row.conditional ?? []).length > 0 ? `${row.encryption} (conditional)` : row.encryption;
}

/** The resource type without the `AWS::` prefix: `S3::Bucket`, `Custom::KmiCustomKeyStore`. */
export function displayType(type: string): string {
  return type.replace(/^AWS::/, '');
}

/** The number of findings of each severity, every severity present (0 when none). */
export function countFindings(rows: readonly ResourcePosture[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of rows.flatMap((r) => r.findings)) {
    counts[f.severity] += 1;
  }
  return counts;
}

/** The number of findings at or above a severity. */
export function countAtOrAbove(rows: readonly ResourcePosture[], severity: Severity): number {
  return rows.flatMap((r) => r.findings).filter((f) => severityRank(f.severity) >= severityRank(severity)).length;
}

/** The severities from the most to the least. */
export const SEVERITIES_DESCENDING: readonly Severity[] = [...SEVERITIES].reverse();

/** `3 resources assessed in 1 stack, 2 not assessed`. */
export function describeScope(report: PostureReport): string {
  const stacks = report.stacks.length;
  const n = report.resources.length;
  return `${n} resource${n === 1 ? '' : 's'} assessed in ${stacks} stack${stacks === 1 ? '' : 's'}, ${report.notAssessed.length} not assessed`;
}

/** `1 high, 0 medium, 2 low, 0 info`. */
export function describeCounts(counts: Record<Severity, number>): string {
  return SEVERITIES_DESCENDING.map((s) => `${counts[s]} ${s}`).join(', ');
}

/** The resources not assessed, by type and reason, most numerous first. */
export interface NotAssessedGroup {
  readonly type: string;
  readonly reason: string;
  readonly resources: Array<{ stack: string; logicalId: string }>;
}

/** The resources not assessed grouped by type and reason, most numerous first, then by type. */
export function groupNotAssessed(report: PostureReport): NotAssessedGroup[] {
  const groups = new Map<string, NotAssessedGroup>();
  for (const item of report.notAssessed) {
    const key = `${item.type}\u0000${item.reason}`;
    const group = groups.get(key) ?? { type: item.type, reason: item.reason, resources: [] };
    group.resources.push({ stack: item.stack, logicalId: item.logicalId });
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.resources.length - a.resources.length || a.type.localeCompare(b.type) || a.reason.localeCompare(b.reason));
}
