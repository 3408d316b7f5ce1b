import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  EncryptedDatabaseCluster, EncryptedDatabaseInstance, EncryptedDatabaseInstanceReadReplica, EncryptedTable, FieldLevelEncryptionKeys,
  SearchableFieldKeys,
} from '../../../../src';
import { analyzeTemplate, ResourcePosture } from '../../../../src/audit/posture';
import { findingsOf, postureOfApp, removeTemporaryDirectories, rowAt } from '../helpers';

afterAll(removeTemporaryDirectories);

function vpcOf(stack: Stack) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
  });
}

describe('the library\'s databases and field-level keys', () => {
  const rows = postureOfApp((stack) => {
    const vpc = vpcOf(stack);
    const source = new EncryptedDatabaseInstance(stack, 'Pg', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }), vpc });
    new EncryptedDatabaseInstance(stack, 'Ora', {
      engine: rds.DatabaseInstanceEngine.oracleSe2({ version: rds.OracleEngineVersion.VER_19_0_0_0_2021_04_R1 }),
      vpc,
      licenseModel: rds.LicenseModel.LICENSE_INCLUDED,
    });
    const instanceType = ec2.InstanceType.of(ec2.InstanceClass.M6I, ec2.InstanceSize.LARGE);
    new EncryptedDatabaseInstanceReadReplica(stack, 'Replica', { sourceDatabaseInstance: source, vpc, instanceType });
    new EncryptedDatabaseCluster(stack, 'Aurora', {
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }), writer: rds.ClusterInstance.serverlessV2('Writer'), vpc,
    });
    new EncryptedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: { purpose: 'records' } });
    new FieldLevelEncryptionKeys(stack, 'Store', { encryptionContext: { purpose: 'records' }, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE });
  });
  const cmk = (path: string) => ({ option: 3, keyManagement: 'AWS KMS, customer managed key', key: `TestStack/${path}`, rotation: 'automatic every 365 days' });

  test('an EncryptedDatabaseInstance: option 3 with its own key, TLS required by rds.force_ssl, no findings', () => {
    expect(rowAt(rows, 'AWS::RDS::DBInstance', 'Pg')).toMatchObject({ encrypted: 'yes', ...cmk('PgKey'), tls: 'TLS required', findings: [] });
  });
  test('an EncryptedDatabaseInstance on Oracle: native network encryption required by its option group', () => {
    expect(rowAt(rows, 'AWS::RDS::DBInstance', 'Ora')).toMatchObject({ encrypted: 'yes', ...cmk('OraKey'), tls: 'NNE required', findings: [] });
  });
  test('a read replica: encryption inherited from its source, TLS read from its own parameter group', () => {
    expect(rowAt(rows, 'AWS::RDS::DBInstance', 'Replica')).toMatchObject({ tls: 'TLS required' });
  });
  test('an EncryptedDatabaseCluster on Aurora MySQL: require_secure_transport 1 in its cluster parameter group', () => {
    expect(rowAt(rows, 'AWS::RDS::DBCluster', 'Aurora')).toMatchObject({ encrypted: 'yes', ...cmk('AuroraKey'), tls: 'TLS required', findings: [] });
  });
  test('the HMAC key of field-level encryption does not rotate, and that is not a finding', () => {
    const row = rowAt(rows, 'AWS::KMS::Key', 'Fields/MacKey');
    expect(row).toMatchObject({ encryption: 'KMS key (HMAC_256)', option: 3, rotation: 'does not rotate (HMAC keys have no automatic rotation)' });
    expect(findingsOf(row)).not.toContain('medium key-not-rotated');
  });
  test('the branch key store is a DynamoDB table row with its customer managed key', () => {
    expect(rowAt(rows, 'AWS::DynamoDB::GlobalTable', 'Store/BranchKeyStore')).toMatchObject({ encrypted: 'yes', ...cmk('Store/BranchKeyStoreKey') });
  });
});

/** The one row of `id` in a template of the given resources. */
function rowOf(resources: Record<string, any>, id: string): ResourcePosture {
  const rows = analyzeTemplate('TestStack', { Resources: resources, Parameters: { Ssl: { Type: 'String' } } });
  return rows.find((r) => r.logicalId === id)!;
}

const encrypted = (props: Record<string, any>) => ({ Type: 'AWS::RDS::DBInstance', Properties: { StorageEncrypted: true, KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k', ...props } });
const group = (parameters: Record<string, any>) => ({ Type: 'AWS::RDS::DBParameterGroup', Properties: { Family: 'f', Description: 'd', Parameters: parameters } });

describe('TLS of each engine, when storage is encrypted', () => {
  test.each([
    ['sqlserver-se', { 'rds.force_ssl': '0' }, 'not enforced', 'medium tls-not-enforced'],
    ['sqlserver-se', {}, 'not enforced', 'medium tls-not-enforced'],
    ['mysql', { require_secure_transport: 'OFF' }, 'not enforced', 'medium tls-not-enforced'],
    ['mariadb', { require_secure_transport: 'ON' }, 'TLS required', undefined],
    ['db2-se', { DB2COMM: 'SSL' }, 'TLS required', undefined],
    ['db2-se', { DB2COMM: 'TCPIP' }, 'not enforced', 'medium tls-not-enforced'],
    ['postgres', { 'rds.force_ssl': { Ref: 'Ssl' } }, 'unknown', 'info unreadable'],
  ])('%s with %j: %s', (engine, parameters, tls, expected) => {
    const row = rowOf({ Params: group(parameters), Db: encrypted({ Engine: engine, DBParameterGroupName: { Ref: 'Params' } }) }, 'Db');
    expect(row.tls).toBe(tls);
    const tlsFindings = findingsOf(row).filter((f) => /tls|unreadable/.test(f));
    expect(tlsFindings).toEqual(expected === undefined ? [] : [expected]);
  });
  test('MySQL 8.0 on the default parameter group: not enforced (require_secure_transport defaults to OFF up to 8.4)', () => {
    const row = rowOf({ Db: encrypted({ Engine: 'mysql', EngineVersion: '8.0.39' }) }, 'Db');
    expect(row).toMatchObject({ tls: 'not enforced' });
    expect(findingsOf(row)).toContain('medium tls-not-enforced');
  });
  test('PostgreSQL without a version on the default parameter group: the engine default, a low finding', () => {
    expect(findingsOf(rowOf({ Db: encrypted({ Engine: 'postgres' }) }, 'Db'))).toContain('low tls-engine-default');
  });
  test('a parameter group defined outside the template: unknown, not required', () => {
    const row = rowOf({ Db: encrypted({ Engine: 'postgres', DBParameterGroupName: 'shared-params' }) }, 'Db');
    expect(row.tls).toBe('unknown');
    expect(findingsOf(row)).toContain('info unreadable');
  });
  test('Oracle with the SSL option only: not enforced (a TLS listener beside the clear-text one)', () => {
    const row = rowOf({
      Options: { Type: 'AWS::RDS::OptionGroup', Properties: { EngineName: 'oracle-ee', MajorEngineVersion: '19', OptionGroupDescription: 'd', OptionConfigurations: [{ OptionName: 'SSL', Port: 2484 }] } },
      Db: encrypted({ Engine: 'oracle-ee', OptionGroupName: { Ref: 'Options' } }),
    }, 'Db');
    expect(row.tls).toBe('not enforced');
    expect(row.findings).toContainEqual(expect.objectContaining({ id: 'tls-not-enforced', message: expect.stringMatching(/clear-text/) }));
  });
});

describe('keys of what a database keeps besides its storage', () => {
  const pg = { Engine: 'postgres', EngineVersion: '17' };
  test('Performance Insights and the master password under AWS managed keys: a low finding each, named', () => {
    const row = rowOf({ Db: encrypted({ ...pg, EnablePerformanceInsights: true, ManageMasterUserPassword: true }) }, 'Db');
    expect(row.findings.filter((f) => f.id === 'aws-managed-key').map((f) => f.message)).toEqual([
      expect.stringMatching(/^Performance Insights: AWS managed key \(aws\/rds\)/),
      expect.stringMatching(/^master password secret: AWS managed key \(aws\/secretsmanager\)/),
    ]);
  });
  test('Performance Insights and the master password under the storage key: nothing more', () => {
    const key = 'arn:aws:kms:us-east-1:111111111111:key/k';
    const row = rowOf({ Db: encrypted({ ...pg, EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: key, ManageMasterUserPassword: true, MasterUserSecret: { KmsKeyId: key } }) }, 'Db');
    expect(row.findings.map((f) => f.message).filter((m) => /Performance Insights|master password/.test(m))).toEqual([]);
  });
});
