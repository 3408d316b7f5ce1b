#!/usr/bin/env node
/**
 * The `cdk-kmi` command: `cdk-kmi report [<input>...]` prints the encryption posture of a synthesized
 * app (its cloud assembly), of CloudFormation template files or of folders of them, and writes it as
 * Markdown or JSON; `--fail-on` turns findings into a failing exit status for CI.
 *
 * Exit status: 0 report written; 1 a finding at or above `--fail-on`; 2 usage or input error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, InputError, PostureReport, Severity } from '../posture';
import { SEVERITIES } from '../posture/findings';
import { readParameters } from '../posture/read/parameters';
import { renderJson } from '../posture/render/json';
import { renderMarkdown } from '../posture/render/markdown';
import { countAtOrAbove } from '../posture/render/summary';
import { renderTable } from '../posture/render/table';

/** Where the command writes, and the environment it reads (`NO_COLOR`). */
export interface ReportIo {
  readonly stdout: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit status: report written, no finding at or above `--fail-on`. */
export const EXIT_OK = 0;
/** Exit status: a finding at or above `--fail-on`. */
export const EXIT_FINDINGS = 1;
/** Exit status: bad arguments, input that cannot be read (the message names the file and the place), or a file that cannot be written. */
export const EXIT_USAGE = 2;

type Format = 'table' | 'markdown' | 'json';
const FORMATS: readonly Format[] = ['table', 'markdown', 'json'];
const FAIL_ON = ['none', ...SEVERITIES] as const;

/** The help text of `cdk-kmi report`. */
export const HELP = `Usage: cdk-kmi report [<input>...] [options]
       cdk-kmi --version

Reads CloudFormation and reports, for every resource that keeps data or keys:
whether it is encrypted at rest, the key-management option (1 customer KMI:
external key store, imported key material; 2 CloudHSM-backed; 3 AWS KMS customer
managed key, AWS managed key or AWS owned key), the key, its rotation, the bucket
upload rule, TLS enforcement, and findings; then every resource it did not assess,
by type.

An input is a cloud assembly directory (default ./cdk.out; stages and nested
stacks included), a template file (JSON, or YAML with the short forms !Ref, !Sub,
!GetAtt, !If, ...), or a folder of template files. Nested stacks whose
TemplateURL is a local file are read too.

Conditions: a condition the given parameters decide takes its branch; one that
nothing decides is evaluated both ways, the weakest case is reported, and the
row says "conditional".

Options:
  -p, --parameters <key=value|file>
                         a parameter value, or a parameters file (the CLI's
                         [{"ParameterKey", "ParameterValue"}], {"Parameters":
                         {...}}, or {"Key": "Value"}); may be given more than once
  -f, --format <format>  what to print: table (default), markdown or json
  -o, --output <file>    also write the report to <file>, in the format its
                         extension names: .md markdown, .json JSON, any other a
                         plain table; may be given more than once
      --markdown <file>  also write the Markdown report to <file>
      --json <file>      also write the JSON report to <file>
      --fail-on <level>  exit with status 1 when a finding is at or above
                         <level>: none (default), info, low, medium, high
      --no-color         no colours (they are off anyway when NO_COLOR is set or
                         the output is not a terminal)
  -h, --help             print this help
  -v, --version          print the version of cdk-kmi

Severities:
  high    unencrypted data, SSE-C explicitly allowed, public access (a policy
          that allows anyone without a condition, a public database)
  medium  key without rotation, TLS not enforced, fewer than two HSMs
  low     AWS managed or AWS owned key where a customer managed key is
          possible, no bucket upload rule, SSE-C not blocked, key policy
          without separation of duties, imported key material that expires
  info    key or configuration defined elsewhere, posture decided by a
          condition, encryption inherited from a source, a value that cannot
          be read from the template

Exit status: 0 report written, 1 findings at or above --fail-on, 2 usage or
input error (the message names the file and the place in it).

Examples:
  npx cdk-kmi report cdk.out
  npx cdk-kmi report cdk.out --markdown posture.md --json posture.json --fail-on high
  npx cdk-kmi report template.yaml --parameters Env=prod
  npx cdk-kmi report templates/ --parameters params.json
`;

const USAGE_HINT = 'Run "cdk-kmi report --help" for the options.\n';

/** Runs the command with `argv` (the arguments after the program name); returns the exit status. */
export function main(argv: readonly string[], io: ReportIo = processIo()): number {
  const fail = (message: string) => {
    io.stderr.write(`cdk-kmi: ${message}\n${USAGE_HINT}`);
    return EXIT_USAGE;
  };
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (command === undefined) {
    return fail('a command is required: report');
  }
  if (command !== 'report') {
    return fail(`unknown command "${command}": the command is report`);
  }

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        'parameters': { type: 'string', short: 'p', multiple: true },
        'format': { type: 'string', short: 'f' },
        'output': { type: 'string', short: 'o', multiple: true },
        'markdown': { type: 'string', multiple: true },
        'json': { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        'no-color': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
        'version': { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) {
    return fail(`--format ${format} is not a format: use table, markdown or json`);
  }
  const failOn = values['fail-on'] ?? 'none';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    return fail(`--fail-on ${failOn} is not a severity: use ${FAIL_ON.join(', ')}`);
  }
  const files: Array<[string, Format]> = [
    ...(values.output ?? []).map((file): [string, Format] => [file, formatOfFile(file)]),
    ...(values.markdown ?? []).map((file): [string, Format] => [file, 'markdown']),
    ...(values.json ?? []).map((file): [string, Format] => [file, 'json']),
  ];
  if (files.some(([file]) => file === '')) {
    return fail('an output file name is empty');
  }

  const sources = positionals.length > 0 ? positionals : ['cdk.out'];
  const source = sources.join(', ');
  let rows: PostureReport;
  try {
    rows = analyze(sources, { parameters: readParameters(values.parameters ?? []) });
  } catch (e) {
    // Input errors name the file and the place; anything else is a defect of the report, not of the input.
    io.stderr.write(e instanceof InputError
      ? `cdk-kmi: ${e.message}\n`
      : `cdk-kmi: internal error while reading ${source}: please report it with the input that caused it\n`);
    return EXIT_USAGE;
  }

  const color = values['no-color'] !== true && io.stdout.isTTY === true && !io.env.NO_COLOR;
  io.stdout.write(ensureNewline(render(rows, format as Format, source, color)));
  for (const [file, fileFormat] of files) {
    try {
      writeFileSync(file, ensureNewline(render(rows, fileFormat, source, false)));
    } catch (e) {
      io.stderr.write(`cdk-kmi: cannot write ${file}: ${(e as Error).message}\n`);
      return EXIT_USAGE;
    }
  }

  if (failOn !== 'none') {
    const count = countAtOrAbove(rows.resources, failOn as Severity);
    if (count > 0) {
      io.stderr.write(`cdk-kmi: ${count} finding${count === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn})\n`);
      return EXIT_FINDINGS;
    }
  }
  return EXIT_OK;
}

function render(rows: PostureReport, format: Format, source: string, color: boolean): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(rows, { source });
    case 'json':
      return renderJson(rows, { source });
    default:
      return renderTable(rows, { color });
  }
}

function formatOfFile(file: string): Format {
  const extension = extname(file).toLowerCase();
  return extension === '.md' || extension === '.markdown' ? 'markdown' : extension === '.json' ? 'json' : 'table';
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The version of cdk-kmi, from its package.json (three folders up, from src/ or lib/). */
function version(): string {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf-8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function processIo(): ReportIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
