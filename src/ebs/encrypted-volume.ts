import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { Ec2KeyUsers, ec2OnlyKeyPolicy } from './ec2-only-key-policy';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { acknowledgeRule } from '../private/acknowledge';
import { childPath, KmiValidationError } from '../private/errors';

/**
 * Properties of an `EncryptedVolume`.
 *
 * All of `ec2.VolumeProps` apply. Where this construct's default differs from the one
 * `ec2.VolumeProps` documents for a prop, this one holds (jsii does not let a struct re-declare an
 * inherited member to restate its default):
 *
 * - `encrypted`: always `true` (`false` is refused).
 * - `encryptionKey`: a new `KmsKeyWithRotation` (sibling construct `<id>Key`) usable only through EC2
 *   for resources of this account.
 * - `removalPolicy`: `RemovalPolicy.SNAPSHOT` (the key it creates is retained with the snapshot).
 */
export interface EncryptedVolumeProps extends ec2.VolumeProps {}

/**
 * An EBS volume that is always encrypted, by default with a new `KmsKeyWithRotation` that can be
 * used only through EC2 for resources of this account.
 *
 * The key the construct creates delegates administration to the account (IAM policies decide who
 * administers it) and allows cryptographic use only when the request comes through EC2
 * (`kms:ViaService` `ec2.<region>.amazonaws.com`, `kms:CallerAccount` this account), and `CreateGrant`
 * only for AWS resources (`kms:GrantIsForAWSResource`). A role that may attach the volume can use the
 * key through EC2; no role can call KMS with it directly. A key you pass as `encryptionKey` keeps its
 * own policy: any `kms.IKey`, including a key in a custom key store (option 2 or 1).
 *
 * The volume is snapshotted when it leaves the stack (`RemovalPolicy.SNAPSHOT`), and the key it
 * creates is retained so the snapshot stays readable.
 *
 * @see https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
 *
 * @example
 * declare const operator: iam.IRole;
 * declare const instance: ec2.Instance; // in us-east-1a
 *
 * const volume = new EncryptedVolume(this, 'Data', {
 *   availabilityZone: 'us-east-1a',
 *   size: Size.gibibytes(100),
 * });
 * volume.grantAttachVolume(operator, [instance]);
 */
export class EncryptedVolume extends ec2.Volume {
  constructor(scope: Construct, id: string, props: EncryptedVolumeProps) {
    const path = childPath(scope, id);
    if (props.encrypted === false) {
      throw new KmiValidationError({
        path,
        prop: 'encrypted',
        given: 'false',
        allowed: 'true or unset (the volume is always encrypted)',
        fix: 'Use ec2.Volume for an unencrypted volume.',
      });
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const encryptionKey = props.encryptionKey ?? new KmsKeyWithRotation(scope, `${id}Key`, {
      description: `Encrypts the EBS volume ${path}; usable only through EC2`,
      policy: ec2OnlyKeyPolicy(Stack.of(scope), Ec2KeyUsers.IAM_AUTHORIZED),
      // A snapshot taken on removal stays encrypted with this key, so the key goes only if the volume goes without one.
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    super(scope, id, { ...props, encrypted: true, encryptionKey, removalPolicy });

    acknowledgeRule(this, 'EC2EBSInBackupPlan',
      'Backup plans are chosen per workload, not per volume: add this volume to an AWS Backup plan (BackupResource.fromConstruct). Its data outlives the stack by default through a final snapshot (RemovalPolicy.SNAPSHOT).');
  }
}
