/**
 * The terminal report: one line per resource, its findings below it, a summary at the end. Colours
 * (ANSI) only when asked for: the command line asks when standard output is a terminal and
 * NO_COLOR is not set.
 */
import type { Severity } from '../findings';
import { asReport, countFindings, describeCounts, describeScope, displayEncryption, displayOption, displayType, groupNotAssessed, ReportInput, SEVERITIES_DESCENDING } from './summary';

/** How to render the table. */
export interface TableOptions {
  /** ANSI colours: severities, unencrypted resources, headers. Default false. */
  readonly color?: boolean;
}

const SEVERITY_COLOR: Record<Severity, number> = { high: 31, medium: 33, low: 36, info: 2 };

/** A plain-text table of the posture, one row per resource, findings below each row, a summary last. */
export function renderTable(input: ReportInput, options: TableOptions = {}): string {
  const report = asReport(input);
  const rows = report.resources;
  const paint = (code: number, text: string) => options.color ? `\x1b[${code}m${text}\x1b[${code === 1 || code === 2 ? 22 : 39}m` : text;
  const headers = ['resource', 'type', 'encryption', 'KMI option', 'key', 'rotation', 'upload rule', 'TLS'];
  const cells = rows.map((r) => [r.path, displayType(r.type), displayEncryption(r), displayOption(r), r.key, r.rotation, r.uploadRule, r.tls]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[], style: (value: string, column: number) => string = (v) => v) =>
    values.map((v, i) => style(v, i) + ' '.repeat(widths[i] - v.length)).join('  ').trimEnd();

  const out = [
    line(headers, (v) => paint(1, v)),
    line(widths.map((w) => '-'.repeat(w))),
  ];
  rows.forEach((row, i) => {
    out.push(line(cells[i], (v, column) => (column === 2 && row.encrypted === 'no' ? paint(31, v) : v)));
    for (const f of row.findings) {
      out.push(`    ${paint(SEVERITY_COLOR[f.severity], `! ${f.severity}`)}: ${f.message}`);
    }
  });
  if (rows.length === 0) {
    out.push('(no resource of a covered type)');
  }
  const counts = countFindings(rows);
  const summary = SEVERITIES_DESCENDING.some((s) => counts[s] > 0)
    ? describeCounts(counts).split(', ').map((part, i) => (counts[SEVERITIES_DESCENDING[i]] > 0 ? paint(SEVERITY_COLOR[SEVERITIES_DESCENDING[i]], part) : part)).join(', ')
    : 'none';
  const groups = groupNotAssessed(report);
  if (groups.length > 0) {
    const typeWidth = Math.max(...groups.map((g) => g.type.length));
    const countWidth = Math.max(...groups.map((g) => String(g.resources.length).length));
    out.push('', `Not assessed: ${report.notAssessed.length} resource${report.notAssessed.length === 1 ? '' : 's'} (type, count, why)`);
    for (const group of groups) {
      out.push(`  ${group.type.padEnd(typeWidth)}  ${String(group.resources.length).padStart(countWidth)}  ${group.reason}`);
    }
  }
  out.push('', `${describeScope(report)}. Findings: ${summary}.`);
  return out.join('\n');
}
