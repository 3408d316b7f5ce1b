import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { Branches } from './private/resolve';
import { CustomKeyStoreKeyRotationScheduled } from './rules/CustomKeyStoreKeyRotationScheduled';
import { EBSVolumeCustomerManagedKey } from './rules/EBSVolumeCustomerManagedKey';
import { EBSVolumeEncrypted } from './rules/EBSVolumeEncrypted';
import { EMRInTransitEncrypted } from './rules/EMRInTransitEncrypted';
import { EMRLocalDiskEncrypted } from './rules/EMRLocalDiskEncrypted';
import { KMSImportedKeyMaterialExpires } from './rules/KMSImportedKeyMaterialExpires';
import { KMSKeyDutiesSeparated } from './rules/KMSKeyDutiesSeparated';
import { KMSKeyRotationEnabled } from './rules/KMSKeyRotationEnabled';
import { RDSTlsRequired } from './rules/RDSTlsRequired';
import { RedshiftClusterCustomerManagedKey } from './rules/RedshiftClusterCustomerManagedKey';
import { RedshiftClusterEncrypted } from './rules/RedshiftClusterEncrypted';
import { RedshiftClusterTlsRequired } from './rules/RedshiftClusterTlsRequired';
import { S3SseCBlocked } from './rules/S3SseCBlocked';
import { S3UploadEncryptionEnforced } from './rules/S3UploadEncryptionEnforced';
import { NotAssessedError } from '../cfn/values';

/** One rule of the pack: the check, its severity and what a finding says. */
interface KmiRule {
  readonly rule: (node: CfnResource) => NagRuleCompliance;
  readonly level: NagMessageLevel;
  readonly info: string;
  readonly explanation: string;
}

/** Every rule of the pack; its id is `Kmi-` followed by the rule's name. */
const RULES: KmiRule[] = [
  {
    rule: S3UploadEncryptionEnforced,
    level: NagMessageLevel.ERROR,
    info: 'The S3 bucket\'s policy does not deny uploads that ask for no, or another, server-side encryption.',
    explanation: 'Default encryption encrypts an upload that asks for none, but an upload may still ask for another algorithm or key (SSE-S3 instead of your KMS key). '
      + 'A Deny on s3:PutObject conditioned on s3:x-amz-server-side-encryption (StringNotEquals, or Null true) leaves the bucket\'s encryption the only one an upload can get. EncryptedBucket writes it.',
  },
  {
    rule: S3SseCBlocked,
    level: NagMessageLevel.WARN,
    info: 'The S3 bucket accepts uploads encrypted with customer-provided keys (SSE-C).',
    explanation: 'With SSE-C, S3 does not keep the key: the uploader holds it outside AWS, outside KMS key policies, rotation and audit, and an object whose key is lost cannot be read. '
      + 'Block SSE-C with the bucket\'s BlockedEncryptionTypes, or deny it in the bucket policy, unless you mean to keep the keys yourself.',
  },
  {
    rule: KMSKeyRotationEnabled,
    level: NagMessageLevel.ERROR,
    info: 'The symmetric KMS key does not rotate its key material automatically.',
    explanation: 'Automatic rotation gives the key new material every rotation period (365 days by default) and keeps the old material to decrypt what it encrypted, so the cryptoperiod of the material is bounded without re-encrypting data. '
      + 'Keys with imported material (Origin EXTERNAL) are checked by Kmi-KMSImportedKeyMaterialExpires instead.',
  },
  {
    rule: KMSImportedKeyMaterialExpires,
    level: NagMessageLevel.WARN,
    info: 'The imported key material never expires (ExpirationModel KEY_MATERIAL_DOES_NOT_EXPIRE).',
    explanation: 'KMS cannot rotate imported key material automatically. Material that expires bounds its cryptoperiod: the key stops working until new material is imported. '
      + 'Material that never expires is used until someone replaces it.',
  },
  {
    rule: KMSKeyDutiesSeparated,
    level: NagMessageLevel.ERROR,
    info: 'A principal may both manage the KMS key and use it, by its key policy or the IAM policies of the stack.',
    explanation: 'Separation of duties: key administrators (policy, state, deletion, rotation, aliases, tags, material) should not encrypt or decrypt with the key, and key users should not change it. '
      + 'kms:CreateGrant counts as use, since a grant delegates it; aws-cdk-lib\'s grantAdmin includes it (kms:Create*). The statement allowing the key\'s own account root names no one and is not counted. '
      + 'KmsKeyWithRotation keeps admins and users apart.',
  },
  {
    rule: EBSVolumeEncrypted,
    level: NagMessageLevel.ERROR,
    info: 'The EBS volume is not encrypted.',
    explanation: 'An encrypted volume encrypts its data at rest, its snapshots and the data moving between it and the instance. '
      + 'Account-level EBS encryption by default would encrypt it too, but the template cannot show that it is on: set Encrypted, or use EncryptedVolume.',
  },
  {
    rule: EBSVolumeCustomerManagedKey,
    level: NagMessageLevel.WARN,
    info: 'The encrypted EBS volume uses the AWS managed key aws/ebs instead of a customer managed key.',
    explanation: 'Any principal of the account that may use EBS can use aws/ebs through EC2; its policy cannot be changed, and snapshots encrypted with it cannot be shared with other accounts. '
      + 'A customer managed key lets you choose who manages and uses it, its rotation and its deletion.',
  },
  {
    rule: RedshiftClusterEncrypted,
    level: NagMessageLevel.ERROR,
    info: 'The Redshift cluster is not encrypted at rest.',
    explanation: 'An encrypted cluster encrypts its data blocks, system metadata and snapshots with a KMS key. Set Encrypted with a KmsKeyId, or use RedshiftEncryptedCluster.',
  },
  {
    rule: RedshiftClusterCustomerManagedKey,
    level: NagMessageLevel.WARN,
    info: 'The encrypted Redshift cluster uses the AWS managed key aws/redshift instead of a customer managed key.',
    explanation: 'The policy of an AWS managed key cannot be changed. A customer managed key lets you choose who manages and uses it, its rotation and its deletion; '
      + 'a key in a CloudHSM custom key store keeps the key material in your HSMs.',
  },
  {
    rule: RedshiftClusterTlsRequired,
    level: NagMessageLevel.ERROR,
    info: 'The Redshift cluster accepts connections without TLS: its parameter group does not set require_ssl to true.',
    explanation: 'Without require_ssl, clients may connect and send queries, credentials and results in plaintext. Default parameter groups leave it false.',
  },
  {
    rule: RDSTlsRequired,
    level: NagMessageLevel.ERROR,
    info: 'The RDS DB instance or cluster accepts connections without encryption in transit: its parameter group (option group for Oracle) does not require it.',
    explanation: 'Each engine requires TLS by its own setting: rds.force_ssl 1 (PostgreSQL, Aurora PostgreSQL, SQL Server), require_secure_transport ON (MySQL, MariaDB, Aurora MySQL), DB2COMM SSL (Db2), '
      + 'native network encryption with SQLNET.ENCRYPTION_SERVER REQUIRED (Oracle; the SSL option leaves the clear-text listener open). Default parameter groups of most engines and versions leave it off. '
      + 'EncryptedDatabaseInstance, EncryptedDatabaseCluster and EncryptedDatabaseInstanceReadReplica set it.',
  },
  {
    rule: EMRLocalDiskEncrypted,
    level: NagMessageLevel.ERROR,
    info: 'The EMR security configuration does not encrypt the local disks of cluster nodes.',
    explanation: 'Local disks hold HDFS blocks, shuffle and spill data. At-rest encryption with a LocalDiskEncryptionConfiguration encrypts them with a key from AWS KMS or a custom key provider.',
  },
  {
    rule: EMRInTransitEncrypted,
    level: NagMessageLevel.ERROR,
    info: 'The EMR security configuration does not encrypt data in transit with TLS.',
    explanation: 'Without it, the traffic EMR can protect with TLS (between the nodes of a cluster, and between nodes and clients, for the applications and releases EMR documents) moves in plaintext. '
      + 'Turn it on with a TLSCertificateConfiguration (PEM certificates or a custom certificate provider).',
  },
  {
    rule: CustomKeyStoreKeyRotationScheduled,
    level: NagMessageLevel.ERROR,
    info: 'The KMS key in a custom key store has no rotation schedule (RotationPeriodInDays).',
    explanation: 'KMS rotates neither automatically nor on demand the keys of CloudHSM and external key stores; without a schedule the key material is used for the life of the key.',
  },
];

/** At most this many combinations of conditions are tried for one rule and resource. */
const MAX_BRANCH_RUNS = 64;

/**
 * The rule, judged on every branch of the `Fn::If`s its resource's values depend on: non-compliant
 * when one branch is, compliant when every branch is. A value the rule cannot read from the template
 * (a parameter, an import) makes it not applicable to that resource instead of an error; the posture
 * report (`cdk-kmi report`) shows what the value is.
 */
function onEveryBranch(rule: (node: CfnResource) => NagRuleCompliance): (node: CfnResource) => NagRuleCompliance {
  return (node) => {
    const queue: Array<ReadonlyMap<string, boolean>> = [new Map()];
    const results: Array<NagRuleCompliance | 'not assessed'> = [];
    for (let runs = 0; queue.length > 0; runs++) {
      if (runs >= MAX_BRANCH_RUNS) {
        return NagRuleCompliance.NOT_APPLICABLE;
      }
      const decided = queue.shift()!;
      const branches = new Branches(decided);
      let result: NagRuleCompliance | 'not assessed';
      try {
        result = branches.run(() => rule(node));
      } catch (e) {
        if (!(e instanceof NotAssessedError)) {
          throw e;
        }
        result = 'not assessed';
      }
      const open = [...branches.seen].find((condition) => !decided.has(condition));
      if (open !== undefined) {
        queue.push(new Map([...decided, [open, true]]), new Map([...decided, [open, false]]));
      } else {
        results.push(result);
      }
    }
    if (results.includes(NagRuleCompliance.NON_COMPLIANT)) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
    if (results.includes('not assessed') || !results.includes(NagRuleCompliance.COMPLIANT)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return NagRuleCompliance.COMPLIANT;
  };
}

/**
 * cdk-kmi's own cdk-nag pack: encryption at rest and in transit, customer managed keys, key rotation
 * and separation of key duties, for S3 buckets, KMS keys, imported key material, keys in custom key
 * stores, EBS volumes, RDS databases, Redshift clusters and EMR security configurations.
 *
 * Rule ids are `Kmi-<RuleName>`; acknowledge a finding with `Validations.of(construct).acknowledge`.
 * A rule whose resource depends on a condition (`Fn::If`) is judged on every branch, and fails when
 * one branch fails; a value it cannot read from the template (a parameter, an import) makes the rule
 * not applicable to that resource rather than an error.
 * The README's rules table lists each rule, its level and the controls it supports.
 *
 * @example
 * declare const stack: Stack;
 *
 * const report = new KmiChecks().validateScope(stack);
 * const findings: string[] = [];
 * for (const violation of report.violations) {
 *   for (const resource of violation.violatingResources) {
 *     findings.push(`${violation.ruleName} at ${resource.constructPath}`);
 *   }
 * }
 */
export class KmiChecks extends NagPack {
  /** The pack name, also the prefix of its rule ids. */
  public readonly name = 'Kmi';

  /**
   * @param scope the app or stack, needed only with `writeSuppressionsToCloudFormation`
   * @param props cdk-nag pack options (`verbose` adds each rule's explanation to its findings)
   */
  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'Kmi';
  }

  /**
   * Applies every rule of the pack to one resource.
   */
  protected checkResource(node: CfnResource): void {
    for (const { rule, level, info, explanation } of RULES) {
      this.applyRule({ rule: onEveryBranch(rule), ruleSuffixOverride: rule.name, level, info, explanation, node });
    }
  }
}
