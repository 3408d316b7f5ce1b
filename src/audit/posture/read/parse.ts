/**
 * Reads a JSON or YAML document, CloudFormation's YAML short forms (`!Ref`, `!Sub`, `!GetAtt`, `!If`,
 * ...) turned into their JSON forms, with errors that name the file, line and column.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument, ScalarTag, CollectionTag } from 'yaml';
import { InputError } from './input-error';

/** The short forms: `!Name` for `Fn::Name`, and `!Ref` and `!Condition` as themselves. */
const FUNCTIONS = [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or',
  'Select', 'Split', 'Sub', 'ToJsonString', 'Transform', 'ForEach',
];

function fullName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** The custom tags of CloudFormation YAML, on scalars, sequences and mappings. */
const TAGS: Array<ScalarTag | CollectionTag> = ['Ref', 'Condition', ...FUNCTIONS].flatMap((name) => {
  const key = fullName(name);
  const wrap = (value: unknown) => {
    if (name === 'GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [key]: value };
  };
  const scalar: ScalarTag = { tag: `!${name}`, resolve: (value: string) => wrap(value) };
  const seq: CollectionTag = {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (value) => (isSeq(value) ? (wrap(value.toJSON()) as any) : value),
  };
  const map: CollectionTag = {
    tag: `!${name}`,
    collection: 'map',
    resolve: (value) => (isMap(value) ? (wrap(value.toJSON()) as any) : value),
  };
  return [scalar, seq, map];
});

/** Reads a file as text; the error names it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf-8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

/** Parses a document as JSON when it starts like JSON (or the file is `.json`), else as YAML. */
export function parseDocumentText(text: string, file: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (file.toLowerCase().endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return parseJson(text, file);
  }
  return parseYaml(text, file);
}

/** Reads and parses a JSON or YAML file. */
export function readDocument(file: string): unknown {
  return parseDocumentText(readText(file), file);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    // Where JSON.parse does not say, YAML (a superset of JSON) finds the place.
    const offset = position !== undefined ? Number(position) : jsonErrorOffset(text.replace(/^\uFEFF/, ''));
    const where = offset === undefined ? '' : `:${lineAndColumn(text, offset)}`;
    const what = message.replace(/^Unexpected/, 'unexpected').replace(/ in JSON at position \d+[^]*$/, '').replace(/, (\.\.\.)?"[^]*" is not valid JSON$/, '').replace(/\s+/g, ' ');
    throw new InputError(`${file}${where}: not valid JSON (${what})`);
  }
}

function parseYaml(text: string, file: string): unknown {
  const document = parseDocument(text, { customTags: TAGS, prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const pos = error.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    throw new InputError(`${file}${where}: not valid YAML (${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')})`);
  }
  const value = document.toJS({ maxAliasCount: 1000 });
  return isScalar(value) ? (value as any).value : value;
}

/** `line:column` (both from 1) of an offset into a text. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** The offset of the first character where a text stops being JSON (JSON.parse does not always say). */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      literal('true');
    } else if (c === 'f') {
      literal('false');
    } else if (c === 'n') {
      literal('null');
    } else {
      number();
    }
  };
  try {
    value();
    space();
    return i < text.length ? i : undefined;
  } catch (offset) {
    return typeof offset === 'number' ? Math.min(offset, text.length) : undefined;
  }
}
