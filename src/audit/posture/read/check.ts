/**
 * The structure a template must have for the report to read it: anything else is malformed input,
 * reported with the file and the place.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
 */
import { InputError } from './input-error';
import { Template } from './template';
import { isObject } from '../../cfn/values';

/** The value as a template, or an `InputError` naming the file and the first place it is not one. */
export function checkTemplate(value: unknown, file: string): Template {
  const fail = (where: string, what: string): never => {
    throw new InputError(`${file}: ${where}: ${what}`);
  };
  if (!isObject(value)) {
    fail('the document', 'not a CloudFormation template (a mapping with a Resources section)');
  }
  const template = value as Record<string, any>;
  if (!isObject(template.Resources)) {
    fail('Resources', template.Resources === undefined ? 'missing: a template declares at least one resource' : 'not a mapping of logical ids to resources');
  }
  for (const section of ['Parameters', 'Conditions', 'Outputs', 'Mappings']) {
    if (template[section] !== undefined && template[section] !== null && !isObject(template[section])) {
      fail(section, 'not a mapping');
    }
  }
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    if (id.startsWith('Fn::ForEach::')) {
      if (!Array.isArray(resource) || resource.length !== 3) {
        fail(`Resources.${id}`, 'Fn::ForEach takes [identifier, collection, fragment]');
      }
      continue;
    }
    if (!isObject(resource)) {
      fail(`Resources.${id}`, 'not a mapping with a Type');
    }
    if (typeof resource.Type !== 'string' || resource.Type === '') {
      fail(`Resources.${id}.Type`, resource.Type === undefined ? 'missing' : `${JSON.stringify(resource.Type)} is not a resource type name`);
    }
    if (resource.Properties !== undefined && resource.Properties !== null && !isObject(resource.Properties)) {
      fail(`Resources.${id}.Properties`, 'not a mapping');
    }
    if (resource.Condition !== undefined && typeof resource.Condition !== 'string') {
      fail(`Resources.${id}.Condition`, 'not the name of a condition');
    }
  }
  return template as Template;
}
