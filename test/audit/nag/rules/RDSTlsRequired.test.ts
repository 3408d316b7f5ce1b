import { CfnParameter } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { RDSTlsRequired } from '../../../../src/audit/nag/rules/RDSTlsRequired';
import { EncryptedDatabaseCluster } from '../../../../src/rds/encrypted-database-cluster';
import { EncryptedDatabaseInstance } from '../../../../src/rds/encrypted-database-instance';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

function vpcOf(stack: ReturnType<typeof newStack>) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
  });
}

/** A CfnDBInstance of `engine` (version `version`) on a parameter group of the stack with `parameters`, or on none. */
function instance(engine: string, version: string | undefined, parameters?: Record<string, string>, stack = newStack()) {
  const group = parameters && new rds.CfnDBParameterGroup(stack, 'Parameters', { description: 'p', family: 'f', parameters });
  return new rds.CfnDBInstance(stack, 'Db', {
    engine, engineVersion: version, dbInstanceClass: 'db.m6i.large', allocatedStorage: '20', storageEncrypted: true, dbParameterGroupName: group?.ref,
  });
}

describe('RDSTlsRequired', () => {
  describe('compliant', () => {
    test('an EncryptedDatabaseInstance (PostgreSQL) and an EncryptedDatabaseCluster (Aurora MySQL) with defaults', () => {
      const stack = newStack();
      const vpc = vpcOf(stack);
      const db = new EncryptedDatabaseInstance(stack, 'Pg', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }), vpc });
      const cluster = new EncryptedDatabaseCluster(stack, 'Am', {
        engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }), writer: rds.ClusterInstance.serverlessV2('Writer'), vpc,
      });
      expect(check(RDSTlsRequired, db, 'AWS::RDS::DBInstance')).toBe(COMPLIANT);
      expect(check(RDSTlsRequired, cluster, 'AWS::RDS::DBCluster')).toBe(COMPLIANT);
    });
    test('an EncryptedDatabaseInstance on Oracle (native network encryption required by its option group)', () => {
      const stack = newStack();
      const db = new EncryptedDatabaseInstance(stack, 'Ora', {
        engine: rds.DatabaseInstanceEngine.oracleSe2({ version: rds.OracleEngineVersion.VER_19_0_0_0_2021_04_R1 }),
        vpc: vpcOf(stack),
        licenseModel: rds.LicenseModel.LICENSE_INCLUDED,
      });
      expect(check(RDSTlsRequired, db, 'AWS::RDS::DBInstance')).toBe(COMPLIANT);
    });
    test.each([
      ['postgres', { 'rds.force_ssl': '1' }],
      ['sqlserver-se', { 'rds.force_ssl': '1' }],
      ['mysql', { require_secure_transport: 'ON' }],
      ['mariadb', { require_secure_transport: '1' }],
      ['db2-se', { DB2COMM: 'SSL' }],
    ])('%s with %j', (engine, parameters) => {
      expect(check(RDSTlsRequired, instance(engine, undefined, parameters))).toBe(COMPLIANT);
    });
    test('PostgreSQL 16 on the default parameter group (rds.force_ssl defaults to 1 from 15)', () => {
      expect(check(RDSTlsRequired, instance('postgres', '16.4'))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test.each([
      ['postgres', { 'rds.force_ssl': '0' }],
      ['mysql', { require_secure_transport: 'OFF' }],
      ['mysql', { 'rds.force_ssl': '1' }],
      ['db2-se', { DB2COMM: 'TCPIP,SSL' }],
    ])('%s with %j (another engine\'s parameter does not count)', (engine, parameters) => {
      expect(check(RDSTlsRequired, instance(engine, '8.0', parameters as Record<string, string>))).toBe(NON_COMPLIANT);
    });
    test('SQL Server with rds.force_ssl unset (the default is 0)', () => {
      expect(check(RDSTlsRequired, instance('sqlserver-se', '15.00', { 'max degree of parallelism': '1' }))).toBe(NON_COMPLIANT);
    });
    test('MySQL 8.0 on the default parameter group (require_secure_transport defaults to OFF)', () => {
      expect(check(RDSTlsRequired, instance('mysql', '8.0.39'))).toBe(NON_COMPLIANT);
    });
    test('PostgreSQL without a version on the default parameter group (the default depends on the version)', () => {
      expect(check(RDSTlsRequired, instance('postgres', undefined))).toBe(NON_COMPLIANT);
    });
    test('Oracle with only the SSL option (the clear-text listener stays open)', () => {
      const stack = newStack();
      const options = new rds.CfnOptionGroup(stack, 'Options', {
        engineName: 'oracle-ee', majorEngineVersion: '19', optionGroupDescription: 'ssl', optionConfigurations: [{ optionName: 'SSL', port: 2484 }],
      });
      const db = instance('oracle-ee', '19', undefined, stack);
      db.optionGroupName = options.ref;
      expect(check(RDSTlsRequired, db)).toBe(NON_COMPLIANT);
    });
    test('an Aurora PostgreSQL cluster on a cluster parameter group with rds.force_ssl 0', () => {
      const stack = newStack();
      const group = new rds.CfnDBClusterParameterGroup(stack, 'Parameters', { description: 'p', family: 'aurora-postgresql16', parameters: { 'rds.force_ssl': '0' } });
      const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true, dbClusterParameterGroupName: group.ref });
      expect(check(RDSTlsRequired, cluster)).toBe(NON_COMPLIANT);
    });
  });

  describe('not assessed (the pack reports the rule not applicable)', () => {
    test('a parameter group defined outside the stack cannot be checked', () => {
      const stack = newStack();
      const db = instance('postgres', '16', undefined, stack);
      db.dbParameterGroupName = 'shared-tls-params';
      expect(() => check(RDSTlsRequired, db)).toThrow(/parameter group shared-tls-params, defined outside this template/);
    });
    test('a TLS parameter known only at deployment cannot be checked', () => {
      const stack = newStack();
      const value = new CfnParameter(stack, 'ForceSsl');
      expect(() => check(RDSTlsRequired, instance('postgres', '14', { 'rds.force_ssl': value.valueAsString }, stack))).toThrow(/known only at deployment/);
    });
    test('an instance of an Aurora cluster is judged on its cluster', () => {
      const stack = newStack();
      const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-mysql', storageEncrypted: true });
      const member = new rds.CfnDBInstance(stack, 'Member', { engine: 'aurora-mysql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
      expect(check(RDSTlsRequired, member)).toBe(NOT_APPLICABLE);
    });
    test('other resources', () => {
      expect(check(RDSTlsRequired, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
    });
  });
});
