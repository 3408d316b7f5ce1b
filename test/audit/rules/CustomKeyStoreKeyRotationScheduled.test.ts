import { CfnResource, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { CustomKeyStoreKeyRotationScheduled } from '../../../src/audit/rules/CustomKeyStoreKeyRotationScheduled';
import { newStack } from '../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** A key in a CloudHSM custom key store, as `Custom::KmiCustomKeyStoreKey`. */
function storeKey(stack: Stack, rotationPeriodInDays?: string): CfnResource {
  return new CfnResource(stack, 'StoreKey', {
    type: 'Custom::KmiCustomKeyStoreKey',
    properties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider',
      CustomKeyStoreId: 'cks-1234567890abcdef0',
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      RotationPeriodInDays: rotationPeriodInDays,
    },
  });
}

describe('CustomKeyStoreKeyRotationScheduled', () => {
  test('compliant: a key with a rotation schedule', () => {
    expect(check(CustomKeyStoreKeyRotationScheduled, storeKey(newStack(), '365'))).toBe(COMPLIANT);
  });
  test('non-compliant: a key without a rotation schedule', () => {
    expect(check(CustomKeyStoreKeyRotationScheduled, storeKey(newStack()))).toBe(NON_COMPLIANT);
  });
  test('is not applicable to other resources, KMS keys included', () => {
    expect(check(CustomKeyStoreKeyRotationScheduled, new kms.Key(newStack(), 'Key'))).toBe(NOT_APPLICABLE);
  });
});
