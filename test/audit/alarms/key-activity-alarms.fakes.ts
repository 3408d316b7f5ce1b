import { CfnResource, Resource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ICloudHsmCluster } from '../../../src/cloudhsm/cluster/cloudhsm-cluster-ref';
import { CustomKeyStoreType, ICustomKeyStore } from '../../../src/key-store/custom-key-store-ref';

/** A CloudHSM cluster known by id, as an imported cluster would be. */
export class FakeCluster extends Resource implements ICloudHsmCluster {
  public readonly connections = new ec2.Connections();
  public readonly trustAnchorParameterName = '/cluster/trust-anchor';
  constructor(scope: Construct, id: string, public readonly clusterId: string) {
    super(scope, id);
  }
}

/** A custom key store known by id, as an imported store would be. */
export class FakeKeyStore extends Resource implements ICustomKeyStore {
  public readonly customKeyStoreType = CustomKeyStoreType.AWS_CLOUDHSM;
  constructor(scope: Construct, id: string, public readonly customKeyStoreId: string) {
    super(scope, id);
  }
}

/**
 * A key with a resource of its own that is not an AWS::KMS::Key, shaped like a key in a custom key
 * store: only what KeyActivityAlarms looks at.
 */
export class FakeKeyInStore extends Construct {
  public readonly keyArn: string;
  public readonly keyId: string;
  /** Keys in custom key stores have an alias of their own; that does not make them aliases. */
  public readonly aliasName = 'alias/in-store';
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const resource = new CfnResource(this, 'Resource', {
      type: 'Custom::KmiCustomKeyStoreKey',
      properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider', CustomKeyStoreId: 'cks-1234567890abcdef0' },
    });
    this.keyArn = resource.getAtt('Arn').toString();
    this.keyId = resource.getAtt('KeyId').toString();
  }
  public grantEncryptDecrypt(): void {}
}
