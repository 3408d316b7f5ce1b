/**
 * The findings the posture report can raise, each with a fixed severity. The ids are stable: CI
 * jobs and JSON consumers may filter on them.
 */

/** How much a finding matters, from the least to the most. */
export type Severity = 'info' | 'low' | 'medium' | 'high';

/** The severities from the least to the most. */
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high'];

/** The rank of a severity: info 0, low 1, medium 2, high 3. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Every finding id with its severity and what it means. */
export const FINDING_CATALOGUE = {
  'not-encrypted': { severity: 'high', meaning: 'data stored unencrypted at rest' },
  'sse-c-allowed': { severity: 'high', meaning: 'the bucket explicitly allows SSE-C uploads (keys held outside AWS, unmanaged)' },
  'public-access': { severity: 'high', meaning: 'public access not fully blocked, a policy (bucket, queue, topic or key policy) that allows anyone without a condition, or a publicly accessible database' },
  'key-not-rotated': { severity: 'medium', meaning: 'a customer managed key (or the key of a resource) with neither automatic nor scheduled rotation' },
  'tls-not-enforced': { severity: 'medium', meaning: 'requests or connections without TLS are not refused' },
  'hsm-availability': { severity: 'medium', meaning: 'a CloudHSM cluster with fewer than two HSMs' },
  'aws-managed-key': { severity: 'low', meaning: 'an AWS managed key (aws/<service>, in your account, its policy set by AWS) where a customer managed key is possible' },
  'aws-owned-key': { severity: 'low', meaning: 'an AWS owned key (not in your account: no key policy of yours, no CloudTrail record of its use) where a customer managed key is possible' },
  'sse-c-not-blocked': { severity: 'low', meaning: 'SSE-C not blocked by the template (S3 blocks it by default only on buckets created since April 2026)' },
  'no-upload-rule': { severity: 'low', meaning: 'a bucket policy that lets uploads ask for any server-side encryption' },
  'key-policy-not-separated': { severity: 'low', meaning: 'a key policy that leaves all of KMS to IAM: no administrators or users kept apart' },
  'key-material-expires': { severity: 'low', meaning: 'imported key material that expires: data under the key is unusable until it is imported again' },
  'tls-engine-default': { severity: 'low', meaning: 'database TLS left to the engine default (no parameter requires it)' },
  'external-key': { severity: 'info', meaning: 'a key defined outside the template: its rotation and key-management option cannot be read here' },
  'conditional': { severity: 'info', meaning: 'the posture depends on template conditions that no given parameter decides: the weakest case is reported' },
  'unreadable': { severity: 'info', meaning: 'a policy or setting the report cannot read from the template (built at deployment, or not JSON)' },
  'inherited': { severity: 'info', meaning: 'encryption inherited from a snapshot, a source database or another resource' },
  'hsms-unknown': { severity: 'info', meaning: 'a CloudHSM cluster whose HSMs are not created in this template' },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

/** A stable finding id. */
export type FindingId = keyof typeof FINDING_CATALOGUE;

/** Something an auditor should look at. */
export interface Finding {
  readonly severity: Severity;
  readonly id: FindingId;
  readonly message: string;
}

/** A finding of the given id, with the catalogue's severity. */
export function finding(id: FindingId, message: string): Finding {
  return { severity: FINDING_CATALOGUE[id].severity, id, message };
}
