import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { encryptedCluster, plainCluster } from './redshift';
import { RedshiftClusterEncrypted } from '../../../../src/audit/nag/rules/RedshiftClusterEncrypted';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

describe('RedshiftClusterEncrypted', () => {
  describe('compliant', () => {
    test('a RedshiftEncryptedCluster with defaults', () => {
      expect(check(RedshiftClusterEncrypted, encryptedCluster())).toBe(COMPLIANT);
    });
    test('a CfnCluster with encrypted true (AWS managed key)', () => {
      expect(check(RedshiftClusterEncrypted, plainCluster(newStack(), { encrypted: true }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a CfnCluster without encrypted', () => {
      expect(check(RedshiftClusterEncrypted, plainCluster(newStack()))).toBe(NON_COMPLIANT);
    });
    test('a CfnCluster with encrypted false', () => {
      expect(check(RedshiftClusterEncrypted, plainCluster(newStack(), { encrypted: false }))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(RedshiftClusterEncrypted, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});
