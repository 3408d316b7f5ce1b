import { CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { KMSImportedKeyMaterialExpires } from '../../../../src/audit/nag/rules/KMSImportedKeyMaterialExpires';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** Imported key material, as `Custom::KmiImportedKeyMaterial` of a key with Origin EXTERNAL. */
function material(stack: Stack, expirationModel?: string): CfnResource {
  const key = new kms.CfnKey(stack, 'Key', { origin: 'EXTERNAL' });
  return new CfnResource(stack, 'Material', {
    type: 'Custom::KmiImportedKeyMaterial',
    properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider', KeyId: key.ref, ExpirationModel: expirationModel },
  });
}

describe('KMSImportedKeyMaterialExpires', () => {
  describe('compliant', () => {
    test('material that expires', () => {
      expect(check(KMSImportedKeyMaterialExpires, material(newStack(), 'KEY_MATERIAL_EXPIRES'))).toBe(COMPLIANT);
    });
    test('material without an expiration model (KMS makes it expire)', () => {
      expect(check(KMSImportedKeyMaterialExpires, material(newStack()))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('material that never expires', () => {
      expect(check(KMSImportedKeyMaterialExpires, material(newStack(), 'KEY_MATERIAL_DOES_NOT_EXPIRE'))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources, the key itself included', () => {
    const stack = newStack();
    material(stack);
    expect(check(KMSImportedKeyMaterialExpires, stack.node.findChild('Key'))).toBe(NOT_APPLICABLE);
  });

  test('cannot judge an expiration model chosen by a parameter, and says so', () => {
    const stack = newStack();
    const model = new CfnParameter(stack, 'Model', { type: 'String' });
    expect(() => check(KMSImportedKeyMaterialExpires, material(stack, model.valueAsString))).toThrow(/ExpirationModel of Material is .*known only at deployment/);
  });
});
