/**
 * Posture of block and file storage: EBS volumes, EBS encryption by default, EFS file systems.
 */
import { awsManagedKey, describeKey } from '../keys';
import { isUndecided, statementsOf, truth } from '../read/template';
import { Analyzer, encryptedWith, tlsFromPolicy, unencrypted, undecided } from '../rows';

/** `AWS::EC2::Volume`. */
export const analyzeVolume: Analyzer = (ctx, _logicalId, props) => {
  if (isUndecided(props.Encrypted)) {
    return undecided(ctx, props.Encrypted);
  }
  if (truth(props.Encrypted) !== true) {
    return unencrypted('EBS volume not encrypted (unless EBS encryption by default is on in its account and Region)');
  }
  return encryptedWith('EBS (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/ebs')));
};

/** `Custom::KmiEbsEncryptionByDefault`: every new EBS volume of the account and Region. */
export const analyzeEbsEncryptionByDefault: Analyzer = (ctx, _logicalId, props) =>
  encryptedWith('EBS by default (account, Region)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/ebs')));

/** `AWS::EFS::FileSystem`: encryption at rest, and TLS through its file system policy. */
export const analyzeFileSystem: Analyzer = (ctx, _logicalId, props) => {
  const transport = tlsFromPolicy(statementsOf(props.FileSystemPolicy), 'file system');
  if (isUndecided(props.Encrypted)) {
    return undecided(ctx, props.Encrypted, transport);
  }
  if (truth(props.Encrypted) !== true) {
    return unencrypted('EFS file system not encrypted', transport);
  }
  return encryptedWith('EFS (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/elasticfilesystem')), transport);
};
