/**
 * EncryptedVolume, deployed: the volume is encrypted with the key the construct created, and that key
 * rotates. Deploy with `npx projen integ:deploy`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { EncryptedVolume } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiEncryptedVolumeInteg');

const volume = new EncryptedVolume(stack, 'Volume', {
  availabilityZone: stack.availabilityZones[0],
  size: Size.gibibytes(1),
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'EncryptedVolume', { testCases: [stack] });

integ.assertions
  .awsApiCall('EC2', 'describeVolumes', { VolumeIds: [volume.volumeId] })
  .expect(ExpectedResult.objectLike({
    Volumes: Match.arrayWith([Match.objectLike({ Encrypted: true, KmsKeyId: volume.encryptionKey!.keyArn })]),
  }));

integ.assertions
  .awsApiCall('KMS', 'getKeyRotationStatus', { KeyId: volume.encryptionKey!.keyArn })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true }));
