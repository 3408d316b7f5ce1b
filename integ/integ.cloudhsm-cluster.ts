/**
 * CloudHsmCluster, deployed: an hsm2m.medium cluster in FIPS mode with two HSMs in two Availability
 * Zones, initialized with a self-managed trust anchor and activated. The assertions ask CloudHSM for
 * the cluster and expect it ACTIVE with exactly two ACTIVE HSMs, one in each zone's subnet, and ask SSM
 * for the trust anchor certificate.
 *
 * Deploying is slow and costs money: a VPC with a NAT gateway (the activation client needs HTTPS
 * egress), two HSMs billed by the hour, and about an hour in all (first HSM, initialization, second
 * HSM, activation). Everything is DESTROY: the HSMs are deleted, then the cluster (CloudHSM keeps its
 * backups for their retention period, here the minimum of 7 days). Deploy with
 * `npx projen integ:deploy`; the committed snapshot comes from synthesis only.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CloudHsmCluster } from '../src/cloudhsm/cluster/cloudhsm-cluster';

const app = new App();
const stack = new Stack(app, 'KmiCloudHsmClusterInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 1,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'Hsm', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  ],
});
const cluster = new CloudHsmCluster(stack, 'Cluster', {
  vpc,
  backupRetention: Duration.days(7),
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'CloudHsmCluster', { testCases: [stack] });

// Nested arrays match by length: exactly two HSMs, both ACTIVE.
integ.assertions
  .awsApiCall('CloudHSMV2', 'describeClusters', { Filters: { clusterIds: [cluster.clusterId] } })
  .expect(ExpectedResult.objectLike({
    Clusters: [Match.objectLike({
      ClusterId: cluster.clusterId,
      State: 'ACTIVE',
      HsmType: 'hsm2m.medium',
      Mode: 'FIPS',
      Hsms: [Match.objectLike({ State: 'ACTIVE' }), Match.objectLike({ State: 'ACTIVE' })],
    })],
  }));

integ.assertions
  .awsApiCall('SSM', 'getParameter', { Name: cluster.trustAnchorParameterName })
  .expect(ExpectedResult.objectLike({ Parameter: Match.objectLike({ Type: 'String', Value: Match.stringLikeRegexp('^-----BEGIN CERTIFICATE-----') }) }));
