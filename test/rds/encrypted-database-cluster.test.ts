import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EncryptedDatabaseCluster, EncryptedDatabaseClusterProps, KmsKeyWithRotation } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';

const AURORA_POSTGRES = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });
const AURORA_MYSQL = rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 });

function cluster(props: Partial<EncryptedDatabaseClusterProps> = {}) {
  const stack = newStack();
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
    publicSubnetIds: ['subnet-0a1b2c3d4e5f607a1', 'subnet-0a1b2c3d4e5f607a2'],
  });
  const db = new EncryptedDatabaseCluster(stack, 'Ledger', { engine: AURORA_POSTGRES, writer: rds.ClusterInstance.serverlessV2('Writer'), vpc, ...props });
  return { stack, db, template: synth(stack) };
}

describe('defaults (Aurora PostgreSQL)', () => {
  const { db, template } = cluster();
  const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerKey'), 'Arn'] };
  test('cluster volume encrypted with a new rotating key, which also encrypts the RDS-managed master password', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      StorageEncrypted: true, KmsKeyId: key, ManageMasterUserPassword: true, MasterUserSecret: { KmsKeyId: key }, MasterUserPassword: Match.absent(),
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(db.storageEncryptionKey).toBeInstanceOf(KmsKeyWithRotation);
  });
  test('TLS required by rds.force_ssl in the cluster parameter group', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'rds.force_ssl': '1' } });
  });
  test('IAM authentication and deletion protection on; instances not public; a final snapshot', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: true, DeletionProtection: true });
    template.hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot' });
  });
  test('PostgreSQL log exported to a log group created first, encrypted with the key', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableCloudwatchLogsExports: ['postgresql'], DBClusterIdentifier: Match.stringLikeRegexp('^kmiteststack-ledger-[0-9a-f]{8}$') });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^/aws/rds/cluster/kmiteststack-ledger-[0-9a-f]{8}/postgresql$'), KmsKeyId: key });
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('props', () => {
  test('Aurora MySQL requires TLS by require_secure_transport and exports its four logs', () => {
    const { template } = cluster({ engine: AURORA_MYSQL });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { require_secure_transport: '1' } });
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableCloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery'] });
  });
  test('Performance Insights with the storage key', () => {
    cluster({ enablePerformanceInsights: true }).template.hasResourceProperties('AWS::RDS::DBCluster', {
      PerformanceInsightsEnabled: true, PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LedgerKey'), 'Arn'] },
    });
  });
});

describe('bad input', () => {
  test.each<[string, Partial<EncryptedDatabaseClusterProps>, RegExp]>([
    ['storageEncrypted false', { storageEncrypted: false }, /TestStack\/Ledger: invalid storageEncrypted: got false; allowed: true or unset/],
    ['a public writer', { writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: true }) }, /TestStack\/Ledger: invalid writer\/readers publiclyAccessible: got true on TestStack\/Ledger\/Writer/],
    ['rds.force_ssl off', { parameters: { 'rds.force_ssl': '0' } }, /invalid parameters.rds.force_ssl: got '0'/],
    ['require_secure_transport off on Aurora MySQL', { engine: AURORA_MYSQL, parameters: { require_secure_transport: '0' } }, /invalid parameters.require_secure_transport: got '0'/],
    ['iamAuthentication false', { iamAuthentication: false }, /invalid iamAuthentication: got false/],
    ['public subnets', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, /invalid vpcSubnets: got 2 public subnet\(s\)/],
  ])('%s is refused', (_, props, message) => {
    expect(() => cluster(props)).toThrow(message);
  });
});

describe('compliance', () => {
  test.each([['Aurora PostgreSQL', AURORA_POSTGRES], ['Aurora MySQL', AURORA_MYSQL]])('the four packs report nothing on %s with default props', (_, engine) => {
    const { stack } = cluster({ engine });
    expect(nagFindings(stack)).toEqual([]);
  });
});
