/**
 * EbsEncryptionByDefault, deployed: the account and Region encrypt new EBS volumes by default, with
 * the key the construct created. DESTROY restores the previous settings when the test stack is
 * deleted. Deploy with `npx projen integ:deploy` (it changes an account setting while it runs).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EbsEncryptionByDefault } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiEbsEncryptionByDefaultInteg');

const ebs = new EbsEncryptionByDefault(stack, 'EbsEncryptionByDefault', { removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'EbsEncryptionByDefault', { testCases: [stack] });

integ.assertions
  .awsApiCall('EC2', 'getEbsEncryptionByDefault', {})
  .expect(ExpectedResult.objectLike({ EbsEncryptionByDefault: true }));

integ.assertions
  .awsApiCall('EC2', 'getEbsDefaultKmsKeyId', {})
  .expect(ExpectedResult.objectLike({ KmsKeyId: ebs.encryptionKey.keyArn }));
