import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import { RedshiftEncryptedCluster, RedshiftEncryptedClusterProps } from '../../../../src/redshift/redshift-encrypted-cluster';
import { newStack } from '../../../util/app';

/** A RedshiftEncryptedCluster in a new VPC of a new stack. */
export function encryptedCluster(props: Partial<RedshiftEncryptedClusterProps> = {}): RedshiftEncryptedCluster {
  const stack = newStack();
  return new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), ...props });
}

/** A plain L1 Redshift cluster with the given properties on top of the required ones. */
export function plainCluster(stack: Stack, props: Partial<redshift.CfnClusterProps> = {}): redshift.CfnCluster {
  return new redshift.CfnCluster(stack, 'Cluster', {
    clusterType: 'single-node',
    nodeType: 'ra3.large',
    dbName: 'dev',
    masterUsername: 'kmiadmin',
    manageMasterPassword: true,
    ...props,
  });
}
