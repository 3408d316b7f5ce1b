import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EmrArtifact } from '../../src/emr/emr-artifact';
import { EmrInTransitEncryption } from '../../src/emr/emr-in-transit-encryption';
import { EmrLocalDiskEncryption } from '../../src/emr/emr-local-disk-encryption';
import { EmrS3Encryption } from '../../src/emr/emr-s3-encryption';
import { EmrSecurityConfiguration, EmrSecurityConfigurationProps } from '../../src/emr/emr-security-configuration';
import { KmsKeyWithRotation } from '../../src/kms/kms-key-with-rotation';
import { KEY_USE_ACTIONS } from '../../src/private/kms-actions';
import { newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';

const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const OTHER_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/66666666-7777-8888-9999-000000000000';
const CERTS = EmrArtifact.fromS3Uri('s3://my-artifacts/emr/certs.zip');
const PEM = EmrInTransitEncryption.pemCertificates(CERTS);
const KEY_PROVIDER = { providerJar: EmrArtifact.fromS3Uri('s3://my-artifacts/emr/keys.jar'), className: 'com.example.S3KeyProvider' };
const DISK_PROVIDER = { providerJar: EmrArtifact.fromS3Uri('s3://my-artifacts/emr/disk-keys.jar'), className: 'com.example.DiskKeyProvider' };
const CERT_PROVIDER = { providerJar: EmrArtifact.fromS3Uri('s3://my-artifacts/emr/certs.jar'), className: 'com.example.CertProvider' };
/** The ARN of the key the construct creates, as the template names it: for template matchers, and for expect(). */
const CREATED_KEY_MATCH = { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConfigKey'), 'Arn'] };
const CREATED_KEY_ARN = { 'Fn::GetAtt': [expect.stringMatching(/^ConfigKey/), 'Arn'] };

type PropsOf = (stack: Stack) => Partial<EmrSecurityConfigurationProps>;

function configure(props: PropsOf = () => ({})) {
  const stack = newStack();
  const config = new EmrSecurityConfiguration(stack, 'Config', { inTransitEncryption: PEM, ...props(stack) });
  return { stack, config };
}

/** The SecurityConfiguration JSON of the one security configuration in the template. */
function documentOf(props: PropsOf = () => ({})) {
  const { stack } = configure(props);
  const template = synth(stack);
  const [resource] = Object.values(template.findResources('AWS::EMR::SecurityConfiguration'));
  return { template, document: resource.Properties.SecurityConfiguration };
}

function s3ConfigurationOf(props: PropsOf) {
  return documentOf(props).document.EncryptionConfiguration.AtRestEncryptionConfiguration.S3EncryptionConfiguration;
}

function localDiskConfigurationOf(props: PropsOf) {
  return documentOf(props).document.EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration;
}

function inTransitOf(props: PropsOf) {
  const { EnableInTransitEncryption, InTransitEncryptionConfiguration } = documentOf(props).document.EncryptionConfiguration;
  return { EnableInTransitEncryption, InTransitEncryptionConfiguration };
}

/** A key of the account, by ARN; one construct per ARN and stack. */
function importedKey(stack: Stack, arn = KEY_ARN): kms.IKey {
  const id = `Imported${arn.slice(-4)}`;
  return (stack.node.tryFindChild(id) as kms.IKey | undefined) ?? kms.Key.fromKeyArn(stack, id, arn);
}

/** Every statement of every identity policy in the stack. */
function identityStatements(stack: Stack): any[] {
  return Object.values(synth(stack).findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('defaults', () => {
  const { stack, config } = configure();
  const template = synth(stack);

  test('renders SSE-KMS and local disk encryption with EBS, both with the created key, TLS, and IMDSv2 only', () => {
    template.hasResourceProperties('AWS::EMR::SecurityConfiguration', {
      SecurityConfiguration: {
        EncryptionConfiguration: {
          EnableInTransitEncryption: true,
          EnableAtRestEncryption: true,
          InTransitEncryptionConfiguration: {
            TLSCertificateConfiguration: { CertificateProviderType: 'PEM', S3Object: 's3://my-artifacts/emr/certs.zip' },
          },
          AtRestEncryptionConfiguration: {
            S3EncryptionConfiguration: { EncryptionMode: 'SSE-KMS', AwsKmsKey: CREATED_KEY_MATCH },
            LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: CREATED_KEY_MATCH, EnableEbsEncryption: true },
          },
        },
        InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 1 },
      },
    });
  });
  test('S3 and local disk share one new rotating key, child Key of the construct, retained', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    expect(config.node.tryFindChild('Key')).toBeInstanceOf(KmsKeyWithRotation);
    expect(config.defaultKey).toBe(config.node.tryFindChild('Key'));
  });
  test('the L1 child is Resource, and securityConfigurationName is its Ref', () => {
    const resource = config.node.defaultChild as emr.CfnSecurityConfiguration;
    expect(resource).toBeInstanceOf(emr.CfnSecurityConfiguration);
    expect(resource.node.id).toBe('Resource');
    expect(stack.resolve(config.securityConfigurationName)).toEqual({ Ref: stack.getLogicalId(resource) });
  });
  test('CloudFormation names the security configuration', () => {
    template.hasResourceProperties('AWS::EMR::SecurityConfiguration', { Name: Match.absent() });
  });
  test('no warnings', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('S3 encryption', () => {
  test('SSE-S3 names no key', () => {
    expect(s3ConfigurationOf(() => ({ s3Encryption: EmrS3Encryption.sseS3() }))).toEqual({ EncryptionMode: 'SSE-S3' });
  });
  test('SSE-KMS with a key names that key', () => {
    expect(s3ConfigurationOf((stack) => ({ s3Encryption: EmrS3Encryption.sseKms(importedKey(stack)) })))
      .toEqual({ EncryptionMode: 'SSE-KMS', AwsKmsKey: KEY_ARN });
  });
  test('CSE-KMS with a key names that key', () => {
    expect(s3ConfigurationOf((stack) => ({ s3Encryption: EmrS3Encryption.cseKms(importedKey(stack)) })))
      .toEqual({ EncryptionMode: 'CSE-KMS', AwsKmsKey: KEY_ARN });
  });
  test('CSE-KMS without a key uses the created key', () => {
    const { template, document } = documentOf(() => ({ s3Encryption: EmrS3Encryption.cseKms() }));
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(document.EncryptionConfiguration.AtRestEncryptionConfiguration.S3EncryptionConfiguration)
      .toEqual({ EncryptionMode: 'CSE-KMS', AwsKmsKey: CREATED_KEY_ARN });
  });
  test('CSE-Custom names the provider JAR and class', () => {
    expect(s3ConfigurationOf(() => ({ s3Encryption: EmrS3Encryption.cseCustom(KEY_PROVIDER) }))).toEqual({
      EncryptionMode: 'CSE-Custom',
      S3Object: 's3://my-artifacts/emr/keys.jar',
      EncryptionKeyProviderClass: 'com.example.S3KeyProvider',
    });
  });
  test('overrides name each bucket, its mode and its key; a KMS override without a key uses the created key', () => {
    const configuration = s3ConfigurationOf((stack) => ({
      s3Encryption: EmrS3Encryption.sseKms(importedKey(stack)),
      s3EncryptionOverrides: [
        { bucket: s3.Bucket.fromBucketName(stack, 'Public', 'public-data'), encryption: EmrS3Encryption.sseS3() },
        { bucket: s3.Bucket.fromBucketName(stack, 'Secret', 'secret-data'), encryption: EmrS3Encryption.cseKms(importedKey(stack, OTHER_KEY_ARN)) },
        { bucket: s3.Bucket.fromBucketName(stack, 'Shared', 'shared-data'), encryption: EmrS3Encryption.sseKms() },
      ],
      localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(stack) }),
    }));
    expect(configuration).toEqual({
      EncryptionMode: 'SSE-KMS',
      AwsKmsKey: KEY_ARN,
      Overrides: [
        { BucketName: 'public-data', EncryptionMode: 'SSE-S3' },
        { BucketName: 'secret-data', EncryptionMode: 'CSE-KMS', AwsKmsKey: OTHER_KEY_ARN },
        { BucketName: 'shared-data', EncryptionMode: 'SSE-KMS', AwsKmsKey: CREATED_KEY_ARN },
      ],
    });
  });
});

describe('local disk encryption', () => {
  test('AWS KMS with a key, EBS volumes included by default', () => {
    expect(localDiskConfigurationOf((stack) => ({ localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(stack) }) })))
      .toEqual({ EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: KEY_ARN, EnableEbsEncryption: true });
  });
  test('AWS KMS without EBS encryption', () => {
    expect(localDiskConfigurationOf((stack) => ({ localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(stack), encryptEbs: false }) })))
      .toEqual({ EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: KEY_ARN, EnableEbsEncryption: false });
  });
  test('a custom provider names its JAR and class, and no EBS encryption', () => {
    expect(localDiskConfigurationOf(() => ({ localDiskEncryption: EmrLocalDiskEncryption.custom(DISK_PROVIDER) }))).toEqual({
      EncryptionKeyProviderType: 'Custom',
      S3Object: 's3://my-artifacts/emr/disk-keys.jar',
      EncryptionKeyProviderClass: 'com.example.DiskKeyProvider',
    });
  });
});

describe('keys', () => {
  test('no key is created when every KMS mode has its own', () => {
    const { stack, config } = configure((s) => ({
      s3Encryption: EmrS3Encryption.sseKms(importedKey(s)),
      localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(s, OTHER_KEY_ARN) }),
    }));
    synth(stack).resourceCountIs('AWS::KMS::Key', 0);
    expect(config.defaultKey).toBeUndefined();
  });
  test('no key is created when nothing uses KMS', () => {
    const { stack } = configure(() => ({ s3Encryption: EmrS3Encryption.sseS3(), localDiskEncryption: EmrLocalDiskEncryption.custom(DISK_PROVIDER) }));
    synth(stack).resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('in-transit encryption', () => {
  test('PEM certificates in a bucket of the app are named by their deployment-time URI', () => {
    expect(inTransitOf((stack) => ({
      inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(new s3.Bucket(stack, 'Artifacts'), 'emr/certs.zip')),
    }))).toEqual({
      EnableInTransitEncryption: true,
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: {
          CertificateProviderType: 'PEM',
          S3Object: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Artifacts/) }, '/emr/certs.zip']] },
        },
      },
    });
  });
  test('a custom certificate provider names its JAR and class', () => {
    expect(inTransitOf(() => ({ inTransitEncryption: EmrInTransitEncryption.customProvider(CERT_PROVIDER) }))).toEqual({
      EnableInTransitEncryption: true,
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: {
          CertificateProviderType: 'Custom',
          S3Object: 's3://my-artifacts/emr/certs.jar',
          CertificateProviderClass: 'com.example.CertProvider',
        },
      },
    });
  });
  test('disabled: rendered off, with a warning', () => {
    const { stack } = configure(() => ({ inTransitEncryption: EmrInTransitEncryption.disabled() }));
    synth(stack).hasResourceProperties('AWS::EMR::SecurityConfiguration', {
      SecurityConfiguration: {
        EncryptionConfiguration: { EnableInTransitEncryption: false, EnableAtRestEncryption: true, InTransitEncryptionConfiguration: Match.absent() },
      },
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Config', Match.stringLikeRegexp(
      '^In-transit encryption is off \\(EmrInTransitEncryption.disabled\\(\\)\\): EMR does not encrypt data moving between cluster nodes, or between nodes and clients, with TLS. \\[ack: cdk-kmi:emrInTransitDisabled\\]$'));
  });
});

describe('instance metadata service', () => {
  test('allowImdsV1 lowers the minimum version to 1, with a warning', () => {
    const { stack } = configure(() => ({ allowImdsV1: true }));
    synth(stack).hasResourceProperties('AWS::EMR::SecurityConfiguration', {
      SecurityConfiguration: { InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 1, HttpPutResponseHopLimit: 1 } },
    });
    Annotations.fromStack(stack).hasWarning('/TestStack/Config', Match.stringLikeRegexp(
      '^Cluster nodes answer IMDSv1 requests \\(allowImdsV1\\): a server-side request forgery on a node can read its instance credentials. \\[ack: cdk-kmi:emrImdsV1Allowed\\]$'));
  });
  test('imdsHopLimit sets the PUT response hop limit', () => {
    expect(documentOf(() => ({ imdsHopLimit: 2 })).document.InstanceMetadataServiceConfiguration)
      .toEqual({ MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 2 });
  });
});

test('securityConfigurationName names the security configuration', () => {
  synth(configure(() => ({ securityConfigurationName: 'analytics' })).stack)
    .hasResourceProperties('AWS::EMR::SecurityConfiguration', { Name: 'analytics' });
});

describe('grantInstanceRole', () => {
  const roleIn = (stack: Stack) => new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const useOf = (key: unknown) => ({ Effect: 'Allow', Action: KEY_USE_ACTIONS, Resource: key });
  const createGrantOn = (key: unknown) => ({
    Effect: 'Allow', Action: 'kms:CreateGrant', Resource: key, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  });
  const getObject = (arnSuffix: string) => ({
    Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${arnSuffix}`]] },
  });

  test('defaults: use of the created key, grants for EBS, and the certificates zip', () => {
    const { stack, config } = configure();
    config.grantInstanceRole(roleIn(stack));
    expect(identityStatements(stack)).toEqual([
      createGrantOn(CREATED_KEY_ARN),
      useOf(CREATED_KEY_ARN),
      getObject('my-artifacts/emr/certs.zip'),
    ]);
  });
  test('the created key denies the role its management', () => {
    const { stack, config } = configure();
    config.grantInstanceRole(roleIn(stack));
    const denyToRole = Match.objectLike({
      Sid: 'DenyKeyManagementToKeyUsers', Effect: 'Deny', Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InstanceRole'), 'Arn'] } },
    });
    synth(stack).hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([denyToRole]) } });
  });
  test('every at-rest key, overrides included, once each; no grants without EBS encryption', () => {
    const { stack, config } = configure((s) => ({
      s3Encryption: EmrS3Encryption.sseKms(importedKey(s)),
      s3EncryptionOverrides: [{ bucket: s3.Bucket.fromBucketName(s, 'Secret', 'secret-data'), encryption: EmrS3Encryption.cseKms(importedKey(s, OTHER_KEY_ARN)) }],
      localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(s), encryptEbs: false }),
    }));
    config.grantInstanceRole(roleIn(stack));
    expect(identityStatements(stack)).toEqual([useOf(KEY_ARN), useOf(OTHER_KEY_ARN), getObject('my-artifacts/emr/certs.zip')]);
  });
  test('the JARs of custom providers', () => {
    const { stack, config } = configure(() => ({
      s3Encryption: EmrS3Encryption.cseCustom(KEY_PROVIDER),
      localDiskEncryption: EmrLocalDiskEncryption.custom(DISK_PROVIDER),
      inTransitEncryption: EmrInTransitEncryption.customProvider(CERT_PROVIDER),
    }));
    config.grantInstanceRole(roleIn(stack));
    expect(identityStatements(stack)).toEqual([
      getObject('my-artifacts/emr/certs.jar'),
      getObject('my-artifacts/emr/keys.jar'),
      getObject('my-artifacts/emr/disk-keys.jar'),
    ]);
  });
  test('certificates named by a deployment-time URI: the object the URI names', () => {
    const { stack, config } = configure((s) => ({
      inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromS3Uri(new CfnParameter(s, 'Certificates').valueAsString)),
    }));
    config.grantInstanceRole(roleIn(stack));
    expect(identityStatements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Select': [1, { 'Fn::Split': ['s3://', { Ref: 'Certificates' }] }] }]] },
    });
  });
  test('certificates in a bucket of the app: the object only, and the bucket key', () => {
    const { stack, config } = configure((s) => {
      const bucket = new s3.Bucket(s, 'Artifacts', { encryptionKey: new kms.Key(s, 'BucketKey') });
      return { inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(bucket, 'emr/certs.zip')) };
    });
    config.grantInstanceRole(roleIn(stack));
    expect(identityStatements(stack)).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Artifacts/), 'Arn'] }, '/emr/certs.zip']] } },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BucketKey/), 'Arn'] } },
    ]));
  });
});

describe('grantServiceRole', () => {
  const roleIn = (stack: Stack) => new iam.Role(stack, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com') });

  test('with EBS encryption: use of the local disk key and grants for AWS resources on it', () => {
    const { stack, config } = configure((s) => ({ localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(s) }) }));
    config.grantServiceRole(roleIn(stack));
    expect(identityStatements(stack)).toEqual([
      { Effect: 'Allow', Action: 'kms:CreateGrant', Resource: KEY_ARN, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
      { Effect: 'Allow', Action: KEY_USE_ACTIONS, Resource: KEY_ARN },
    ]);
  });
  test('without EBS encryption: nothing', () => {
    const { stack, config } = configure((s) => ({ localDiskEncryption: EmrLocalDiskEncryption.kms({ key: importedKey(s), encryptEbs: false }) }));
    config.grantServiceRole(roleIn(stack));
    synth(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('bad input', () => {
  const path = 'TestStack/Config';
  const build = (props: Partial<EmrSecurityConfigurationProps>) => () =>
    new EmrSecurityConfiguration(newStack(), 'Config', { inTransitEncryption: PEM, ...props });

  test('no in-transit encryption choice', () => {
    expect(() => new EmrSecurityConfiguration(newStack(), 'Config', {} as EmrSecurityConfigurationProps)).toThrow(
      `${path}: invalid inTransitEncryption: got undefined; allowed: EmrInTransitEncryption.pemCertificates(...), EmrInTransitEncryption.customProvider(...) or EmrInTransitEncryption.disabled(). TLS needs certificates that only you can provide: give a zip of PEM files in S3 (privateKey.pem, certificateChain.pem, optionally trustedCertificates.pem) or a custom certificate provider, or turn in-transit encryption off explicitly with EmrInTransitEncryption.disabled().`);
  });
  test('EBS encryption with a custom local disk provider', () => {
    expect(build({ localDiskEncryption: EmrLocalDiskEncryption.custom({ ...DISK_PROVIDER, encryptEbs: true }) })).toThrow(
      `${path}: invalid localDiskEncryption: got EmrLocalDiskEncryption.custom({ encryptEbs: true }); allowed: encryptEbs false or unset with a custom key provider. EMR encrypts EBS volumes only with an AWS KMS key: use EmrLocalDiskEncryption.kms() to encrypt them.`);
  });
  test.each([
    ['s3Encryption', { s3Encryption: EmrS3Encryption.cseCustom({ ...KEY_PROVIDER, className: '' }) }, "''", 'EncryptionMaterialsProvider'],
    ['localDiskEncryption', { localDiskEncryption: EmrLocalDiskEncryption.custom({ ...DISK_PROVIDER, className: ' ' }) }, "' '", 'EncryptionMaterialsProvider'],
    ['inTransitEncryption', { inTransitEncryption: EmrInTransitEncryption.customProvider({ ...CERT_PROVIDER, className: '' }) }, "''", 'TLSArtifactsProvider'],
  ])('a custom provider without a class name (%s)', (prop, props, given, implemented) => {
    expect(build(props)).toThrow(
      `${path}: invalid ${prop}: got className ${given}; allowed: the full name of a class in the provider JAR that implements ${implemented}, such as com.example.MyProvider.`);
  });
  test('one provider class for CSE-Custom and local disk encryption', () => {
    expect(build({
      s3Encryption: EmrS3Encryption.cseCustom(KEY_PROVIDER),
      localDiskEncryption: EmrLocalDiskEncryption.custom({ ...DISK_PROVIDER, className: KEY_PROVIDER.className }),
    })).toThrow(
      `${path}: invalid localDiskEncryption: got className 'com.example.S3KeyProvider', also the class of s3Encryption CSE-Custom; allowed: a provider class other than the one of s3Encryption. EMR requires different key provider classes for local disk and S3 encryption.`);
  });
  test('an S3 encryption object literal with a mode EMR does not document (SSE-C)', () => {
    const sseC = { encryptionMode: 'SSE-C', usesKms: false } as EmrS3Encryption;
    expect(build({ s3Encryption: sseC })).toThrow(
      `${path}: invalid s3Encryption: got a value with mode 'SSE-C'; allowed: SSE-S3, SSE-KMS, CSE-KMS, CSE-Custom, made by EmrS3Encryption.sseS3(), .sseKms(), .cseKms() or .cseCustom(). Build the value with one of those factories; EMR documents no other mode.`);
  });
  test('an S3 encryption override object literal with SSE-C', () => {
    const stack = newStack();
    const sseC = { encryptionMode: 'SSE-C', usesKms: false } as EmrS3Encryption;
    expect(() => new EmrSecurityConfiguration(stack, 'Config', {
      inTransitEncryption: PEM,
      s3EncryptionOverrides: [{ bucket: s3.Bucket.fromBucketName(stack, 'B', 'b-data'), encryption: sseC }],
    })).toThrow(`${path}: invalid s3EncryptionOverrides[0].encryption: got SSE-C; allowed: SSE-S3, SSE-KMS, CSE-KMS.`);
  });
  test('a local disk encryption object literal with an unknown provider type', () => {
    const literal = { providerType: 'Tpm', encryptEbs: false, usesKms: false } as unknown as EmrLocalDiskEncryption;
    expect(build({ localDiskEncryption: literal })).toThrow(
      `${path}: invalid localDiskEncryption: got a value with mode 'Tpm'; allowed: AwsKms, Custom, made by EmrLocalDiskEncryption.kms() or .custom().`);
  });
  test('a CSE-Custom override', () => {
    const stack = newStack();
    expect(() => new EmrSecurityConfiguration(stack, 'Config', {
      inTransitEncryption: PEM,
      s3EncryptionOverrides: [{ bucket: s3.Bucket.fromBucketName(stack, 'B', 'b-data'), encryption: EmrS3Encryption.cseCustom(KEY_PROVIDER) }],
    })).toThrow(
      `${path}: invalid s3EncryptionOverrides[0].encryption: got CSE-Custom; allowed: SSE-S3, SSE-KMS, CSE-KMS. EMR documents per-bucket overrides for these modes only; use CSE-Custom as the s3Encryption of a security configuration of its own.`);
  });
  test.each([0, 65, 1.5])('imdsHopLimit %p', (imdsHopLimit) => {
    expect(build({ imdsHopLimit })).toThrow(`${path}: invalid imdsHopLimit: got ${imdsHopLimit}; allowed: a whole number from 1 to 64.`);
  });
  test.each([
    ['inTransitEncryption', { inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromS3Uri('https://my-artifacts.s3.amazonaws.com/certs.zip')) }, 'https://my-artifacts.s3.amazonaws.com/certs.zip'],
    ['s3Encryption', { s3Encryption: EmrS3Encryption.cseCustom({ ...KEY_PROVIDER, providerJar: EmrArtifact.fromS3Uri('s3://my-artifacts') }) }, 's3://my-artifacts'],
  ])('an S3 location that is not s3://<bucket>/<key> (%s)', (prop, props, uri) => {
    expect(build(props)).toThrow(
      `${path}: invalid ${prop}: got S3 object '${uri}'; allowed: 's3://<bucket>/<key>'. Name the object by its S3 URI, or use EmrArtifact.fromBucket(bucket, key).`);
  });
});

describe('compliance', () => {
  test('the security configuration and its key: no findings', () => {
    expect(nagFindings(configure().stack)).toEqual([]);
  });

  // EMR4 (local disk encryption) and EMR5 (in-transit encryption) judge an AWS::EMR::Cluster by the
  // security configuration it references. Findings left out below are about the cluster itself, which
  // a security configuration cannot settle: AwsSolutions-EMR2 (S3 logging, the cluster's LogUri),
  // AwsSolutions-EMR6 (EC2 key pair or Kerberos, the cluster's Instances and KerberosAttributes), and
  // HIPAA.Security- and PCI.DSS.321-EMRKerberosEnabled (the cluster's KerberosAttributes). NIST 800-53
  // R5 has no EMR rule. The test cluster's roles are names, so no IAM rule applies.
  const CLUSTER_ONLY_RULES = ['AwsSolutions-EMR2', 'AwsSolutions-EMR6', 'HIPAA.Security-EMRKerberosEnabled', 'PCI.DSS.321-EMRKerberosEnabled'];
  const clusterFindings = (stack: Stack, securityConfiguration: string) => {
    new emr.CfnCluster(stack, 'Cluster', { name: 'analytics', instances: {}, jobFlowRole: 'EMR_EC2_DefaultRole', serviceRole: 'EMR_DefaultRole', securityConfiguration });
    return nagFindings(stack).filter((finding) => !CLUSTER_ONLY_RULES.some((rule) => finding.startsWith(`${rule} at `)));
  };

  // cdk-nag 3.0.2 (and its main branch) reads EnableAtRestEncryption, EnableInTransitEncryption and
  // the configurations beside them at the top level of the SecurityConfiguration JSON; EMR reads them
  // inside EncryptionConfiguration (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html).
  // So the rules are evaluated here on a copy of the EncryptionConfiguration object, in the same
  // stack, given to the cluster: there their conditions mean what EMR means.
  const asEmrReadsIt = (stack: Stack, config: EmrSecurityConfiguration) => {
    const rendered = stack.resolve((config.node.defaultChild as emr.CfnSecurityConfiguration).securityConfiguration);
    return new emr.CfnSecurityConfiguration(stack, 'AsEmrReadsIt', { securityConfiguration: rendered.EncryptionConfiguration }).ref;
  };
  test('a cluster that uses it: EMR4 and EMR5 hold on the EncryptionConfiguration that EMR reads', () => {
    const { stack, config } = configure();
    expect(clusterFindings(stack, asEmrReadsIt(stack, config))).toEqual([]);
  });
  test('a cluster that uses it: cdk-nag 3.0.2 reports EMR4 and EMR5 because it reads the wrong level (remove when cdk-nag reads EncryptionConfiguration)', () => {
    const { stack, config } = configure();
    expect(clusterFindings(stack, config.securityConfigurationName)).toEqual([
      'AwsSolutions-EMR4 at TestStack/Cluster',
      'AwsSolutions-EMR5 at TestStack/Cluster',
    ]);
  });
  test('with in-transit encryption off, EMR5 fails where EMR reads it', () => {
    const { stack, config } = configure(() => ({ inTransitEncryption: EmrInTransitEncryption.disabled() }));
    expect(clusterFindings(stack, asEmrReadsIt(stack, config))).toEqual(['AwsSolutions-EMR5 at TestStack/Cluster']);
  });
});

