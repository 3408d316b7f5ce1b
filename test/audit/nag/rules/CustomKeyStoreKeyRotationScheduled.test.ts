import { CfnParameter, CfnResource, Duration, Resource, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { Construct } from 'constructs';
import { check } from './check';
import { CustomKeyStoreKeyRotationScheduled } from '../../../../src/audit/nag/rules/CustomKeyStoreKeyRotationScheduled';
import { CustomKeyStoreType, ICustomKeyStore } from '../../../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../../../../src/key-store/key/custom-key-store-key';
import { CustomKeyStoreKeyRotation } from '../../../../src/key-store/key/custom-key-store-key-rotation';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const TYPE = 'Custom::KmiCustomKeyStoreKey';

/** A custom key store known by its id and type, which is all a key needs of it. */
class KnownStore extends Resource implements ICustomKeyStore {
  constructor(scope: Construct, id: string, public readonly customKeyStoreId: string, public readonly customKeyStoreType: CustomKeyStoreType) {
    super(scope, id);
  }
}

const hsmStore = (stack: Stack) => new KnownStore(stack, 'HsmStore', 'cks-1234567890abcdef0', CustomKeyStoreType.AWS_CLOUDHSM);
const xksStore = (stack: Stack) => new KnownStore(stack, 'XksStore', 'cks-0fedcba0987654321', CustomKeyStoreType.EXTERNAL_KEY_STORE);

/** A key in a custom key store written as the L1 resource, with the given store type and rotation period. */
function storeKey(stack: Stack, customKeyStoreType: string, rotationPeriodInDays?: string): CfnResource {
  return new CfnResource(stack, 'StoreKey', {
    type: TYPE,
    properties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider',
      CustomKeyStoreId: 'cks-1234567890abcdef0',
      CustomKeyStoreType: customKeyStoreType,
      RotationPeriodInDays: rotationPeriodInDays,
    },
  });
}

describe('CustomKeyStoreKeyRotationScheduled', () => {
  describe('compliant', () => {
    test('a CustomKeyStoreKey in a CloudHSM key store with defaults (rotation every 365 days)', () => {
      const stack = newStack();
      expect(check(CustomKeyStoreKeyRotationScheduled, new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack) }), TYPE)).toBe(COMPLIANT);
    });
    test('a CustomKeyStoreKey with a rotation schedule of its own', () => {
      const stack = newStack();
      const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), rotation: CustomKeyStoreKeyRotation.scheduled(Duration.days(180)) });
      expect(check(CustomKeyStoreKeyRotationScheduled, key, TYPE)).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a CustomKeyStoreKey in a CloudHSM key store told not to rotate', () => {
      const stack = newStack();
      const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: hsmStore(stack), rotation: CustomKeyStoreKeyRotation.none() });
      expect(check(CustomKeyStoreKeyRotationScheduled, key, TYPE)).toBe(NON_COMPLIANT);
    });
    test('a key resource of a CloudHSM key store without RotationPeriodInDays', () => {
      expect(check(CustomKeyStoreKeyRotationScheduled, storeKey(newStack(), 'AWS_CLOUDHSM'))).toBe(NON_COMPLIANT);
    });
  });

  describe('not applicable', () => {
    test('a CustomKeyStoreKey in an external key store, whose rotation belongs to the external key manager', () => {
      const stack = newStack();
      const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: xksStore(stack), xksKeyId: 'ekm-key-0001' });
      expect(check(CustomKeyStoreKeyRotationScheduled, key, TYPE)).toBe(NOT_APPLICABLE);
    });
    test('other resources, KMS keys included', () => {
      expect(check(CustomKeyStoreKeyRotationScheduled, new kms.Key(newStack(), 'Key'))).toBe(NOT_APPLICABLE);
    });
  });

  test('cannot judge a store type chosen by a parameter, and says so', () => {
    const stack = newStack();
    const storeType = new CfnParameter(stack, 'StoreType', { type: 'String' });
    expect(() => check(CustomKeyStoreKeyRotationScheduled, storeKey(stack, storeType.valueAsString)))
      .toThrow(/CustomKeyStoreType of StoreKey is \{"Ref":"StoreType"\}, known only at deployment/);
  });
});
