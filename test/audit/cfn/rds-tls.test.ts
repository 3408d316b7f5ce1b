import { rdsTransport } from '../../../src/audit/cfn/rds-tls';
import { ResolvedResource, TemplateView } from '../../../src/audit/cfn/resources';
import { DB2_TLS_PORT, EngineFamily, tlsParameters } from '../../../src/rds/engine-rules';

/** A template of one DB instance (or cluster) of `engine` on a parameter group of `parameters`. */
function transport(engine: string, parameters: Record<string, string>, cluster = false) {
  const groupType = cluster ? 'AWS::RDS::DBClusterParameterGroup' : 'AWS::RDS::DBParameterGroup';
  const group: ResolvedResource = { logicalId: 'Params', type: groupType, properties: { Parameters: parameters } };
  const database: ResolvedResource = {
    logicalId: 'Db',
    type: cluster ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance',
    properties: { Engine: engine, [cluster ? 'DBClusterParameterGroupName' : 'DBParameterGroupName']: { Ref: 'Params' } },
  };
  const view: TemplateView = { accounts: [], regions: [], resourcesOfType: (type) => (type === groupType ? [group] : []) };
  return rdsTransport(view, database);
}

describe('the reader agrees with the parameters the database constructs write', () => {
  test.each<[EngineFamily, string, boolean]>([
    ['postgres', 'postgres', false],
    ['aurora-postgresql', 'aurora-postgresql', true],
    ['mysql', 'mysql', false],
    ['mariadb', 'mariadb', false],
    ['aurora-mysql', 'aurora-mysql', true],
    ['sqlserver', 'sqlserver-se', false],
    ['db2', 'db2-se', false],
  ])('%s: the construct\'s TLS parameters read as required', (family, engine, cluster) => {
    expect(transport(engine, tlsParameters(family, DB2_TLS_PORT), cluster).state).toBe('required');
  });
  test.each<[string, Record<string, string>]>([
    ['postgres', { 'rds.force_ssl': '0' }],
    ['aurora-mysql', { require_secure_transport: '0' }],
    ['db2-se', { DB2COMM: 'TCPIP' }],
  ])('%s with %j reads as not required', (engine, parameters) => {
    expect(transport(engine, parameters, engine.startsWith('aurora')).state).toBe('not-required');
  });
});
