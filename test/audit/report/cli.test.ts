import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EncryptedBucket } from '../../../src';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, HELP, main } from '../../../src/audit/report/cli';
import { ACCOUNT, REGION } from '../../util/app';
import { newApp, removeTemporaryDirectories, temporaryDirectory } from '../posture/helpers';

afterAll(removeTemporaryDirectories);

/** Runs the command with captured output; not a terminal and no NO_COLOR unless given. */
function run(args: string[], options: { isTTY?: boolean; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const status = main(args, {
    stdout: { write: (t: string) => (stdout += t), isTTY: options.isTTY ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
  });
  return { status, stdout, stderr };
}

function assembly(build: (stack: Stack) => void): string {
  const app = newApp();
  build(new Stack(app, 'App', { env: { account: ACCOUNT, region: REGION } }));
  return app.synth().directory;
}

// The library's bucket: its findings are low at most (an SSE-S3 access log bucket, key policies left to IAM).
const lowOnly = assembly((stack) => new EncryptedBucket(stack, 'Records'));
// An unencrypted topic: a high finding.
const withHigh = assembly((stack) => new sns.Topic(stack, 'Topic'));

describe('help and usage errors', () => {
  test.each([[['--help']], [['-h']], [['report', '--help']], [['report', 'cdk.out', '-h']]])('%j prints the help on standard output and exits 0', (args) => {
    const result = run(args);
    expect(result).toEqual({ status: EXIT_OK, stdout: HELP, stderr: '' });
    expect(HELP).toMatch(/^Usage: cdk-kmi report \[<input>\.\.\.\] \[options\]/);
  });
  test.each([
    [[], /a command is required: report/],
    [['audit'], /unknown command "audit": the command is report/],
    [['report', 'ASSEMBLY', '--colour'], /Unknown option '--colour'/],
    [['report', 'ASSEMBLY', '--format', 'html'], /--format html is not a format: use table, markdown or json/],
    [['report', 'ASSEMBLY', '--fail-on', 'critical'], /--fail-on critical is not a severity: use none, info, low, medium, high/],
    [['report', 'ASSEMBLY', '--fail-on'], /Option '--fail-on <value>' argument missing/],
    [['report', 'ASSEMBLY', '--json', ''], /an output file name is empty/],
  ])('%j is a usage error: exit 2, the reason and a hint on standard error, nothing on standard output', (args, reason) => {
    const result = run((args as string[]).map((a) => (a === 'ASSEMBLY' ? lowOnly : a)));
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).toContain('Run "cdk-kmi report --help" for the options.');
  });
  test('a path that is not a cloud assembly: exit 2 and a clear error', () => {
    const missing = join(temporaryDirectory(), 'cdk.out');
    const result = run(['report', missing]);
    expect(result).toEqual({ status: EXIT_USAGE, stdout: '', stderr: `cdk-kmi: ${missing} not found: give a cloud assembly directory (cdk.out), a template file (JSON or YAML) or a folder of templates\n` });
  });
});

describe('output', () => {
  test('prints the table by default, with the summary last', () => {
    const result = run(['report', withHigh]);
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toMatch(/^resource +type +encryption/);
    expect(result.stdout).toMatch(/\nApp\/Topic +SNS::Topic +none /);
    expect(result.stdout).toMatch(/\n1 resource assessed in 1 stack, \d+ not assessed\. Findings: 1 high, 1 medium, 0 low, 0 info\.\n$/);
  });
  test('--format json prints the JSON report, --format markdown the Markdown one', () => {
    expect(JSON.parse(run(['report', withHigh, '--format', 'json']).stdout).resources[0]).toMatchObject({ path: 'App/Topic', encrypted: 'no' });
    expect(run(['report', withHigh, '-f', 'markdown']).stdout).toMatch(/^# Encryption posture\n/);
  });
  test('--markdown, --json and --output write files in their formats, the table still on standard output', () => {
    const dir = temporaryDirectory();
    const [md, json, txt, mdByExtension] = ['a.md', 'a.json', 'a.txt', 'b.markdown'].map((f) => join(dir, f));
    const result = run(['report', withHigh, '--markdown', md, '--json', json, '-o', txt, '--output', mdByExtension], { isTTY: true });
    expect(result.status).toBe(EXIT_OK);
    expect(readFileSync(md, 'utf-8')).toMatch(/^# Encryption posture\n/);
    expect(readFileSync(mdByExtension, 'utf-8')).toBe(readFileSync(md, 'utf-8'));
    expect(JSON.parse(readFileSync(json, 'utf-8')).source).toBe(withHigh);
    expect(readFileSync(txt, 'utf-8')).toMatch(/^resource +type/);
    expect(readFileSync(txt, 'utf-8')).not.toContain('\x1b[');
    expect(result.stdout).toContain('\x1b[');
  });
  test('a file that cannot be written: exit 2 and the reason', () => {
    const result = run(['report', lowOnly, '--json', join(temporaryDirectory(), 'no', 'such', 'dir.json')]);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(/^cdk-kmi: cannot write .*dir\.json: ENOENT/);
  });
});

describe('colour', () => {
  test('on a terminal, in colour', () => {
    expect(run(['report', withHigh], { isTTY: true }).stdout).toContain('\x1b[31m! high\x1b[39m');
  });
  test.each([
    ['not a terminal', { isTTY: false }, []],
    ['NO_COLOR set', { isTTY: true, env: { NO_COLOR: '1' } }, []],
    ['--no-color', { isTTY: true }, ['--no-color']],
  ])('%s: no colour', (_why, options, extra) => {
    expect(run(['report', withHigh, ...extra], options).stdout).not.toContain('\x1b[');
  });
});

describe('--fail-on', () => {
  test.each([
    ['low findings at most', 'none', EXIT_OK],
    ['low findings at most', 'medium', EXIT_OK],
    ['low findings at most', 'low', EXIT_FINDINGS],
    ['low findings at most', 'info', EXIT_FINDINGS],
    ['a high finding', 'high', EXIT_FINDINGS],
  ])('an assembly with %s, --fail-on %s: exit %s', (which, level, status) => {
    expect(run(['report', which === 'a high finding' ? withHigh : lowOnly, '--fail-on', level]).status).toBe(status);
  });
  test('without --fail-on, findings do not fail the command', () => {
    expect(run(['report', withHigh]).status).toBe(EXIT_OK);
  });
  test('a failure says how many findings are at or above the level, after the report', () => {
    const result = run(['report', withHigh, '--fail-on', 'medium']);
    expect(result.stderr).toBe('cdk-kmi: 2 findings at or above medium (--fail-on medium)\n');
    expect(result.stdout).toContain('App/Topic');
  });
});

describe('templates, parameters, versions and malformed input', () => {
  const dir = temporaryDirectory('kmi-cli-');
  const yaml = join(dir, 'app.yaml');
  writeFileSync(yaml, [
    'Parameters:',
    '  Env: { Type: String, AllowedValues: [prod, dev] }',
    'Conditions:',
    '  IsProd: !Equals [!Ref Env, prod]',
    'Resources:',
    '  Topic:',
    '    Type: AWS::SNS::Topic',
    '    Properties:',
    '      KmsMasterKeyId: !If [IsProd, alias/aws/sns, !Ref AWS::NoValue]',
    '  Permission:',
    '    Type: AWS::Lambda::Permission',
    '    Properties: { Action: lambda:InvokeFunction, FunctionName: f, Principal: s3.amazonaws.com }',
  ].join('\n'));

  test('--version prints the package version', () => {
    const version = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf-8')).version;
    expect(run(['--version'])).toEqual({ status: EXIT_OK, stdout: `${version}\n`, stderr: '' });
    expect(run(['report', '--version']).stdout).toBe(`${version}\n`);
  });
  test('a YAML template: the conditional row and the resources not assessed are printed', () => {
    const result = run(['report', yaml]);
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toMatch(/\napp\/Topic +SNS::Topic +none \(conditional\) /);
    expect(result.stdout).toContain('Not assessed: 1 resource (type, count, why)\n  AWS::Lambda::Permission  1  no at-rest encryption setting read for this type');
    expect(result.stdout).toMatch(/1 resource assessed in 1 stack, 1 not assessed\./);
  });
  test('--parameters decides the condition', () => {
    const result = run(['report', yaml, '--parameters', 'Env=prod', '--format', 'json']);
    expect(JSON.parse(result.stdout).resources[0]).toMatchObject({ encrypted: 'yes', conditional: [] });
  });
  test('a malformed template: exit 2, the file and the place, no JavaScript error', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"Resources": {"B": {"Type": null}}}');
    const result = run(['report', bad]);
    expect(result).toEqual({ status: EXIT_USAGE, stdout: '', stderr: `cdk-kmi: ${bad}: Resources.B.Type: null is not a resource type name\n` });
  });
  test('a template that is not JSON: exit 2 with the line and column', () => {
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, '{\n  "Resources": nope\n}');
    const result = run(['report', bad]);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`cdk-kmi: ${bad}:2:16: not valid JSON (unexpected token 'o')\n`);
  });
});
