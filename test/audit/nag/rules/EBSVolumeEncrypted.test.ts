import { CfnParameter, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { EBSVolumeEncrypted } from '../../../../src/audit/nag/rules/EBSVolumeEncrypted';
import { EncryptedVolume } from '../../../../src/ebs/encrypted-volume';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const VOLUME = { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) };

describe('EBSVolumeEncrypted', () => {
  describe('compliant', () => {
    test('an EncryptedVolume with defaults', () => {
      expect(check(EBSVolumeEncrypted, new EncryptedVolume(newStack(), 'Volume', VOLUME))).toBe(COMPLIANT);
    });
    test('an ec2.Volume with encrypted true (AWS managed key)', () => {
      expect(check(EBSVolumeEncrypted, new ec2.Volume(newStack(), 'Volume', { ...VOLUME, encrypted: true }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('an ec2.Volume with defaults', () => {
      expect(check(EBSVolumeEncrypted, new ec2.Volume(newStack(), 'Volume', VOLUME))).toBe(NON_COMPLIANT);
    });
    test('an ec2.Volume with encrypted false', () => {
      expect(check(EBSVolumeEncrypted, new ec2.Volume(newStack(), 'Volume', { ...VOLUME, encrypted: false }))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(EBSVolumeEncrypted, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });

  test('cannot judge encryption chosen by a parameter, and says so', () => {
    const stack = newStack();
    const encrypted = new CfnParameter(stack, 'Encrypted', { type: 'String', allowedValues: ['true', 'false'] });
    const volume = new ec2.CfnVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: 10, encrypted: encrypted.valueAsString as unknown as boolean });
    expect(() => check(EBSVolumeEncrypted, volume)).toThrow(/Encrypted of Volume is \{"Ref":"Encrypted"\}, known only at deployment/);
  });
});
