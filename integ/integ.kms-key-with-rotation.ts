/**
 * KmsKeyWithRotation, deployed: rotation is on with the default period, and the key policy holds the
 * separation-of-duties denies. Deploy with `npx projen integ:deploy`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KmsKeyWithRotation } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiKeyWithRotationInteg');

const admin = new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });
const user = new iam.Role(stack, 'KeyUser', { assumedBy: new iam.AccountRootPrincipal() });
const key = new KmsKeyWithRotation(stack, 'Key', {
  admins: [admin],
  users: [user],
  removalPolicy: RemovalPolicy.DESTROY,
  pendingWindow: Duration.days(7),
});

const integ = new IntegTest(app, 'KmsKeyWithRotation', { testCases: [stack] });

integ.assertions
  .awsApiCall('KMS', 'getKeyRotationStatus', { KeyId: key.keyId })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true, RotationPeriodInDays: 365 }));

integ.assertions
  .awsApiCall('KMS', 'getKeyPolicy', { KeyId: key.keyId, PolicyName: 'default' })
  .expect(ExpectedResult.objectLike({
    Policy: Match.stringLikeRegexp('DenyCryptographicUseToKeyAdministrators[\\s\\S]*DenyKeyManagementToKeyUsers'),
  }));

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: key.keyId })
  .expect(ExpectedResult.objectLike({
    KeyMetadata: { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Enabled: true, KeyManager: 'CUSTOMER' },
  }));
