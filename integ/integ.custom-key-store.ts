/**
 * CustomKeyStore, deployed: a CloudHSM key store on a CloudHsmCluster (two HSMs in two Availability
 * Zones, initialized and activated, kmsuser created), created and connected. The assertion asks KMS
 * for the store and expects it CONNECTED to that cluster.
 *
 * Deploying is slow and costs money: a VPC with a NAT gateway (the activation client needs HTTPS
 * egress), two HSMs billed by the hour, about an hour for the cluster and up to 20 minutes for the
 * store to connect. Everything is DESTROY: the store is deleted first (it holds no keys), then the
 * cluster and its HSMs (CloudHSM keeps the cluster's backups for their retention period). Deploy with
 * `npx projen integ:deploy`; the committed snapshot comes from synthesis only.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CloudHsmCluster } from '../src/cloudhsm/cluster/cloudhsm-cluster';
import { CustomKeyStore, KeyStoreSource } from '../src/key-store/custom-key-store';

const app = new App();
const stack = new Stack(app, 'KmiCustomKeyStoreInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 1,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'Hsm', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  ],
});
const cluster = new CloudHsmCluster(stack, 'Cluster', { vpc, removalPolicy: RemovalPolicy.DESTROY });
const store = new CustomKeyStore(stack, 'KeyStore', {
  source: KeyStoreSource.cloudHsm({ cluster }),
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'CustomKeyStore', { testCases: [stack] });

integ.assertions
  .awsApiCall('KMS', 'describeCustomKeyStores', { CustomKeyStoreId: store.customKeyStoreId })
  .expect(ExpectedResult.objectLike({
    CustomKeyStores: Match.arrayWith([Match.objectLike({
      CustomKeyStoreId: store.customKeyStoreId,
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      CloudHsmClusterId: cluster.clusterId,
      ConnectionState: 'CONNECTED',
    })]),
  }));
