/**
 * One stack's template as read from the input, ready for analysis: loops expanded, and what could
 * not be read noted.
 */
import { checkTemplate } from './check';
import { expandForEach, UnexpandedLoop } from './for-each';
import { ParameterValues, StackEnvironment, Template } from './template';
import { isObject } from '../../cfn/values';

/** A stack template found in the input. */
export interface StackTemplate {
  readonly name: string;
  readonly file: string;
  readonly template: Template;
  readonly environment: StackEnvironment;
  /** The parameter values of this stack: those given, and for a nested stack those its parent passes. */
  readonly parameters: ParameterValues;
  /** `Fn::ForEach` loops the report could not expand. */
  readonly unexpanded: UnexpandedLoop[];
  /** The logical ids of the nested stacks whose templates were read. */
  readonly followed: Set<string>;
}

/** The stack template of a parsed document: checked, loops expanded. */
export function templateOf(name: string, file: string, document: unknown, environment: StackEnvironment, parameters: ParameterValues): StackTemplate {
  const checked = checkTemplate(document, file);
  const { resources, unexpanded } = expandForEach(checked.Resources ?? {}, parameters, isObject(checked.Parameters) ? checked.Parameters : {});
  return { name, file, template: { ...checked, Resources: resources }, environment, parameters, unexpanded, followed: new Set() };
}

/** The literal values a nested stack resource passes its template's parameters. */
export function nestedParameters(resource: { Properties?: any }): ParameterValues {
  const given = resource.Properties?.Parameters;
  if (!isObject(given)) {
    return {};
  }
  return Object.fromEntries(Object.entries(given)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => [k, String(v)]));
}
