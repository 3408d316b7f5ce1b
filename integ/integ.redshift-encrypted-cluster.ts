/**
 * RedshiftEncryptedCluster, deployed: encrypted with the key the construct created, not public, with
 * enhanced VPC routing, audit logs exported, and TLS required by its parameter group. Deploy with
 * `npx projen integ:deploy` (a single-node ra3.large cluster runs for the length of the test).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RedshiftEncryptedCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiRedshiftEncryptedClusterInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
const cluster = new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, numberOfNodes: 1, removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'RedshiftEncryptedCluster', { testCases: [stack] });

integ.assertions
  .awsApiCall('Redshift', 'describeClusters', { ClusterIdentifier: cluster.clusterName })
  .expect(ExpectedResult.objectLike({
    Clusters: Match.arrayWith([Match.objectLike({
      Encrypted: true,
      KmsKeyId: cluster.encryptionKey.keyArn,
      PubliclyAccessible: false,
      EnhancedVpcRouting: true,
    })]),
  }));

integ.assertions
  .awsApiCall('Redshift', 'describeLoggingStatus', { ClusterIdentifier: cluster.clusterName })
  .expect(ExpectedResult.objectLike({ LoggingEnabled: true, LogDestinationType: 's3' }));
