import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { rdsTransport } from '../../cfn/rds-tls';
import { NotAssessedError } from '../../cfn/values';
import { resolvedResource, stackView } from '../private/resolve';

/**
 * RDS DB instances and DB clusters refuse connections without encryption in transit, by the engine's
 * own setting (`cfn/rds-tls` lists each engine's parameter and its documentation): `rds.force_ssl` 1
 * (PostgreSQL, Aurora PostgreSQL, SQL Server), `require_secure_transport` ON (MySQL, MariaDB, Aurora
 * MySQL), `DB2COMM` SSL (Db2), native network encryption required by the option group (Oracle), or an
 * engine version whose default requires it. A database that leaves it to an engine default the
 * template cannot tell does not comply; one whose parameter or option group is defined elsewhere
 * cannot be checked. An instance of an Aurora cluster is judged on its cluster.
 *
 * @param node the CfnResource to check
 */
export function RDSTlsRequired(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::RDS::DBInstance' && node.cfnResourceType !== 'AWS::RDS::DBCluster') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const database = resolvedResource(node);
  if (database.type === 'AWS::RDS::DBInstance' && database.properties.DBClusterIdentifier !== undefined) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const transport = rdsTransport(stackView(node), database);
  if (transport.state === 'unknown') {
    throw new NotAssessedError(`${database.logicalId}: ${transport.reason}: whether the resource complies cannot be told from the template.`);
  }
  return transport.state === 'required' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
