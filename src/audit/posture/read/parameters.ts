/**
 * Parameter values the auditor gives: `key=value`, or a file in one of the forms AWS tools write:
 * the CLI's `[{"ParameterKey": ..., "ParameterValue": ...}]`, a template configuration file's
 * `{"Parameters": {...}}` (CodePipeline), or a plain `{"Key": "Value"}` mapping, in JSON or YAML.
 *
 * @see https://docs.aws.amazon.com/cli/latest/reference/cloudformation/create-stack.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/continuous-delivery-codepipeline-cfn-artifacts.html#w2ab1c21c15c15
 */
import { existsSync } from 'node:fs';
import { InputError } from './input-error';
import { readDocument } from './parse';
import { ParameterValues } from './template';
import { isObject } from '../../cfn/values';

/** The parameter values of each `--parameters` argument, later ones overriding earlier ones. */
export function readParameters(args: readonly string[]): ParameterValues {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals > 0 && !existsSync(arg)) {
      values[arg.slice(0, equals)] = arg.slice(equals + 1);
      continue;
    }
    if (!existsSync(arg)) {
      throw new InputError(`--parameters ${arg}: neither key=value nor a parameters file that exists`);
    }
    Object.assign(values, parametersOfFile(arg, readDocument(arg)));
  }
  return values;
}

function parametersOfFile(file: string, document: unknown): Record<string, string> {
  const scalar = (value: unknown, where: string): string => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return String(value);
    }
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return value.join(',');
    }
    throw new InputError(`${file}: ${where}: a parameter value is a string, a number or a list of them`);
  };
  if (Array.isArray(document)) {
    return Object.fromEntries(document.map((entry, i) => {
      if (!isObject(entry) || typeof entry.ParameterKey !== 'string') {
        throw new InputError(`${file}: [${i}]: not {"ParameterKey": ..., "ParameterValue": ...}`);
      }
      return [entry.ParameterKey, scalar(entry.ParameterValue, `[${i}].ParameterValue`)];
    }));
  }
  if (isObject(document)) {
    const mapping = isObject(document.Parameters) ? document.Parameters : document;
    const prefix = mapping === document ? '' : 'Parameters.';
    return Object.fromEntries(Object.entries(mapping).map(([key, value]) => [key, scalar(value, `${prefix}${key}`)]));
  }
  throw new InputError(`${file}: not a parameters file: a list of {"ParameterKey", "ParameterValue"}, {"Parameters": {...}} or a mapping of names to values`);
}
