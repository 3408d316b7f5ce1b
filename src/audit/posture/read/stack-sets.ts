/**
 * The templates that StackSets carry in their `TemplateBody`: each is read as a stack of its own,
 * named for the StackSet and where it deploys (its organizational units or accounts, and Regions),
 * so every row of it says that it is deployed through the StackSet, and where.
 */
import { parseDocumentText } from './parse';
import { StackTemplate, templateOf } from './stack-template';
import { isObject } from '../../cfn/values';

/** The templates of the StackSets of a stack whose `TemplateBody` is literal text. */
export function stackSetTemplates(parent: StackTemplate): StackTemplate[] {
  const found: StackTemplate[] = [];
  for (const [logicalId, resource] of Object.entries<any>(parent.template.Resources ?? {})) {
    const body = resource?.Properties?.TemplateBody;
    if (resource?.Type !== 'AWS::CloudFormation::StackSet' || typeof body !== 'string') {
      continue;
    }
    parent.followed.add(logicalId);
    const name = `${parent.name}/${logicalId} (StackSet to ${describeTargets(resource.Properties.StackInstancesGroup)})`;
    // Environment-agnostic: each stack instance has the account and Region it is deployed to.
    found.push(templateOf(name, `${parent.file}#${logicalId}.TemplateBody`, parseDocumentText(body, `${parent.file} ${logicalId}.TemplateBody`), {}, {}));
  }
  return found;
}

/** `OUs ou-a, ou-b in us-east-1, eu-west-1`, for each instance group of the StackSet. */
function describeTargets(groups: unknown): string {
  if (!Array.isArray(groups) || groups.length === 0) {
    return 'no stack instances in the template';
  }
  return groups.map((group) => {
    const targets = isObject(group) && isObject(group.DeploymentTargets) ? group.DeploymentTargets : {};
    const list = (value: unknown) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : '?');
    const where = targets.OrganizationalUnitIds !== undefined ? `OUs ${list(targets.OrganizationalUnitIds)}` : `accounts ${list(targets.Accounts)}`;
    return `${where} in ${list(isObject(group) ? group.Regions : undefined)}`;
  }).join('; ');
}
