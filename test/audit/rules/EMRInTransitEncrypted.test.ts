import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { LOCAL_DISK, plainConfiguration, securityConfiguration, TLS } from './emr';
import { EMRInTransitEncrypted } from '../../../src/audit/rules/EMRInTransitEncrypted';
import { EmrArtifact } from '../../../src/emr/emr-artifact';
import { EmrInTransitEncryption } from '../../../src/emr/emr-in-transit-encryption';
import { newStack } from '../../util/app';

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
      expect(check(EMRInTransitEncrypted, plainConfiguration({ EnableInTransitEncryption: true, EnableAtRestEncryption: false, InTransitEncryptionConfiguration: TLS })))
        .toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('an EmrSecurityConfiguration with in-transit encryption disabled', () => {
      expect(check(EMRInTransitEncrypted, securityConfiguration({ inTransitEncryption: EmrInTransitEncryption.disabled() }))).toBe(NON_COMPLIANT);
    });
    test('a CfnSecurityConfiguration with at-rest encryption only', () => {
      expect(check(EMRInTransitEncrypted, plainConfiguration({ EnableInTransitEncryption: false, EnableAtRestEncryption: true, AtRestEncryptionConfiguration: LOCAL_DISK })))
        .toBe(NON_COMPLIANT);
    });
    test('a CfnSecurityConfiguration that turns in-transit encryption on without certificates', () => {
      expect(check(EMRInTransitEncrypted, plainConfiguration({ EnableInTransitEncryption: true, EnableAtRestEncryption: false }))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(EMRInTransitEncrypted, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });
});
