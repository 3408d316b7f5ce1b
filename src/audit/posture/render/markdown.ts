/**
 * The Markdown report (GitHub-flavoured): a summary, a table of resources, the findings ordered by
 * severity, and what the options and severities mean. Every cell is escaped, so a `|` in a value
 * never splits a cell.
 */
import { FINDING_CATALOGUE, severityRank } from '../findings';
import { asReport, countFindings, describeCounts, describeScope, displayEncryption, displayOption, displayType, groupNotAssessed, ReportInput, SEVERITIES_DESCENDING } from './summary';

/** What the Markdown report says it was read from. */
export interface MarkdownOptions {
  /** The cloud assembly directory, as given. */
  readonly source?: string;
}

/** The posture as a Markdown document. */
export function renderMarkdown(input: ReportInput, options: MarkdownOptions = {}): string {
  const report = asReport(input);
  const rows = report.resources;
  const counts = countFindings(rows);
  const from = options.source === undefined ? '' : `Read from ${code(options.source)}: `;
  const out: string[] = [
    '# Encryption posture',
    '',
    `${from}${describeScope(report)}. Findings: ${describeCounts(counts)}.`,
    '',
    tableRow(['Resource', 'Type', 'Encrypted at rest', 'Encryption', 'KMI option', 'Key', 'Rotation', 'Upload rule', 'TLS', 'Findings']),
    tableRow(Array(10).fill('---')),
  ];
  for (const row of rows) {
    const perSeverity = countFindings([row]);
    const summary = SEVERITIES_DESCENDING.filter((s) => perSeverity[s] > 0).map((s) => `${perSeverity[s]} ${s}`).join(', ');
    out.push(tableRow([
      code(row.path), text(displayType(row.type)), text(row.encrypted), text(displayEncryption(row)), text(displayOption(row)),
      keyCell(row.key), text(row.rotation), text(row.uploadRule), text(row.tls), text(summary || '-'),
    ]));
  }

  const findings = rows
    .flatMap((row) => row.findings.map((f) => ({ row, f })))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity));
  out.push('', '## Findings', '');
  if (findings.length === 0) {
    out.push('None.');
  } else {
    out.push(tableRow(['Severity', 'Resource', 'Finding', 'Id']), tableRow(Array(4).fill('---')));
    for (const { row, f } of findings) {
      out.push(tableRow([text(f.severity), code(row.path), text(f.message), code(f.id)]));
    }
  }

  const groups = groupNotAssessed(report);
  out.push('', '## Not assessed', '');
  if (groups.length === 0) {
    out.push('None: every resource was assessed.');
  } else {
    out.push(`${report.notAssessed.length} resource${report.notAssessed.length === 1 ? '' : 's'} not assessed:`, '');
    out.push(tableRow(['Type', 'Count', 'Why']), tableRow(Array(3).fill('---')));
    out.push(...groups.map((g) => tableRow([code(g.type), String(g.resources.length), text(g.reason)])));
  }

  out.push(
    '',
    '## Legend',
    '',
    'Key-management (KMI) options: **1** you provide the encryption method and the key management infrastructure '
      + '(external key store, imported key material, custom key provider); **2** you manage your keys in AWS CloudHSM; '
      + '**3** AWS provides both (a customer managed KMS key, an AWS managed key or an AWS owned key).',
  );
  const raised = Object.entries(FINDING_CATALOGUE).filter(([id]) => findings.some(({ f }) => f.id === id));
  if (raised.length > 0) {
    out.push('', tableRow(['Id', 'Severity', 'Meaning']), tableRow(Array(3).fill('---')));
    out.push(...raised.map(([id, entry]) => tableRow([code(id), text(entry.severity), text(entry.meaning)])));
  }
  return `${out.join('\n')}\n`;
}

/** A key named by a path, an ARN or an id as code; `-` and `AWS managed (…)` / `AWS owned (…)` as text. */
function keyCell(key: string): string {
  return key === '-' || /^AWS (managed|owned) \(/.test(key) ? text(key) : code(key);
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Plain text for a table cell: Markdown and HTML characters escaped, `|` escaped, line breaks as spaces. */
export function text(value: string): string {
  return value
    .replace(/[\\`*_[\]<>#|~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
    .replace(/\r?\n/g, ' ');
}

/** A code span for a table cell: fenced with more backticks than it contains, `|` escaped. */
export function code(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = value.startsWith('`') || value.endsWith('`') ? ` ${value} ` : value;
  return `${fence}${padded.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${fence}`;
}
