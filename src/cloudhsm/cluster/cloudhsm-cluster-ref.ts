import { IResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * An AWS CloudHSM cluster, created by `CloudHsmCluster` or imported.
 */
export interface ICloudHsmCluster extends IResource, ec2.IConnectable {
  /**
   * The cluster id, such as `cluster-abcdefghijk`.
   *
   * @attribute
   */
  readonly clusterId: string;

  /**
   * The name of the SSM parameter (String) that holds the cluster's trust anchor certificate (PEM):
   * the self-signed root that signed the cluster certificate. CloudHSM clients and KMS custom key
   * stores need it.
   *
   * @attribute
   */
  readonly trustAnchorParameterName: string;

  /**
   * The Secrets Manager secret that holds the password of the cluster's `kmsuser` crypto user (the
   * user AWS KMS logs in as), when the cluster created that user.
   *
   * @default - none: create `kmsuser` yourself and give its password to the custom key store
   */
  readonly kmsUserPassword?: secretsmanager.ISecret;
}
