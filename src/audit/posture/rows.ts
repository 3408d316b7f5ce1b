/**
 * The row the posture report gives one resource, and the helpers that build the common rows.
 */
import { Finding, finding } from './findings';
import { KEY_MANAGEMENT, KeyDescription, KmiOptionNumber } from './keys';
import { TemplateContext } from './read/template';
import { allowsEveryoneUnconditionally, deniesInsecureTransport, Statement, statementsOf } from '../cfn/policy';
import { NotAssessedError } from '../cfn/values';

/** Whether a resource's data is encrypted at rest: `n/a` for keys, key stores and HSMs. */
export type AtRest = 'yes' | 'no' | 'unknown' | 'n/a';

/** What the report says about one resource, apart from where it is. */
export interface PostureFacts {
  /** Encrypted at rest: `yes`, `no`, `unknown` (decided at deployment), `n/a`. */
  readonly encrypted: AtRest;
  /** How: `SSE-KMS`, `SSE-S3`, `EBS (KMS)`, `SSE-SQS`, `KMS key`, `none`, … */
  readonly encryption: string;
  /** The key-management option, 1 to 3, or `null` when unencrypted or unknown. */
  readonly option: KmiOptionNumber | null;
  /** What the option is: `AWS KMS, customer managed key`, `AWS managed key`, `CloudHSM-backed key store`, … */
  readonly keyManagement: string;
  /** The key: its construct path (or logical id), `AWS managed (aws/s3)`, an ARN, or `-`. */
  readonly key: string;
  /** `automatic every N days`, `scheduled every N days`, `by re-import`, `managed by AWS`, `none`, `unknown`, `-`. */
  readonly rotation: string;
  /** Bucket upload rule: `strict (aws:kms)`, `lenient (AES256)`, `none`; `-` for other resources. */
  readonly uploadRule: string;
  /** Transport: `TLS >= 1.2`, `TLS required`, `not enforced`, `engine default`, `-` (not applicable or not assessed). */
  readonly tls: string;
  readonly findings: Finding[];
}

/** One resource of the report. */
export interface ResourcePosture extends PostureFacts {
  /** The stack's display name (`Stage/Stack` inside a stage, `Parent/Nested` for a nested stack). */
  readonly stack: string;
  readonly logicalId: string;
  /** The construct path without its trailing `/Resource`, or `stack/logicalId` when the template has no path metadata. */
  readonly path: string;
  /** The CloudFormation resource type. */
  readonly type: string;
  /** What the row depends on that no given parameter decides (`parameter Env`, `condition IsProd`); empty when nothing. */
  readonly conditional: string[];
}

/** A resource the report does not assess, and why. */
export interface NotAssessed {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** What the report read, and what it found. */
export interface PostureReport {
  /** The files and directories read, as given. */
  readonly sources: string[];
  /** Every stack read, by display name. */
  readonly stacks: string[];
  readonly resources: ResourcePosture[];
  readonly notAssessed: NotAssessed[];
}

/** Reads one resource of a known type; `undefined` to leave it out of the report. */
export type Analyzer = (ctx: TemplateContext, logicalId: string, props: any) => PostureFacts | undefined;

/** Transport and other findings a row may carry besides its key's. */
export interface RowExtras {
  readonly tls?: string;
  readonly uploadRule?: string;
  readonly findings?: Finding[];
}

/** The row of a resource encrypted at rest with `key`. */
export function encryptedWith(encryption: string, key: KeyDescription, extras: RowExtras = {}): PostureFacts {
  return {
    encrypted: 'yes',
    encryption,
    option: key.option,
    keyManagement: key.keyManagement,
    key: key.key,
    rotation: key.rotation,
    uploadRule: extras.uploadRule ?? '-',
    tls: extras.tls ?? '-',
    findings: [...key.findings, ...(extras.findings ?? [])],
  };
}

/** The row of a resource that is not encrypted at rest; `message` says what is not. */
export function unencrypted(message: string, extras: RowExtras = {}): PostureFacts {
  return {
    encrypted: 'no',
    encryption: 'none',
    option: null,
    keyManagement: KEY_MANAGEMENT.none,
    key: '-',
    rotation: '-',
    uploadRule: extras.uploadRule ?? '-',
    tls: extras.tls ?? '-',
    findings: [finding('not-encrypted', message), ...(extras.findings ?? [])],
  };
}

/** The row of a resource whose encryption is decided at deployment by a template condition. */
export function undecided(ctx: TemplateContext, value: any, extras: RowExtras = {}): PostureFacts {
  return {
    encrypted: 'unknown',
    encryption: ctx.render(value),
    option: null,
    keyManagement: KEY_MANAGEMENT.conditional,
    key: '-',
    rotation: '-',
    uploadRule: extras.uploadRule ?? '-',
    tls: extras.tls ?? '-',
    findings: [
      finding('conditional', `encryption depends on condition ${value?.['Fn::If']?.[0] ?? ''}, decided at deployment: check the deployed resource`),
      ...(extras.findings ?? []),
    ],
  };
}

/** The row of a resource whose encryption comes from somewhere this template does not show (a snapshot, a source). */
export function inherited(encryption: string, message: string, extras: RowExtras = {}): PostureFacts {
  return {
    encrypted: 'unknown',
    encryption,
    option: null,
    keyManagement: 'unknown (inherited)',
    key: '-',
    rotation: '-',
    uploadRule: extras.uploadRule ?? '-',
    tls: extras.tls ?? '-',
    findings: [finding('inherited', message), ...(extras.findings ?? [])],
  };
}

/**
 * `TLS required` when a resource policy denies everyone requests without TLS (read as `cfn/policy`
 * reads it), else `not enforced` with a finding; policies that cannot be read are named.
 */
export function tlsFromPolicy(policies: { statements: Statement[]; unreadable: string[] }, what: string): { tls: string; findings: Finding[] } {
  const unreadable = policies.unreadable.map((message) => finding('unreadable', message));
  return policies.statements.some(deniesInsecureTransport)
    ? { tls: 'TLS required', findings: unreadable }
    : { tls: 'not enforced', findings: [finding('tls-not-enforced', `${what} policy does not deny requests without TLS (aws:SecureTransport)`), ...unreadable] };
}

/** A finding when a statement allows anyone, with no condition to narrow it. */
export function allowsAnyone(statements: Statement[], what: string): Finding[] {
  return statements.some(allowsEveryoneUnconditionally) ? [finding('public-access', `${what} policy allows anyone (Principal "*") without a condition`)] : [];
}

/** The statements of a policy document, or none and a finding when it cannot be read. */
export function readPolicy(document: any, where: string): { statements: Statement[]; unreadable: string[] } {
  try {
    return { statements: statementsOf(document, where), unreadable: [] };
  } catch (e) {
    if (!(e instanceof NotAssessedError)) {
      throw e;
    }
    return { statements: [], unreadable: [e.message] };
  }
}
