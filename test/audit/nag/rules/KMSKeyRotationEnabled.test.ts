import { CfnParameter } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { KMSKeyRotationEnabled } from '../../../../src/audit/nag/rules/KMSKeyRotationEnabled';
import { KmsKeyWithRotation } from '../../../../src/kms/kms-key-with-rotation';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

describe('KMSKeyRotationEnabled', () => {
  describe('compliant', () => {
    test('a KmsKeyWithRotation with defaults', () => {
      expect(check(KMSKeyRotationEnabled, new KmsKeyWithRotation(newStack(), 'Key'))).toBe(COMPLIANT);
    });
    test('a kms.Key with enableKeyRotation', () => {
      expect(check(KMSKeyRotationEnabled, new kms.Key(newStack(), 'Key', { enableKeyRotation: true }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a kms.Key with defaults (no rotation)', () => {
      expect(check(KMSKeyRotationEnabled, new kms.Key(newStack(), 'Key'))).toBe(NON_COMPLIANT);
    });
    test('a kms.Key with enableKeyRotation false', () => {
      expect(check(KMSKeyRotationEnabled, new kms.Key(newStack(), 'Key', { enableKeyRotation: false }))).toBe(NON_COMPLIANT);
    });
    test('a key whose rotation was turned off by an escape hatch', () => {
      const key = new KmsKeyWithRotation(newStack(), 'Key');
      (key.node.defaultChild as kms.CfnKey).addPropertyOverride('EnableKeyRotation', false);
      expect(check(KMSKeyRotationEnabled, key)).toBe(NON_COMPLIANT);
    });
  });

  describe('not applicable', () => {
    test('an asymmetric signing key, which KMS cannot rotate', () => {
      const key = new kms.Key(newStack(), 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY });
      expect(check(KMSKeyRotationEnabled, key)).toBe(NOT_APPLICABLE);
    });
    test('an HMAC key, which KMS cannot rotate', () => {
      const key = new kms.Key(newStack(), 'Key', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC });
      expect(check(KMSKeyRotationEnabled, key)).toBe(NOT_APPLICABLE);
    });
    test('a key for imported key material (Origin EXTERNAL), which rotates by import', () => {
      const key = new kms.CfnKey(newStack(), 'Key', { origin: 'EXTERNAL' });
      expect(check(KMSKeyRotationEnabled, key)).toBe(NOT_APPLICABLE);
    });
    test('other resources', () => {
      expect(check(KMSKeyRotationEnabled, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
    });
  });

  test('cannot judge rotation chosen by a parameter, and says so', () => {
    const stack = newStack();
    const rotate = new CfnParameter(stack, 'Rotate', { type: 'String', allowedValues: ['true', 'false'] });
    const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: rotate.valueAsString as unknown as boolean });
    expect(() => check(KMSKeyRotationEnabled, key)).toThrow(/EnableKeyRotation of Key is \{"Ref":"Rotate"\}, known only at deployment/);
  });
});
