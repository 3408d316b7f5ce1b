import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EncryptedDatabaseInstance, EncryptedDatabaseInstanceProps, KmsKeyWithRotation } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';

const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 });

/** aws-cdk-lib has no Db2 engine class: an engine of RDS's shape for Db2 Standard Edition 11.5. */
const DB2: rds.IInstanceEngine = {
  engineType: 'db2-se',
  engineVersion: { fullVersion: '11.5.9.0.sb00000000.r1', majorVersion: '11.5' },
  parameterGroupFamily: 'db2-se-11.5',
  singleUserRotationApplication: rds.DatabaseInstanceEngine.POSTGRES.singleUserRotationApplication,
  multiUserRotationApplication: rds.DatabaseInstanceEngine.POSTGRES.multiUserRotationApplication,
  supportedLogTypes: ['diag.log', 'notify.log'],
  bindToInstance: () => ({}),
};

function importedVpc(stack: ReturnType<typeof newStack>) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
    publicSubnetIds: ['subnet-0a1b2c3d4e5f607a1', 'subnet-0a1b2c3d4e5f607a2'],
  });
}

function instance(props: Partial<EncryptedDatabaseInstanceProps> = {}) {
  const stack = newStack();
  const vpc = importedVpc(stack);
  // SQL Server and Db2 editions take only some instance classes; the aws-cdk-lib default (m5.large) is not one of them.
  const engineType = props.engine?.engineType ?? '';
  const instanceType = engineType === 'sqlserver-ex' ? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL)
    : engineType.startsWith('sqlserver') || engineType.startsWith('db2') ? ec2.InstanceType.of(ec2.InstanceClass.M6I, ec2.InstanceSize.XLARGE) : undefined;
  const db = new EncryptedDatabaseInstance(stack, 'Db', { engine: POSTGRES, vpc, instanceType, ...props });
  return { stack, db, template: synth(stack) };
}

describe('defaults (PostgreSQL)', () => {
  const { stack, db, template } = instance();
  const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] };

  test('storage encrypted with a new rotating key, which also encrypts the RDS-managed master password', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      StorageEncrypted: true,
      KmsKeyId: key,
      ManageMasterUserPassword: true,
      MasterUserSecret: { KmsKeyId: key },
      MasterUserPassword: Match.absent(),
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(db.storageEncryptionKey).toBeInstanceOf(KmsKeyWithRotation);
    expect(stack.resolve(db.masterUserSecret.secretArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Db/), 'MasterUserSecret.SecretArn'] });
  });
  test('TLS required by rds.force_ssl in a parameter group the instance uses', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres17', Parameters: { 'rds.force_ssl': '1' } });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBParameterGroupName: { Ref: Match.stringLikeRegexp('^DbParameterGroup') } });
  });
  test('IAM authentication on, not public, private subnets, Multi-AZ, deletion protection', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      EnableIAMDatabaseAuthentication: true,
      PubliclyAccessible: false,
      MultiAZ: true,
      DeletionProtection: true,
    });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'] });
  });
  test('a final snapshot on removal; the key is retained', () => {
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
  test('every PostgreSQL log exported, to log groups created first and encrypted with the key', () => {
    const identifier = stack.resolve((db.node.defaultChild as rds.CfnDBInstance).dbInstanceIdentifier);
    expect(identifier).toMatch(/^kmiteststack-db-[0-9a-f]{8}$/);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceIdentifier: identifier, EnableCloudwatchLogsExports: ['postgresql', 'upgrade'] });
    for (const type of ['postgresql', 'upgrade']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/rds/instance/${identifier}/${type}`, KmsKeyId: key, RetentionInDays: 3653 });
    }
    template.hasResource('AWS::RDS::DBInstance', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('^DbLogspostgresql'), Match.stringLikeRegexp('^DbLogsupgrade')]) });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });
  test('the key lets CloudWatch Logs use it for these log groups only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':logs:us-east-1:111111111111:log-group:/aws/rds/instance/kmiteststack-db-[0-9a-f]{8}/\\*$')])] } } },
        })]),
      },
    });
  });
  test('Performance Insights off unless asked for', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', { EnablePerformanceInsights: Match.absent() });
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('TLS by engine', () => {
  test.each([
    ['MySQL', rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_3 }), { require_secure_transport: '1' }],
    ['MariaDB', rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_11_4_4 }), { require_secure_transport: '1' }],
    ['SQL Server', rds.DatabaseInstanceEngine.sqlServerSe({ version: rds.SqlServerEngineVersion.VER_16_00_4236_2_V1 }), { 'rds.force_ssl': '1' }],
    ['Db2', DB2, { DB2COMM: 'SSL', SSL_SVCENAME: '50443' }],
  ])('%s requires TLS by its own parameter', (_, engine, parameters) => {
    const { template } = instance({ engine, licenseModel: undefined });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: parameters });
  });
  test('Oracle requires native network encryption in an option group the instance uses', () => {
    const { template, db } = instance({ engine: rds.DatabaseInstanceEngine.oracleEe({ version: rds.OracleEngineVersion.VER_19_0_0_0_2024_10_R1 }) });
    template.hasResourceProperties('AWS::RDS::OptionGroup', {
      EngineName: 'oracle-ee',
      OptionConfigurations: [{
        OptionName: 'NATIVE_NETWORK_ENCRYPTION',
        OptionSettings: Match.arrayWith([{ Name: 'SQLNET.ENCRYPTION_SERVER', Value: 'REQUIRED' }, { Name: 'SQLNET.CRYPTO_CHECKSUM_SERVER', Value: 'REQUIRED' }]),
      }],
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { OptionGroupName: { Ref: Match.stringLikeRegexp('^DbOptionGroup') }, EnableIAMDatabaseAuthentication: Match.absent() });
    expect(db.oracleOptionGroup).toBeDefined();
  });
  test('Db2 clients connect with TLS on port 50443', () => {
    const { db } = instance({ engine: DB2 });
    expect(db.tlsPort).toBe(50443);
  });
  test.each([
    ['SQL Server', rds.DatabaseInstanceEngine.sqlServerSe({ version: rds.SqlServerEngineVersion.VER_16_00_4236_2_V1 })],
    ['Db2', DB2],
  ])('%s has no IAM database authentication, so it is left off', (_, engine) => {
    instance({ engine }).template.hasResourceProperties('AWS::RDS::DBInstance', { EnableIAMDatabaseAuthentication: Match.absent() });
  });
  test('SQL Server Express exports only its error log (no SQL Server Agent) and is single-AZ (no Multi-AZ)', () => {
    const { template } = instance({ engine: rds.DatabaseInstanceEngine.sqlServerEx({ version: rds.SqlServerEngineVersion.VER_16_00_4236_2_V1 }) });
    template.hasResourceProperties('AWS::RDS::DBInstance', { EnableCloudwatchLogsExports: ['error'], MultiAZ: false });
  });
});

describe('props', () => {
  test('a key of your own (for example in a CloudHSM key store) encrypts storage, password and Performance Insights; logs get a new key', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'HsmKey', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    const db = new EncryptedDatabaseInstance(stack, 'Db', { engine: POSTGRES, vpc: importedVpc(stack), storageEncryptionKey: key, enablePerformanceInsights: true });
    const template = synth(stack);
    const arn = 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111';
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      KmsKeyId: arn, MasterUserSecret: { KmsKeyId: arn }, EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: arn,
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbLogsKey'), 'Arn'] } });
    expect(db.cloudwatchLogsEncryptionKey).toBeInstanceOf(KmsKeyWithRotation);
  });
  test('Performance Insights with the storage key by default', () => {
    instance({ enablePerformanceInsights: true }).template.hasResourceProperties('AWS::RDS::DBInstance', {
      EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbKey'), 'Arn'] },
    });
  });
  test('no log exports: no log groups and no generated identifier', () => {
    const { template } = instance({ cloudwatchLogsExports: [] });
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceIdentifier: Match.absent(), EnableCloudwatchLogsExports: Match.absent() });
  });
  test('a user name of your own, extra parameters, DESTROY', () => {
    const { template } = instance({
      credentials: rds.Credentials.fromUsername('orders_admin'),
      parameters: { 'log_min_duration_statement': '500', 'rds.force_ssl': '1' },
      removalPolicy: RemovalPolicy.DESTROY,
      deletionProtection: false,
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { MasterUsername: 'orders_admin', DeletionProtection: false });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'log_min_duration_statement': '500', 'rds.force_ssl': '1' } });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });
});

describe('bad input', () => {
  test.each<[string, Partial<EncryptedDatabaseInstanceProps>, RegExp]>([
    ['storageEncrypted false', { storageEncrypted: false }, /TestStack\/Db: invalid storageEncrypted: got false; allowed: true or unset \(the storage is always encrypted\)\. Use rds\.DatabaseInstance/],
    ['a public instance', { publiclyAccessible: true }, /TestStack\/Db: invalid publiclyAccessible: got true; allowed: false or unset/],
    ['rds.force_ssl off', { parameters: { 'rds.force_ssl': '0' } }, /TestStack\/Db: invalid parameters.rds.force_ssl: got '0'; allowed: '1', 'true', 'on' or unset\. The construct requires TLS/],
    ['require_secure_transport OFF on MySQL', { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_3 }), parameters: { require_secure_transport: 'OFF' } }, /invalid parameters.require_secure_transport: got 'OFF'/],
    ['a parameter group of your own', { parameterGroup: rds.ParameterGroup.fromParameterGroupName(newStack(), 'P', 'mine') }, /invalid parameterGroup: got a parameter group; allowed: unset/],
    ['credentials with a password', { credentials: rds.Credentials.fromPassword('admin', SecretValue.unsafePlainText('hunter2hunter2')) }, /invalid credentials: got credentials with a password; allowed: a user name only/],
    ['iamAuthentication false', { iamAuthentication: false }, /invalid iamAuthentication: got false; allowed: true or unset/],
    ['iamAuthentication true on Oracle', { engine: rds.DatabaseInstanceEngine.oracleEe({ version: rds.OracleEngineVersion.VER_19_0_0_0_2024_10_R1 }), iamAuthentication: true }, /invalid iamAuthentication: got true; allowed: false or unset \(oracle does not support/],
    ['an engine without a version', { engine: rds.DatabaseInstanceEngine.POSTGRES }, /invalid engine: got 'postgres' without a version/],
    ['public subnets', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, /invalid vpcSubnets: got 2 public subnet\(s\); allowed: private or isolated subnets/],
  ])('%s is refused', (_, props, message) => {
    expect(() => instance(props)).toThrow(message);
  });
  test('an Oracle option group of your own is refused', () => {
    const stack = newStack();
    const engine = rds.DatabaseInstanceEngine.oracleEe({ version: rds.OracleEngineVersion.VER_19_0_0_0_2024_10_R1 });
    const optionGroup = rds.OptionGroup.fromOptionGroupName(stack, 'O', 'mine');
    expect(() => new EncryptedDatabaseInstance(stack, 'Db', { engine, vpc: importedVpc(stack), optionGroup }))
      .toThrow(/invalid optionGroup: got an option group; allowed: unset for Oracle/);
  });
});

describe('compliance', () => {
  test.each([
    ['PostgreSQL', POSTGRES],
    ['MySQL', rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_4_3 })],
    ['SQL Server', rds.DatabaseInstanceEngine.sqlServerSe({ version: rds.SqlServerEngineVersion.VER_16_00_4236_2_V1 })],
    ['Oracle', rds.DatabaseInstanceEngine.oracleEe({ version: rds.OracleEngineVersion.VER_19_0_0_0_2024_10_R1 })],
  ])('the four packs report nothing on %s with default props', (_, engine) => {
    const { stack } = instance({ engine });
    expect(nagFindings(stack)).toEqual([]);
  });
});
