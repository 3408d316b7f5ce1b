import { PostureReport, ResourcePosture } from '../../../../src/audit/posture';
import { finding } from '../../../../src/audit/posture/findings';
import { JSON_SCHEMA_VERSION, renderJson } from '../../../../src/audit/posture/render/json';
import { code, renderMarkdown, text } from '../../../../src/audit/posture/render/markdown';
import { renderTable } from '../../../../src/audit/posture/render/table';

const ENCRYPTED: ResourcePosture = {
  stack: 'App',
  logicalId: 'Records1234ABCD',
  path: 'App/Records',
  type: 'AWS::S3::Bucket',
  encrypted: 'yes',
  encryption: 'SSE-KMS',
  option: 3,
  keyManagement: 'AWS KMS, customer managed key',
  key: 'App/RecordsKey',
  rotation: 'automatic every 365 days',
  uploadRule: 'strict (aws:kms|aws:kms:dsse)',
  tls: 'TLS >= 1.2',
  conditional: [],
  findings: [finding('no-upload-rule', 'a message with a | pipe and <b>tags</b>')],
};

const UNENCRYPTED: ResourcePosture = {
  stack: 'App',
  logicalId: 'Topic5678EFGH',
  path: 'App/Topic',
  type: 'AWS::SNS::Topic',
  encrypted: 'no',
  encryption: 'none',
  option: null,
  keyManagement: 'none',
  key: '-',
  rotation: '-',
  uploadRule: '-',
  tls: 'not enforced',
  conditional: [],
  findings: [finding('not-encrypted', 'topic not encrypted (no KmsMasterKeyId)'), finding('tls-not-enforced', 'topic policy does not deny requests without TLS')],
};

const ROWS = [ENCRYPTED, UNENCRYPTED];
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

describe('the terminal table', () => {
  const table = renderTable(ROWS);

  test('has a header, a line per resource with its option, and its findings below it', () => {
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^resource +type +encryption +KMI option +key +rotation +upload rule +TLS$/);
    expect(lines[2]).toMatch(/^App\/Records +S3::Bucket +SSE-KMS +3 \(AWS KMS, customer managed key\) +App\/RecordsKey +automatic every 365 days /);
    expect(lines[3]).toBe('    ! low: a message with a | pipe and <b>tags</b>');
    expect(lines[4]).toMatch(/^App\/Topic +SNS::Topic +none +none +- +- +- +not enforced$/);
    expect(lines.slice(5, 7)).toEqual(['    ! high: topic not encrypted (no KmsMasterKeyId)', '    ! medium: topic policy does not deny requests without TLS']);
  });
  test('ends with a summary of resources and findings by severity', () => {
    expect(table.split('\n').pop()).toBe('2 resources assessed in 1 stack, 0 not assessed. Findings: 1 high, 1 medium, 1 low, 0 info.');
  });
  test('has no colour unless asked', () => {
    expect(table).not.toMatch(ANSI);
  });
  test('in colour: severities, the header and unencrypted resources are coloured, and the columns still line up', () => {
    const coloured = renderTable(ROWS, { color: true });
    expect(coloured).toContain('\x1b[31m! high\x1b[39m');
    expect(coloured).toContain('\x1b[33m! medium\x1b[39m');
    expect(coloured).toContain('\x1b[31mnone\x1b[39m');
    expect(coloured).toContain('\x1b[1mresource\x1b[22m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(table);
  });
  test('an empty assembly says so', () => {
    expect(renderTable([])).toContain('(no resource of a covered type)');
    expect(renderTable([]).split('\n').pop()).toBe('0 resources assessed in 0 stacks, 0 not assessed. Findings: none.');
  });
});

describe('the Markdown report', () => {
  const markdown = renderMarkdown(ROWS, { source: 'cdk.out' });
  const tableLines = (heading: string) => {
    const section = markdown.split(/^## /m).find((s) => s.startsWith(heading)) ?? markdown.split(/^## /m)[0];
    return section.split('\n').filter((l) => l.startsWith('|'));
  };
  const cells = (line: string) => line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());

  test('starts with a title and a summary naming its source', () => {
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '# Encryption posture',
      '',
      'Read from `cdk.out`: 2 resources assessed in 1 stack, 0 not assessed. Findings: 1 high, 1 medium, 1 low, 0 info.',
    ]);
  });
  test('has one table row per resource, ten cells each, however many pipes the values hold', () => {
    const lines = tableLines('# Encryption posture');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(cells(line)).toHaveLength(10);
    }
    expect(cells(lines[2])).toEqual([
      '`App/Records`', 'S3::Bucket', 'yes', 'SSE-KMS', '3 (AWS KMS, customer managed key)', '`App/RecordsKey`',
      'automatic every 365 days', 'strict (aws:kms\\|aws:kms:dsse)', 'TLS &gt;= 1.2', '1 low',
    ]);
  });
  test('shows a key path as code, an AWS managed key as text', () => {
    const [, , line] = renderMarkdown([{ ...ENCRYPTED, key: 'AWS managed (aws/s3)' }]).split('\n').filter((l) => l.startsWith('|'));
    expect(cells(line)[5]).toBe('AWS managed (aws/s3)');
  });
  test('lists the findings from the most severe, with resource and id, escaped', () => {
    const lines = tableLines('Findings');
    expect(lines.slice(2).map(cells)).toEqual([
      ['high', '`App/Topic`', 'topic not encrypted (no KmsMasterKeyId)', '`not-encrypted`'],
      ['medium', '`App/Topic`', 'topic policy does not deny requests without TLS', '`tls-not-enforced`'],
      ['low', '`App/Records`', 'a message with a \\| pipe and &lt;b&gt;tags&lt;/b&gt;', '`no-upload-rule`'],
    ]);
  });
  test('explains the options and the finding ids it raised, and no others', () => {
    const legend = tableLines('Legend').slice(2).map((l) => cells(l)[0]);
    expect(legend).toEqual(['`not-encrypted`', '`tls-not-enforced`', '`no-upload-rule`']);
    expect(markdown).toContain('Key-management (KMI) options: **1**');
  });
  test('with no findings, says None and has no severity table', () => {
    const clean = renderMarkdown([{ ...ENCRYPTED, findings: [] }]);
    expect(clean).toContain('## Findings\n\nNone.\n');
    expect(clean).not.toContain('| Id | Severity | Meaning |');
    expect(clean.endsWith('.\n')).toBe(true);
  });
  test('escapes Markdown and HTML in text, and fences code spans longer than the backticks inside', () => {
    expect(text('a|b *c* _d_ <e> `f`')).toBe('a\\|b \\*c\\* \\_d\\_ &lt;e&gt; \\`f\\`');
    expect(text('two\nlines')).toBe('two lines');
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('x`y')).toBe('``x`y``');
    expect(code('`edge')).toBe('`` `edge ``');
  });
});

describe('the JSON report', () => {
  const json = renderJson(ROWS, { source: 'cdk.out' });
  const report = JSON.parse(json);

  test('has a stable shape: schema version, source, summary, resources, resources not assessed', () => {
    expect(Object.keys(report)).toEqual(['schemaVersion', 'source', 'summary', 'resources', 'notAssessed']);
    expect(report.schemaVersion).toBe(JSON_SCHEMA_VERSION);
    expect(report.summary).toEqual({ resources: 2, notAssessed: 0, stacks: 1, findings: { high: 1, medium: 1, low: 1, info: 0 } });
  });
  test('gives every resource the same fields in the same order, findings with severity, id and message', () => {
    for (const resource of report.resources) {
      expect(Object.keys(resource)).toEqual([
        'stack', 'path', 'logicalId', 'type', 'encrypted', 'encryption', 'option', 'keyManagement', 'key', 'rotation', 'uploadRule', 'tls', 'conditional', 'findings',
      ]);
      for (const f of resource.findings) {
        expect(Object.keys(f)).toEqual(['severity', 'id', 'message']);
      }
    }
  });
  test('gives the option as a number, or null when there is none', () => {
    expect(report.resources.map((r: any) => r.option)).toEqual([3, null]);
  });
  test('is the same text for the same input, indented, with a final newline', () => {
    expect(renderJson(ROWS, { source: 'cdk.out' })).toBe(json);
    expect(json.startsWith('{\n  "schemaVersion": 2,')).toBe(true);
    expect(json.endsWith('}\n')).toBe(true);
  });
  test('without a source says null', () => {
    expect(JSON.parse(renderJson([])).source).toBeNull();
  });
});

describe('resources not assessed', () => {
  const report: PostureReport = {
    sources: ['t.yaml'],
    stacks: ['t'],
    resources: [ENCRYPTED],
    notAssessed: [
      { stack: 't', logicalId: 'Role', type: 'AWS::IAM::Role', reason: 'no at-rest encryption setting read for this type' },
      { stack: 't', logicalId: 'Role2', type: 'AWS::IAM::Role', reason: 'no at-rest encryption setting read for this type' },
      { stack: 't', logicalId: 'Fn::ForEach::Topics', type: 'AWS::SNS::Topic', reason: 'Fn::ForEach collection {"Ref":"Names"} known only at deployment' },
    ],
  };
  test('the table lists them by type with their count and reason, and the summary counts them', () => {
    const lines = renderTable(report).split('\n');
    expect(lines).toContain('Not assessed: 3 resources (type, count, why)');
    expect(lines).toContain('  AWS::IAM::Role   2  no at-rest encryption setting read for this type');
    expect(lines).toContain('  AWS::SNS::Topic  1  Fn::ForEach collection {"Ref":"Names"} known only at deployment');
    expect(lines.pop()).toBe('1 resource assessed in 1 stack, 3 not assessed. Findings: 0 high, 0 medium, 1 low, 0 info.');
  });
  test('the Markdown report has a section of them', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('1 resource assessed in 1 stack, 3 not assessed.');
    expect(markdown).toContain('## Not assessed\n\n3 resources not assessed:\n\n| Type | Count | Why |\n| --- | --- | --- |\n| `AWS::IAM::Role` | 2 | no at-rest encryption setting read for this type |');
  });
  test('the JSON report lists them by type and counts them in the summary', () => {
    const json = JSON.parse(renderJson(report));
    expect(json.summary.notAssessed).toBe(3);
    expect(json.notAssessed[0]).toEqual({
      type: 'AWS::IAM::Role',
      count: 2,
      reason: 'no at-rest encryption setting read for this type',
      resources: [{ stack: 't', logicalId: 'Role' }, { stack: 't', logicalId: 'Role2' }],
    });
  });
  test('a conditional row says so in the table and in JSON', () => {
    const conditional: ResourcePosture = { ...ENCRYPTED, conditional: ['parameter Env'] };
    expect(renderTable([conditional])).toMatch(/App\/Records +S3::Bucket +SSE-KMS \(conditional\) /);
    expect(JSON.parse(renderJson([conditional])).resources[0].conditional).toEqual(['parameter Env']);
  });
});
