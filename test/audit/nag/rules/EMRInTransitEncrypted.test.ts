import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { encryption, LOCAL_DISK, plainConfiguration, securityConfiguration, TLS } from './emr';
import { EMRInTransitEncrypted } from '../../../../src/audit/nag/rules/EMRInTransitEncrypted';
import { EmrArtifact } from '../../../../src/emr/emr-artifact';
import { EmrInTransitEncryption } from '../../../../src/emr/emr-in-transit-encryption';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

describe('EMRInTransitEncrypted', () => {
  describe('compliant', () => {
    test('an EmrSecurityConfiguration with PEM certificates', () => {
      expect(check(EMRInTransitEncrypted, securityConfiguration())).toBe(COMPLIANT);
    });
    test('an EmrSecurityConfiguration with a custom certificate provider', () => {
      const inTransitEncryption = EmrInTransitEncryption.customProvider({
        providerJar: EmrArtifact.fromS3Uri('s3://kmi-artifacts/emr/certs.jar'),
        className: 'com.example.CertProvider',
      });
      expect(check(EMRInTransitEncrypted, securityConfiguration({ inTransitEncryption }))).toBe(COMPLIANT);
    });
    test('a CfnSecurityConfiguration with TLS certificates', () => {
      expect(check(EMRInTransitEncrypted, plainConfiguration(encryption(false, true, { InTransitEncryptionConfiguration: TLS })))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('an EmrSecurityConfiguration with in-transit encryption disabled', () => {
      const config = securityConfiguration({ inTransitEncryption: EmrInTransitEncryption.disabled() });
      expect(check(EMRInTransitEncrypted, config)).toBe(NON_COMPLIANT);
    });
    test('a CfnSecurityConfiguration with at-rest encryption only', () => {
      const config = plainConfiguration(encryption(true, false, { AtRestEncryptionConfiguration: LOCAL_DISK }));
      expect(check(EMRInTransitEncrypted, config)).toBe(NON_COMPLIANT);
    });
    test('a CfnSecurityConfiguration that turns in-transit encryption on without certificates', () => {
      expect(check(EMRInTransitEncrypted, plainConfiguration(encryption(false, true)))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(EMRInTransitEncrypted, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});
