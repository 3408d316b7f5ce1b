/**
 * EncryptedDatabaseInstance, deployed: a PostgreSQL instance encrypted with the key the construct
 * created, its RDS-managed master password under the same key, IAM authentication on, not public, TLS
 * required by rds.force_ssl, and its logs exported to log groups encrypted with the key. Deploy with
 * `npx projen integ:deploy` (a db.t4g.micro runs for the length of the test).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EncryptedDatabaseInstance } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiEncryptedDatabaseInstanceInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const db = new EncryptedDatabaseInstance(stack, 'Db', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
  allocatedStorage: 20,
  vpc,
  multiAz: false,
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'EncryptedDatabaseInstance', { testCases: [stack] });

integ.assertions
  .awsApiCall('RDS', 'describeDBInstances', { DBInstanceIdentifier: db.instanceIdentifier })
  .expect(ExpectedResult.objectLike({
    DBInstances: Match.arrayWith([Match.objectLike({
      StorageEncrypted: true,
      KmsKeyId: db.storageEncryptionKey.keyRef.keyArn,
      MasterUserSecret: Match.objectLike({ KmsKeyId: db.storageEncryptionKey.keyRef.keyArn }),
      IAMDatabaseAuthenticationEnabled: true,
      PubliclyAccessible: false,
      DeletionProtection: false,
      EnabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
    })]),
  }));

integ.assertions
  .awsApiCall('RDS', 'describeDBParameters', { DBParameterGroupName: (db.node.defaultChild as rds.CfnDBInstance).dbParameterGroupName, Source: 'user' })
  .expect(ExpectedResult.objectLike({
    Parameters: Match.arrayWith([Match.objectLike({ ParameterName: 'rds.force_ssl', ParameterValue: '1' })]),
  }));

integ.assertions
  .awsApiCall('CloudWatchLogs', 'describeLogGroups', { logGroupNamePrefix: `/aws/rds/instance/${db.instanceIdentifier}/` })
  .expect(ExpectedResult.objectLike({
    logGroups: Match.arrayWith([Match.objectLike({ kmsKeyId: db.cloudwatchLogsEncryptionKey!.keyArn })]),
  }));
