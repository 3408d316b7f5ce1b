import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { encryptedCluster, plainCluster } from './redshift';
import { RedshiftClusterCustomerManagedKey } from '../../../../src/audit/nag/rules/RedshiftClusterCustomerManagedKey';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

describe('RedshiftClusterCustomerManagedKey', () => {
  describe('compliant', () => {
    test('a RedshiftEncryptedCluster with defaults (a new KmsKeyWithRotation)', () => {
      expect(check(RedshiftClusterCustomerManagedKey, encryptedCluster())).toBe(COMPLIANT);
    });
    test('a CfnCluster encrypted with a kms.Key of the stack', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      expect(check(RedshiftClusterCustomerManagedKey, plainCluster(stack, { encrypted: true, kmsKeyId: key.keyArn }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a CfnCluster encrypted without a key (aws/redshift)', () => {
      expect(check(RedshiftClusterCustomerManagedKey, plainCluster(newStack(), { encrypted: true }))).toBe(NON_COMPLIANT);
    });
    test('a CfnCluster encrypted with the alias aws/redshift', () => {
      expect(check(RedshiftClusterCustomerManagedKey, plainCluster(newStack(), { encrypted: true, kmsKeyId: 'alias/aws/redshift' }))).toBe(NON_COMPLIANT);
    });
  });

  describe('not applicable', () => {
    test('an unencrypted cluster (RedshiftClusterEncrypted reports it)', () => {
      expect(check(RedshiftClusterCustomerManagedKey, plainCluster(newStack()))).toBe(NOT_APPLICABLE);
    });
    test('other resources', () => {
      expect(check(RedshiftClusterCustomerManagedKey, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
    });
  });
});
