/**
 * Posture of block and file storage: EBS volumes, the block devices of EC2 instances, launch
 * templates and launch configurations, EBS encryption by default, EFS file systems.
 */
import { isObject, listOf } from '../../cfn/values';
import { awsManagedKey, describeKey, KeyDescription } from '../keys';
import { isUndecided, TemplateContext, truth } from '../read/template';
import { Analyzer, encryptedWith, inherited, PostureFacts, readPolicy, tlsFromPolicy, unencrypted, undecided } from '../rows';

/**
 * The key EBS encryption by default gives new volumes, when the input sets it
 * (`Custom::KmiEbsEncryptionByDefault`, from `EbsEncryptionByDefault`); `undefined` when it does not.
 *
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html
 */
function ebsDefaultKey(ctx: TemplateContext): KeyDescription | undefined {
  const [setting] = ctx.app.ebsByDefault;
  if (setting === undefined) {
    return undefined;
  }
  return describeKey(setting.context, setting.context.properties(setting.logicalId).KmsKeyId, awsManagedKey('aws/ebs'));
}

/** `AWS::EC2::Volume`. */
export const analyzeVolume: Analyzer = (ctx, _logicalId, props) => {
  if (isUndecided(props.Encrypted)) {
    return undecided(ctx, props.Encrypted);
  }
  if (truth(props.Encrypted) !== true) {
    const byDefault = ebsDefaultKey(ctx);
    return byDefault
      ? encryptedWith('EBS (KMS, by EBS encryption by default)', byDefault)
      : unencrypted('EBS volume not encrypted (unless EBS encryption by default is on in its account and Region)');
  }
  return encryptedWith('EBS (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/ebs')));
};

/** `Custom::KmiEbsEncryptionByDefault`: every new EBS volume of the account and Region. */
export const analyzeEbsEncryptionByDefault: Analyzer = (ctx, _logicalId, props) =>
  encryptedWith('EBS by default (account, Region)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/ebs')));

/** `AWS::EFS::FileSystem`: encryption at rest, and TLS through its file system policy. */
export const analyzeFileSystem: Analyzer = (ctx, _logicalId, props) => {
  const transport = tlsFromPolicy(readPolicy(props.FileSystemPolicy, 'FileSystemPolicy'), 'file system');
  if (isUndecided(props.Encrypted)) {
    return undecided(ctx, props.Encrypted, transport);
  }
  if (truth(props.Encrypted) !== true) {
    return unencrypted('EFS file system not encrypted', transport);
  }
  return encryptedWith('EFS (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/elasticfilesystem')), transport);
};

/**
 * The EBS volumes of block device mappings (`Ebs.Encrypted`, `Ebs.KmsKeyId`): each device's row, the
 * weakest kept. A device that is not set encrypted is encrypted only when EBS encryption by default is
 * on; an instance store device (`VirtualName`) or a suppressed one (`NoDevice`) holds no EBS volume.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-blockdev-mapping.html
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html
 */
function blockDevices(ctx: TemplateContext, mappings: unknown, what: string, whenNone: () => PostureFacts): PostureFacts {
  const devices = listOf(mappings)
    .filter((m): m is Record<string, any> => isObject(m) && isObject(m.Ebs) && m.NoDevice === undefined && m.VirtualName === undefined);
  if (devices.length === 0) {
    return whenNone();
  }
  const byDefault = ebsDefaultKey(ctx);
  const rows = devices.map((device) => {
    const ebs = device.Ebs;
    const name = typeof device.DeviceName === 'string' ? device.DeviceName : 'a device';
    if (isUndecided(ebs.Encrypted)) {
      return undecided(ctx, ebs.Encrypted);
    }
    if (truth(ebs.Encrypted) === true) {
      return encryptedWith('EBS (KMS)', describeKey(ctx, ebs.KmsKeyId, awsManagedKey('aws/ebs')));
    }
    if (byDefault) {
      return encryptedWith('EBS (KMS, by EBS encryption by default)', byDefault);
    }
    if (ebs.SnapshotId !== undefined) {
      return inherited('its snapshot\'s', `${what} volume ${name} is created from snapshot ${ctx.render(ebs.SnapshotId)}: encrypted if the snapshot is`);
    }
    return unencrypted(`${what} volume ${name} not encrypted (Ebs.Encrypted not true, and the input does not turn on EBS encryption by default)`);
  });
  return rows.reduce((weakest, row) => (rank(row) > rank(weakest) ? row : weakest));
}

function rank(row: PostureFacts): number {
  return row.encrypted === 'no' ? 2 : row.encrypted === 'unknown' ? 1 : 0;
}

/** The root volume from the image when no mapping says otherwise: the AMI's encryption, or EBS encryption by default. */
function fromImage(ctx: TemplateContext, what: string): () => PostureFacts {
  return () => {
    const byDefault = ebsDefaultKey(ctx);
    return byDefault
      ? encryptedWith('EBS (KMS, by EBS encryption by default)', byDefault)
      : inherited('its AMI\'s', `${what} has no block device mapping: its root volume is encrypted as its AMI's snapshot is (the input does not turn on EBS encryption by default)`);
  };
}

/** `AWS::EC2::Instance`: its block device mappings, or its launch template's. */
export const analyzeInstance: Analyzer = (ctx, _logicalId, props) => {
  if (props.BlockDeviceMappings === undefined && props.LaunchTemplate !== undefined) {
    const template = ctx.referenced(props.LaunchTemplate.LaunchTemplateId ?? props.LaunchTemplate.LaunchTemplateName);
    return template?.resource.Type === 'AWS::EC2::LaunchTemplate'
      ? { ...analyzeLaunchTemplate(ctx, template.logicalId, ctx.properties(template.logicalId))!, encryption: `as launch template ${ctx.displayName(template.logicalId)}` }
      : inherited('its launch template\'s', `the instance's volumes are defined by launch template ${ctx.render(props.LaunchTemplate)}, not in this template`);
  }
  return blockDevices(ctx, props.BlockDeviceMappings, 'instance', fromImage(ctx, 'the instance'));
};

/** `AWS::EC2::LaunchTemplate`: the block device mappings of its launch template data. */
export const analyzeLaunchTemplate: Analyzer = (ctx, _logicalId, props) =>
  blockDevices(ctx, props.LaunchTemplateData?.BlockDeviceMappings, 'launch template', fromImage(ctx, 'the launch template'));

/** `AWS::AutoScaling::LaunchConfiguration`: its block device mappings (no key of their own: EBS uses the default key). */
export const analyzeLaunchConfiguration: Analyzer = (ctx, _logicalId, props) =>
  blockDevices(ctx, props.BlockDeviceMappings, 'launch configuration', fromImage(ctx, 'the launch configuration'));
