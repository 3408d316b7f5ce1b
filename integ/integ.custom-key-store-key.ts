/**
 * CustomKeyStoreKey, deployed: a KMS key whose material is created in a CloudHSM key store, with an
 * alias and scheduled rotation; the rotation function, invoked once, finds the key and reports that
 * no rotation is due.
 *
 * A custom key store cannot be made within an integration test's time (a CloudHSM cluster with two
 * HSMs, initialized, activated and connected takes an hour or more, and costs by the hour), so this
 * test needs one that already exists and is CONNECTED, in the account and Region of the deployment.
 * Give its id when deploying:
 *
 *   KMI_CUSTOM_KEY_STORE_ID=cks-1234567890abcdef0 npx projen integ:deploy
 *
 * (or `-c customKeyStoreId=cks-…`). Without it, the placeholder below only lets the test synthesize;
 * a deployment with it fails at CreateKey ("Custom key store cks-0000000000000000 does not exist").
 * The key is scheduled for deletion (7 days) when the test stack is deleted.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Resource, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CustomKeyStoreType, ICustomKeyStore } from '../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../src/key-store/key/custom-key-store-key';

const app = new App();
const storeId: string = app.node.tryGetContext('customKeyStoreId') ?? process.env.KMI_CUSTOM_KEY_STORE_ID ?? 'cks-0000000000000000';
const stack = new Stack(app, 'KmiCustomKeyStoreKeyInteg');

/** An existing CloudHSM key store, known by its id. */
class ExistingCloudHsmKeyStore extends Resource implements ICustomKeyStore {
  public readonly customKeyStoreType = CustomKeyStoreType.AWS_CLOUDHSM;
  constructor(scope: Construct, id: string, public readonly customKeyStoreId: string) {
    super(scope, id);
  }
}

const key = new CustomKeyStoreKey(stack, 'HsmKey', {
  customKeyStore: new ExistingCloudHsmKeyStore(stack, 'Store', storeId),
  description: 'cdk-kmi integration test: key in a CloudHSM key store',
  pendingWindow: Duration.days(7),
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'CustomKeyStoreKey', { testCases: [stack] });

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: key.keyId })
  .expect(ExpectedResult.objectLike({
    KeyMetadata: {
      Origin: 'AWS_CLOUDHSM',
      CustomKeyStoreId: storeId,
      KeyState: 'Enabled',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      Description: 'cdk-kmi integration test: key in a CloudHSM key store',
    },
  }));

// The alias names the first generation.
integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: key.aliasName })
  .expect(ExpectedResult.objectLike({ KeyMetadata: { KeyId: key.keyId, KeyState: 'Enabled' } }));

// Every generation carries the key family, on which the grants are conditioned.
integ.assertions
  .awsApiCall('KMS', 'listResourceTags', { KeyId: key.keyId })
  .expect(ExpectedResult.objectLike({
    Tags: Match.arrayWith([
      { TagKey: 'cdk-kmi:key-family', TagValue: key.keyFamily },
      { TagKey: 'cdk-kmi:generation', TagValue: '1' },
    ]),
  }));

// The rotation function, with its own role, reads the key through the alias: a new key is not due.
const rotationFunction = key.node.findChild('Rotation').node.findChild('Function') as lambda.IFunction;
integ.assertions
  .invokeFunction({
    functionName: rotationFunction.functionName,
    payload: JSON.stringify({ AliasName: key.aliasName, KeyFamily: key.keyFamily, RotationPeriodInDays: 365 }),
  })
  .expect(ExpectedResult.objectLike({ Payload: Match.stringLikeRegexp('"action":"NOT_DUE"') }));
