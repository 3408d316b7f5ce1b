import { Annotations, Resource } from 'aws-cdk-lib';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EmrArtifact } from './emr-artifact';
import { EmrCustomProviderOptions } from './emr-custom-provider';
import { EmrInTransitEncryption } from './emr-in-transit-encryption';
import { EmrLocalDiskEncryption } from './emr-local-disk-encryption';
import { EmrS3Encryption, EmrS3EncryptionOverride } from './emr-s3-encryption';
import { securityConfigurationDocument } from './security-configuration-document';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { childPath, isResolved, KmiValidationError } from '../private/errors';
import { KEY_USE_ACTIONS } from '../private/kms-actions';

/** The PUT response hop limits EMR accepts for IMDSv2 tokens, and its default. */
const MIN_HOP_LIMIT = 1;
const MAX_HOP_LIMIT = 64;
const DEFAULT_HOP_LIMIT = 1;
/** The S3 object locations `EmrArtifact.fromS3Uri` accepts. */
const S3_URI_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/;
/** The S3 encryption modes EMR documents for per-bucket overrides. */
const OVERRIDE_MODES = ['SSE-S3', 'SSE-KMS', 'CSE-KMS'];
/**
 * The S3 encryption modes EMR documents (SSE-C is not one: EMRFS cannot send customer keys).
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html
 */
const S3_MODES = [...OVERRIDE_MODES, 'CSE-Custom'];
/** The local disk key provider types EMR documents. */
const LOCAL_DISK_PROVIDER_TYPES = ['AwsKms', 'Custom'];

/**
 * Properties of an `EmrSecurityConfiguration`.
 */
export interface EmrSecurityConfigurationProps {
  /**
   * Where the cluster nodes get their TLS certificates, or `EmrInTransitEncryption.disabled()`.
   *
   * Required: in-transit encryption needs certificates that only you can provide, and turning it off
   * must be a visible choice.
   */
  readonly inTransitEncryption: EmrInTransitEncryption;

  /**
   * How EMRFS encrypts the objects clusters write to Amazon S3.
   *
   * @default - SSE-KMS with the key this construct creates
   */
  readonly s3Encryption?: EmrS3Encryption;

  /**
   * Other S3 encryption modes for particular buckets (SSE-S3, SSE-KMS or CSE-KMS).
   *
   * @default - every bucket uses `s3Encryption`
   */
  readonly s3EncryptionOverrides?: EmrS3EncryptionOverride[];

  /**
   * How EMR encrypts the local disks of the cluster nodes, and whether it encrypts the EBS volumes.
   *
   * @default - AWS KMS with the key this construct creates, EBS volumes included
   */
  readonly localDiskEncryption?: EmrLocalDiskEncryption;

  /**
   * Whether cluster nodes also answer IMDSv1 requests (`MinimumInstanceMetadataServiceVersion` 1).
   * IMDSv2 only needs EMR 5.23.1, 5.27.1, 5.32 or later, or 6.2 or later; earlier releases fail to
   * start with it.
   *
   * @default false (IMDSv2 only)
   */
  readonly allowImdsV1?: boolean;

  /**
   * How many network hops an IMDSv2 token may travel (`HttpPutResponseHopLimit`), 1 to 64. Containers
   * on the nodes that call the metadata service need 2.
   *
   * @default 1
   */
  readonly imdsHopLimit?: number;

  /**
   * The name of the security configuration. Every change of a security configuration replaces it;
   * with a fixed name, CloudFormation cannot replace it unless the name changes too.
   *
   * @default - a name CloudFormation generates
   */
  readonly securityConfigurationName?: string;
}

/**
 * An EMR security configuration with typed settings, secure by default: data at rest and in transit
 * encrypted, IMDSv2 only.
 *
 * - At rest, always on: S3 objects written by EMRFS (SSE-KMS by default; SSE-S3, CSE-KMS, CSE-Custom,
 *   per-bucket overrides) and local disks (AWS KMS with EBS encryption by default, or a custom key
 *   provider). KMS modes given no key share one new `KmsKeyWithRotation` (option 3, your key), which is
 *   retained when the stack is deleted so data stays readable.
 * - In transit: TLS with PEM certificates or a custom certificate provider. There is no default; turn
 *   it off explicitly with `EmrInTransitEncryption.disabled()`, which warns.
 * - Cluster nodes accept IMDSv2 only, with a PUT response hop limit of 1.
 *
 * Every change of an `AWS::EMR::SecurityConfiguration` replaces it, and replaces the clusters that
 * reference it. Grant the cluster's roles what EMR needs with `grantInstanceRole` and
 * `grantServiceRole`.
 *
 * @see https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html
 *
 * @example
 * declare const artifacts: s3.IBucket;
 * declare const instanceRole: iam.IRole;
 * declare const serviceRole: iam.IRole;
 *
 * const config = new EmrSecurityConfiguration(this, 'SecurityConfiguration', {
 *   inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(artifacts, 'emr/certs.zip')),
 * });
 * config.grantInstanceRole(instanceRole); // the key, and the certificates zip
 * config.grantServiceRole(serviceRole); // the key, for EBS encryption
 * // new emr.CfnCluster(this, 'Cluster', { securityConfiguration: config.securityConfigurationName, ... });
 */
export class EmrSecurityConfiguration extends Resource {
  /**
   * The name of the security configuration, which a cluster's `securityConfiguration` names.
   *
   * @attribute
   */
  public readonly securityConfigurationName: string;

  /**
   * The key this construct created for the KMS modes given no key.
   *
   * @default - none, when every KMS mode has its own key or none uses KMS
   */
  public readonly defaultKey?: kms.IKey;

  private readonly s3Encryption: EmrS3Encryption;
  private readonly s3EncryptionOverrides: EmrS3EncryptionOverride[];
  private readonly localDiskEncryption: EmrLocalDiskEncryption;
  private readonly inTransitEncryption: EmrInTransitEncryption;

  constructor(scope: Construct, id: string, props: EmrSecurityConfigurationProps) {
    const path = childPath(scope, id);
    validateProps(path, props);
    super(scope, id, { physicalName: props.securityConfigurationName });

    this.s3Encryption = props.s3Encryption ?? EmrS3Encryption.sseKms();
    this.s3EncryptionOverrides = props.s3EncryptionOverrides ?? [];
    this.localDiskEncryption = props.localDiskEncryption ?? EmrLocalDiskEncryption.kms();
    this.inTransitEncryption = props.inTransitEncryption;

    const needsDefaultKey = this.atRestEncryptions().some((encryption) => encryption.usesKms && !encryption.key);
    this.defaultKey = needsDefaultKey
      ? new KmsKeyWithRotation(this, 'Key', { description: `Encrypts the data at rest of the EMR clusters that use the security configuration ${path}` })
      : undefined;

    const resource = new emr.CfnSecurityConfiguration(this, 'Resource', {
      name: props.securityConfigurationName,
      securityConfiguration: securityConfigurationDocument({
        s3: this.s3Encryption,
        s3Overrides: this.s3EncryptionOverrides,
        localDisk: this.localDiskEncryption,
        inTransit: this.inTransitEncryption,
        defaultKey: this.defaultKey,
        minimumImdsVersion: props.allowImdsV1 ? 1 : 2,
        imdsHopLimit: props.imdsHopLimit ?? DEFAULT_HOP_LIMIT,
      }),
    });
    this.securityConfigurationName = resource.ref;

    if (!this.inTransitEncryption.enabled) {
      Annotations.of(this).addWarningV2('cdk-kmi:emrInTransitDisabled',
        'In-transit encryption is off (EmrInTransitEncryption.disabled()): EMR does not encrypt data moving between cluster nodes, or between nodes and clients, with TLS.');
    }
    if (props.allowImdsV1) {
      Annotations.of(this).addWarningV2('cdk-kmi:emrImdsV1Allowed',
        'Cluster nodes answer IMDSv1 requests (allowImdsV1): a server-side request forgery on a node can read its instance credentials.');
    }
  }

  /**
   * Lets the role of the cluster's EC2 instance profile (`EMR_EC2_DefaultRole` by default) do what the
   * security configuration asks of it:
   * - use every at-rest KMS key (encrypt, decrypt, re-encrypt, generate data keys, describe), and, with
   *   EBS encryption, create grants on the local disk key for AWS resources only (what the KMS console
   *   gives key users, as the EMR documentation asks);
   * - download (`s3:GetObject`) the certificates zip and the JARs of custom providers.
   *
   * Keys and buckets in another account must also allow the role in their own policies.
   */
  public grantInstanceRole(role: iam.IGrantable): iam.Grant {
    const artifacts = new Set<EmrArtifact>([
      this.inTransitEncryption.certificates,
      this.inTransitEncryption.provider?.providerJar,
      this.s3Encryption.provider?.providerJar,
      this.localDiskEncryption.provider?.providerJar,
    ].filter((artifact): artifact is EmrArtifact => artifact !== undefined));

    let grant = this.grantEbsKey(role);
    for (const key of this.atRestKeys()) {
      grant = grant.combine(grantKeyUse(key, role));
    }
    for (const artifact of artifacts) {
      grant = grant.combine(artifact.grantRead(role));
    }
    return grant;
  }

  /**
   * Lets the EMR service role (`EMR_DefaultRole` by default) use the local disk key and create grants
   * on it for AWS resources only, which EBS encryption needs. Grants nothing when EBS volumes are not
   * encrypted.
   */
  public grantServiceRole(role: iam.IGrantable): iam.Grant {
    const key = this.ebsKey();
    const grant = this.grantEbsKey(role);
    return key ? grant.combine(grantKeyUse(key, role)) : grant;
  }

  /** S3 encryption, its overrides and local disk encryption: everything at rest that may use a KMS key. */
  private atRestEncryptions(): Array<EmrS3Encryption | EmrLocalDiskEncryption> {
    return [this.s3Encryption, ...this.s3EncryptionOverrides.map((override) => override.encryption), this.localDiskEncryption];
  }

  /** The KMS key of every at-rest encryption that uses one, each once. */
  private atRestKeys(): kms.IKey[] {
    const keys = this.atRestEncryptions()
      .filter((encryption) => encryption.usesKms)
      .map((encryption) => (encryption.key ?? this.defaultKey)!);
    return [...new Set(keys)];
  }

  /** The key that encrypts EBS volumes, if they are encrypted. */
  private ebsKey(): kms.IKey | undefined {
    const localDisk = this.localDiskEncryption;
    return localDisk.usesKms && localDisk.encryptEbs ? (localDisk.key ?? this.defaultKey) : undefined;
  }

  /** `kms:CreateGrant` for AWS resources (the EBS volumes) on the EBS key, if any. */
  private grantEbsKey(grantee: iam.IGrantable): iam.Grant {
    const key = this.ebsKey();
    if (!key) {
      return iam.Grant.drop(grantee, 'no EBS encryption');
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:CreateGrant'],
      resourceArns: [key.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  }
}

/** Cryptographic use of a key; a `KmsKeyWithRotation` also denies the grantee its management. */
function grantKeyUse(key: kms.IKey, grantee: iam.IGrantable): iam.Grant {
  return key instanceof KmsKeyWithRotation ? key.grantUse(grantee) : key.grant(grantee, ...KEY_USE_ACTIONS);
}

function validateProps(path: string, props: EmrSecurityConfigurationProps): void {
  const inTransit = props.inTransitEncryption;
  if (!inTransit) {
    throw new KmiValidationError({
      path,
      prop: 'inTransitEncryption',
      given: 'undefined',
      allowed: 'EmrInTransitEncryption.pemCertificates(...), EmrInTransitEncryption.customProvider(...) or EmrInTransitEncryption.disabled()',
      fix: 'TLS needs certificates that only you can provide: give a zip of PEM files in S3 (privateKey.pem, certificateChain.pem, optionally trustedCertificates.pem) or a custom certificate provider, or turn in-transit encryption off explicitly with EmrInTransitEncryption.disabled().',
    });
  }
  // An object literal of the right shape type-checks in TypeScript; only the factories make documented values.
  checkKnown(path, 's3Encryption', props.s3Encryption?.encryptionMode, S3_MODES,
    'EmrS3Encryption.sseS3(), .sseKms(), .cseKms() or .cseCustom()');
  checkKnown(path, 'localDiskEncryption', props.localDiskEncryption?.providerType, LOCAL_DISK_PROVIDER_TYPES,
    'EmrLocalDiskEncryption.kms() or .custom()');
  checkArtifact(path, 'inTransitEncryption', inTransit.certificates);
  checkProvider(path, 'inTransitEncryption', inTransit.provider, 'TLSArtifactsProvider');
  checkProvider(path, 's3Encryption', props.s3Encryption?.provider, 'EncryptionMaterialsProvider');
  checkProvider(path, 'localDiskEncryption', props.localDiskEncryption?.provider, 'EncryptionMaterialsProvider');
  checkProviderClasses(path, props.s3Encryption, props.localDiskEncryption);

  (props.s3EncryptionOverrides ?? []).forEach((override, index) => {
    if (!OVERRIDE_MODES.includes(override.encryption.encryptionMode)) {
      throw new KmiValidationError({
        path,
        prop: `s3EncryptionOverrides[${index}].encryption`,
        given: override.encryption.encryptionMode,
        allowed: OVERRIDE_MODES.join(', '),
        fix: 'EMR documents per-bucket overrides for these modes only; use CSE-Custom as the s3Encryption of a security configuration of its own.',
      });
    }
  });

  if (props.localDiskEncryption?.providerType === 'Custom' && props.localDiskEncryption.encryptEbs) {
    throw new KmiValidationError({
      path,
      prop: 'localDiskEncryption',
      given: 'EmrLocalDiskEncryption.custom({ encryptEbs: true })',
      allowed: 'encryptEbs false or unset with a custom key provider',
      fix: 'EMR encrypts EBS volumes only with an AWS KMS key: use EmrLocalDiskEncryption.kms() to encrypt them.',
    });
  }

  const hopLimit = props.imdsHopLimit;
  if (isResolved(hopLimit) && (!Number.isInteger(hopLimit) || hopLimit! < MIN_HOP_LIMIT || hopLimit! > MAX_HOP_LIMIT)) {
    throw new KmiValidationError({
      path,
      prop: 'imdsHopLimit',
      given: `${hopLimit}`,
      allowed: `a whole number from ${MIN_HOP_LIMIT} to ${MAX_HOP_LIMIT}`,
    });
  }
}

/** Refuses one provider class for both CSE-Custom and custom local disk encryption, as EMR does. */
/** Refuses a value that none of the class's factories makes (an object literal with another mode). */
function checkKnown(path: string, prop: string, value: string | undefined, known: string[], factories: string): void {
  if (value !== undefined && !known.includes(value)) {
    throw new KmiValidationError({
      path,
      prop,
      given: `a value with mode '${value}'`,
      allowed: `${known.join(', ')}, made by ${factories}`,
      fix: 'Build the value with one of those factories; EMR documents no other mode.',
    });
  }
}

function checkProviderClasses(path: string, s3?: EmrS3Encryption, localDisk?: EmrLocalDiskEncryption): void {
  const className = localDisk?.provider?.className;
  if (className !== undefined && className === s3?.provider?.className) {
    throw new KmiValidationError({
      path,
      prop: 'localDiskEncryption',
      given: `className '${className}', also the class of s3Encryption CSE-Custom`,
      allowed: 'a provider class other than the one of s3Encryption',
      fix: 'EMR requires different key provider classes for local disk and S3 encryption.',
    });
  }
}

/** Refuses a custom provider with no class name or a malformed JAR location. */
function checkProvider(path: string, prop: string, provider: EmrCustomProviderOptions | undefined, implemented: string): void {
  if (!provider) {
    return;
  }
  if (isResolved(provider.className) && provider.className.trim() === '') {
    throw new KmiValidationError({
      path,
      prop,
      given: `className '${provider.className}'`,
      allowed: `the full name of a class in the provider JAR that implements ${implemented}, such as com.example.MyProvider`,
    });
  }
  checkArtifact(path, prop, provider.providerJar);
}

function checkArtifact(path: string, prop: string, artifact?: EmrArtifact): void {
  if (artifact && isResolved(artifact.s3Uri) && !S3_URI_PATTERN.test(artifact.s3Uri)) {
    throw new KmiValidationError({
      path,
      prop,
      given: `S3 object '${artifact.s3Uri}'`,
      allowed: "'s3://<bucket>/<key>'",
      fix: 'Name the object by its S3 URI, or use EmrArtifact.fromBucket(bucket, key).',
    });
  }
}
