import { ResolvedResource } from './resources';
import { isObject, unresolved } from './values';

/**
 * The `EncryptionConfiguration` of an `AWS::EMR::SecurityConfiguration`, whose `SecurityConfiguration`
 * is a JSON object or a JSON string. A document built at deployment cannot be read: it throws a
 * `NotAssessedError`.
 */
export function emrEncryptionConfiguration(configuration: ResolvedResource): Record<string, any> {
  const where = `SecurityConfiguration of ${configuration.logicalId}`;
  const raw = configuration.properties.SecurityConfiguration;
  let document: unknown = raw;
  if (typeof raw === 'string') {
    try {
      document = JSON.parse(raw);
    } catch {
      throw unresolved(where, raw, 'not JSON');
    }
  }
  if (!isObject(document)) {
    throw unresolved(where, raw);
  }
  const encryption = document.EncryptionConfiguration;
  return isObject(encryption) ? encryption : {};
}
