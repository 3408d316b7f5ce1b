import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { EBSVolumeCustomerManagedKey } from '../../../../src/audit/nag/rules/EBSVolumeCustomerManagedKey';
import { EncryptedVolume } from '../../../../src/ebs/encrypted-volume';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const VOLUME = { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) };

describe('EBSVolumeCustomerManagedKey', () => {
  describe('compliant', () => {
    test('an EncryptedVolume with defaults (a new KmsKeyWithRotation)', () => {
      expect(check(EBSVolumeCustomerManagedKey, new EncryptedVolume(newStack(), 'Volume', VOLUME))).toBe(COMPLIANT);
    });
    test('an EncryptedVolume with a key of the account given by ARN', () => {
      const stack = newStack();
      const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555');
      expect(check(EBSVolumeCustomerManagedKey, new EncryptedVolume(stack, 'Volume', { ...VOLUME, encryptionKey }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('an ec2.Volume with encrypted true and no key (aws/ebs)', () => {
      expect(check(EBSVolumeCustomerManagedKey, new ec2.Volume(newStack(), 'Volume', { ...VOLUME, encrypted: true }))).toBe(NON_COMPLIANT);
    });
    test('an ec2.Volume encrypted with the alias aws/ebs', () => {
      const stack = newStack();
      const encryptionKey = kms.Alias.fromAliasName(stack, 'AwsEbs', 'alias/aws/ebs');
      expect(check(EBSVolumeCustomerManagedKey, new ec2.Volume(stack, 'Volume', { ...VOLUME, encrypted: true, encryptionKey }))).toBe(NON_COMPLIANT);
    });
    test('a volume whose KmsKeyId is the alias name alias/aws/ebs', () => {
      const volume = new ec2.CfnVolume(newStack(), 'Volume', { availabilityZone: 'us-east-1a', size: 10, encrypted: true, kmsKeyId: 'alias/aws/ebs' });
      expect(check(EBSVolumeCustomerManagedKey, volume)).toBe(NON_COMPLIANT);
    });
  });

  describe('not applicable', () => {
    test('an unencrypted volume (EBSVolumeEncrypted reports it)', () => {
      expect(check(EBSVolumeCustomerManagedKey, new ec2.Volume(newStack(), 'Volume', VOLUME))).toBe(NOT_APPLICABLE);
    });
    test('other resources', () => {
      expect(check(EBSVolumeCustomerManagedKey, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
    });
  });
});
