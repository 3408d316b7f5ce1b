/**
 * `Fn::ForEach` (the `AWS::LanguageExtensions` transform): a loop in `Resources` that makes one
 * resource per item of a collection. The report expands it when the collection is known (a list, or a
 * list parameter the auditor gave); otherwise the loop's resources are listed as not assessed.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
 */
import { ParameterValues, TemplateResource } from './template';
import { isObject } from '../../cfn/values';

/** A loop that could not be expanded, with the types of the resources it makes. */
export interface UnexpandedLoop {
  readonly key: string;
  readonly types: string[];
  readonly reason: string;
}

/** The resources with every loop the report can expand expanded, and the loops it cannot. */
export function expandForEach(
  resources: Record<string, any>,
  parameters: ParameterValues,
  declared: Record<string, any> = {},
): { resources: Record<string, TemplateResource>; unexpanded: UnexpandedLoop[] } {
  const out: Record<string, TemplateResource> = {};
  const unexpanded: UnexpandedLoop[] = [];
  for (const [key, value] of Object.entries(resources)) {
    if (!key.startsWith('Fn::ForEach::')) {
      out[key] = value;
      continue;
    }
    const [identifier, collection, fragment] = Array.isArray(value) ? value : [];
    const items = collectionItems(collection, parameters, declared);
    if (typeof identifier !== 'string' || !isObject(fragment) || items === undefined) {
      unexpanded.push({ key, types: fragmentTypes(fragment), reason: `Fn::ForEach collection ${JSON.stringify(collection)} known only at deployment (give the parameter with --parameters to expand it)` });
      continue;
    }
    for (const item of items) {
      const expanded = substitute(fragment, identifier, item);
      const renamed = Object.fromEntries(Object.entries(expanded).map(([k, v]) => [replaceIdentifier(k, identifier, item, true), v]));
      const inner = expandForEach(renamed, parameters, declared);
      Object.assign(out, inner.resources);
      unexpanded.push(...inner.unexpanded);
    }
  }
  return { resources: out, unexpanded };
}

function collectionItems(collection: unknown, parameters: ParameterValues, declared: Record<string, any>): string[] | undefined {
  if (Array.isArray(collection) && collection.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return collection.map(String);
  }
  const name = isObject(collection) && typeof collection.Ref === 'string' ? collection.Ref : undefined;
  if (name !== undefined && parameters[name] !== undefined && declared[name] !== undefined) {
    return parameters[name].split(',').map((item) => item.trim());
  }
  return undefined;
}

function fragmentTypes(fragment: unknown): string[] {
  if (!isObject(fragment)) {
    return ['(unknown)'];
  }
  return Object.entries(fragment).flatMap(([key, value]) =>
    key.startsWith('Fn::ForEach::') && Array.isArray(value) ? fragmentTypes(value[2]) : [isObject(value) && typeof value.Type === 'string' ? value.Type : '(unknown)']);
}

/** `${Id}` and `&{Id}` (in output keys, the item with non-alphanumerics removed) replaced by the item. */
function replaceIdentifier(text: string, identifier: string, item: string, key: boolean): string {
  const safe = item.replace(/[^A-Za-z0-9]/g, '');
  return text.split(`\${${identifier}}`).join(key ? safe : item).split(`&{${identifier}}`).join(safe);
}

/** The fragment with `Ref: Id` replaced by the item and `${Id}` in `Fn::Sub` strings substituted. */
function substitute(value: any, identifier: string, item: string): any {
  if (Array.isArray(value)) {
    return value.map((v) => substitute(v, identifier, item));
  }
  if (!isObject(value)) {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && value.Ref === identifier) {
    return item;
  }
  if (keys.length === 1 && value['Fn::Sub'] !== undefined) {
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') {
      return { 'Fn::Sub': replaceIdentifier(sub, identifier, item, false) };
    }
    if (Array.isArray(sub) && typeof sub[0] === 'string') {
      return { 'Fn::Sub': [replaceIdentifier(sub[0], identifier, item, false), substitute(sub[1], identifier, item)] };
    }
  }
  return Object.fromEntries(keys.map((k) => [k, substitute(value[k], identifier, item)]));
}
