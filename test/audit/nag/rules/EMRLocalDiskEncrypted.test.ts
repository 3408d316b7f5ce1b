import { CfnParameter, CfnResource } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { encryption, LOCAL_DISK, plainConfiguration, S3_ONLY, securityConfiguration } from './emr';
import { EMRLocalDiskEncrypted } from '../../../../src/audit/nag/rules/EMRLocalDiskEncrypted';
import { EmrArtifact } from '../../../../src/emr/emr-artifact';
import { EmrLocalDiskEncryption } from '../../../../src/emr/emr-local-disk-encryption';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

describe('EMRLocalDiskEncrypted', () => {
  describe('compliant', () => {
    test('an EmrSecurityConfiguration with defaults (AWS KMS, EBS volumes included)', () => {
      expect(check(EMRLocalDiskEncrypted, securityConfiguration())).toBe(COMPLIANT);
    });
    test('an EmrSecurityConfiguration with a custom key provider for local disks', () => {
      const localDiskEncryption = EmrLocalDiskEncryption.custom({
        providerJar: EmrArtifact.fromS3Uri('s3://kmi-artifacts/emr/disk-keys.jar'),
        className: 'com.example.DiskKeyProvider',
      });
      expect(check(EMRLocalDiskEncrypted, securityConfiguration({ localDiskEncryption }))).toBe(COMPLIANT);
    });
    test('a security configuration whose document is a JSON string', () => {
      const config = new CfnResource(newStack(), 'Config', {
        type: 'AWS::EMR::SecurityConfiguration',
        properties: {
          SecurityConfiguration: JSON.stringify({ EncryptionConfiguration: encryption(true, false, { AtRestEncryptionConfiguration: LOCAL_DISK }) }),
        },
      });
      expect(check(EMRLocalDiskEncrypted, config)).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a CfnSecurityConfiguration without at-rest encryption', () => {
      expect(check(EMRLocalDiskEncrypted, plainConfiguration(encryption(false, false)))).toBe(NON_COMPLIANT);
    });
    test('a CfnSecurityConfiguration that encrypts S3 objects only', () => {
      const config = plainConfiguration(encryption(true, false, { AtRestEncryptionConfiguration: S3_ONLY }));
      expect(check(EMRLocalDiskEncrypted, config)).toBe(NON_COMPLIANT);
    });
    test('a CfnSecurityConfiguration that configures local disks but leaves at-rest encryption off', () => {
      const config = plainConfiguration(encryption(false, false, { AtRestEncryptionConfiguration: LOCAL_DISK }));
      expect(check(EMRLocalDiskEncrypted, config)).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(EMRLocalDiskEncrypted, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });

  test('cannot judge at-rest encryption chosen by a parameter, and says so', () => {
    const stack = newStack();
    const atRest = new CfnParameter(stack, 'AtRest', { type: 'String' });
    const config = plainConfiguration(encryption(atRest.valueAsString, false, { AtRestEncryptionConfiguration: LOCAL_DISK }), stack);
    expect(() => check(EMRLocalDiskEncrypted, config)).toThrow(/EnableAtRestEncryption of Config is \{"Ref":"AtRest"\}, known only at deployment/);
  });

  test('cannot judge a document that is not JSON, and says so', () => {
    const config = new CfnResource(newStack(), 'Config', {
      type: 'AWS::EMR::SecurityConfiguration',
      properties: { SecurityConfiguration: 'EncryptionConfiguration: {}' },
    });
    expect(() => check(EMRLocalDiskEncrypted, config)).toThrow(/SecurityConfiguration of Config is "EncryptionConfiguration: \{\}", not JSON: whether the resource complies cannot be told/);
  });
});
