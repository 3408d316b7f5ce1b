/**
 * What the renderers share: how an option and a type are shown, and counts of findings.
 */
import type { Severity } from '../findings';
import { SEVERITIES, severityRank } from '../findings';
import type { ResourcePosture } from '../rows';

/** `3 (AWS KMS, customer managed key)`, `none`, `unknown (external reference)`. */
export function displayOption(row: ResourcePosture): string {
  return row.option === null ? row.keyManagement : `${row.option} (${row.keyManagement})`;
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

/** `3 resources in 1 stack`. */
export function describeScope(rows: readonly ResourcePosture[]): string {
  const stacks = new Set(rows.map((r) => r.stack)).size;
  return `${rows.length} resource${rows.length === 1 ? '' : 's'} in ${stacks} stack${stacks === 1 ? '' : 's'}`;
}

/** `1 high, 0 medium, 2 low, 0 info`. */
export function describeCounts(counts: Record<Severity, number>): string {
  return SEVERITIES_DESCENDING.map((s) => `${counts[s]} ${s}`).join(', ');
}
