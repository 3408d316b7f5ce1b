import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A finding the library accepts on purpose, once for every scanner: the reason is written here once,
 * and each scanner gets it in its own format on the CloudFormation resource.
 */
export interface AcceptedFinding {
  /** Which resources of the library carry it (for the README table). */
  readonly resources: string;
  /** Why the library accepts it. */
  readonly reason: string;
  /**
   * cdk-nag rule ids: a rule name shared by the NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs
   * (acknowledged as `<pack>-<rule>` in each) and any further ids (such as an AwsSolutions rule).
   */
  readonly cdkNag: { readonly rule: string; readonly otherIds?: string[] };
  /**
   * cfn-guard rule names: the Control Tower rules of `@cdklabs/cdk-validator-cfnguard` (`rule <name> when`),
   * written to `Metadata.guard.SuppressedRules`.
   */
  readonly guard: string[];
  /** cfn_nag rule ids, written to `Metadata.cfn_nag.rules_to_suppress` (id and reason). */
  readonly cfnNag: string[];
  /** checkov check ids, written to `Metadata.checkov.skip` (id and comment). */
  readonly checkov: string[];
}

/**
 * Every finding accepted for the scanners that read template metadata, by a stable key. Only findings
 * that a scanner has a rule for are named here; ids are the scanners' own:
 * - cfn-guard: the rule names in the shipped `.guard` files (e.g. `rules/control-tower/cfn-guard/s3/ct-s3-pr-2.guard`);
 *   `Metadata.guard.SuppressedRules` is the convention of the AWS Guard Rules Registry, whose rules skip a
 *   resource that names them (https://github.com/aws-cloudformation/cloudformation-guard/issues/105). The
 *   cfn-guard engine itself does not read it, and the Control Tower rules do not filter on it: a pipeline
 *   that runs them drops the results of resources whose metadata names the failing rule (as the tests do).
 * - cfn_nag: `Metadata.cfn_nag.rules_to_suppress` entries with `id` and `reason`
 *   (https://github.com/stelligent/cfn_nag#per-resource-rule-suppression); W35 is "S3 Bucket should have
 *   access logging configured" (stelligent/cfn_nag issue 560), W89 "Lambda functions should be deployed inside a VPC".
 * - checkov: `Metadata.checkov.skip` entries with `id` and `comment`
 *   (https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html); CKV_AWS_18 is "Ensure the
 *   S3 bucket has access logging enabled" (checkov docs/3.Scans/resource-scans.md), CKV_AWS_117 "Ensure that
 *   AWS Lambda function is configured inside a VPC" (checkov's LambdaInVPC check), CKV_AWS_145 "Ensure that
 *   S3 buckets are encrypted with KMS by default", CKV_AWS_7 "Ensure rotation for customer created CMKs is enabled".
 *
 * cfn_nag and checkov take a reason per entry: each entry names the finding's key and points to its
 * reason (README, Accepted findings), so the reason text is written once (here), never per rule or pack.
 */
export const ACCEPTED_FINDINGS = {
  'access-logs-no-self-logging': {
    resources: 'AccessLogsBucket',
    reason: 'This bucket receives server access logs; logging its own access would log each log delivery, without end.',
    cdkNag: { rule: 'S3BucketLoggingEnabled', otherIds: ['AwsSolutions-S1'] },
    guard: ['s3_bucket_logging_enabled_check'],
    cfnNag: ['W35'],
    checkov: ['CKV_AWS_18'],
  },
  'access-logs-sse-s3': {
    resources: 'AccessLogsBucket',
    reason: 'Server access log delivery writes only to SSE-S3 buckets; the logs are encrypted with SSE-S3 (AES-256).',
    cdkNag: { rule: 'S3DefaultEncryptionKMS' },
    guard: ['s3_bucket_default_encryption_kms_check'],
    cfnNag: [],
    checkov: ['CKV_AWS_145'],
  },
  'redshift-audit-logs-sse-s3': {
    resources: 'RedshiftEncryptedCluster audit log bucket',
    reason: 'Redshift writes audit logs to S3 only in buckets encrypted with SSE-S3 '
      + '(https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html#db-auditing-bucket-permissions).',
    cdkNag: { rule: 'S3DefaultEncryptionKMS' },
    guard: ['s3_bucket_default_encryption_kms_check'],
    cfnNag: [],
    checkov: ['CKV_AWS_145'],
  },
  'imported-material-on-demand-rotation': {
    resources: 'KmsKeyWithImportedMaterial',
    reason: 'KMS cannot rotate imported key material automatically; this key rotates on demand when it is given a new secret '
      + 'with new material (import as NEW_KEY_MATERIAL, then RotateKeyOnDemand).',
    cdkNag: { rule: 'KMSBackingKeyRotationEnabled', otherIds: ['AwsSolutions-KMS5'] },
    guard: ['kms_key_rotation_enabled_check'],
    cfnNag: [],
    checkov: ['CKV_AWS_7'],
  },
  'handler-outside-vpc': {
    resources: 'custom resource provider handlers (every construct with a custom resource), CustomKeyStoreKey rotation function',
    reason: 'The function calls only public AWS APIs and handles no data; a VPC would add NAT or endpoints and protect nothing.',
    cdkNag: { rule: 'LambdaInsideVPC' },
    guard: ['lambda_inside_vpc_check'],
    cfnNag: ['W89'],
    checkov: ['CKV_AWS_117'],
  },
} satisfies Record<string, AcceptedFinding>;

/** The key of an accepted finding. */
export type AcceptedFindingKey = keyof typeof ACCEPTED_FINDINGS;

/**
 * What cfn_nag reasons and checkov comments say after the finding's key: they take a reason per
 * entry, so the template names the finding and points to its reason, keeping templates small.
 */
export const REASON_POINTER = 'accepted by cdk-kmi, reason in its README (Accepted findings)';

/** The cdk-nag packs that share rule names, by the prefix of their rule ids. */
const SHARED_RULE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/** The cdk-nag rule ids of an accepted finding. */
export function cdkNagIds(finding: AcceptedFinding): string[] {
  return [...SHARED_RULE_PACKS.map((pack) => `${pack}-${finding.cdkNag.rule}`), ...finding.cdkNag.otherIds ?? []];
}

/**
 * Accepts findings on a construct: acknowledges them for cdk-nag (`Validations.acknowledge`, construct
 * metadata, on the construct and so on everything below it) and writes them into the metadata of its
 * CloudFormation resource (the construct's default child when given an L2) for cfn-guard, cfn_nag and
 * checkov, merged with what is there already.
 */
export function acceptFindings(scope: IConstruct, ...keys: AcceptedFindingKey[]): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    throw new Error(`${scope.node.path}: accepted findings need a CloudFormation resource`);
  }
  const metadata = resource.cfnOptions.metadata ?? {};
  const guard: string[] = metadata.guard?.SuppressedRules ?? [];
  const cfnNag: Array<{ id: string; reason: string }> = metadata.cfn_nag?.rules_to_suppress ?? [];
  const checkov: Array<{ id: string; comment: string }> = metadata.checkov?.skip ?? [];
  for (const key of keys) {
    const finding: AcceptedFinding = ACCEPTED_FINDINGS[key];
    Validations.of(scope).acknowledge(...cdkNagIds(finding).map((id) => ({ id, reason: finding.reason })));
    // The full reason is acknowledged for cdk-nag and listed in the README; the template carries its key.
    const reason = `${key}: ${REASON_POINTER}`;
    guard.push(...finding.guard.filter((rule) => !guard.includes(rule)));
    cfnNag.push(...finding.cfnNag.filter((id) => !cfnNag.some((e) => e.id === id)).map((id) => ({ id, reason })));
    checkov.push(...finding.checkov.filter((id) => !checkov.some((e) => e.id === id)).map((id) => ({ id, comment: reason })));
  }
  resource.cfnOptions.metadata = {
    ...metadata,
    ...guard.length ? { guard: { SuppressedRules: guard } } : {},
    ...cfnNag.length ? { cfn_nag: { rules_to_suppress: cfnNag } } : {},
    ...checkov.length ? { checkov: { skip: checkov } } : {},
  };
}
