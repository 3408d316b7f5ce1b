/**
 * EncryptedDatabaseCluster, deployed: an Aurora PostgreSQL Serverless v2 cluster encrypted with the key
 * the construct created, its RDS-managed master password under the same key, IAM authentication on, and
 * TLS required by rds.force_ssl in its cluster parameter group. Deploy with `npx projen integ:deploy` (one
 * Serverless v2 writer at 0.5 ACU runs for the length of the test).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EncryptedDatabaseCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiEncryptedDatabaseClusterInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cluster = new EncryptedDatabaseCluster(stack, 'Ledger', {
  engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
  writer: rds.ClusterInstance.serverlessV2('Writer'),
  serverlessV2MinCapacity: 0.5,
  serverlessV2MaxCapacity: 1,
  vpc,
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'EncryptedDatabaseCluster', { testCases: [stack] });

integ.assertions
  .awsApiCall('RDS', 'describeDBClusters', { DBClusterIdentifier: cluster.clusterIdentifier })
  .expect(ExpectedResult.objectLike({
    DBClusters: Match.arrayWith([Match.objectLike({
      StorageEncrypted: true,
      KmsKeyId: cluster.storageEncryptionKey.keyRef.keyArn,
      MasterUserSecret: Match.objectLike({ KmsKeyId: cluster.storageEncryptionKey.keyRef.keyArn }),
      IAMDatabaseAuthenticationEnabled: true,
      EnabledCloudwatchLogsExports: ['postgresql'],
    })]),
  }));

integ.assertions
  .awsApiCall('RDS', 'describeDBClusterParameters', {
    DBClusterParameterGroupName: (cluster.node.defaultChild as rds.CfnDBCluster).dbClusterParameterGroupName,
    Source: 'user',
  })
  .expect(ExpectedResult.objectLike({
    Parameters: Match.arrayWith([Match.objectLike({ ParameterName: 'rds.force_ssl', ParameterValue: '1' })]),
  }));
