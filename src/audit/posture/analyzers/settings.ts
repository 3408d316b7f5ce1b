/**
 * Analyzers built from a resource type's encryption settings: where the key is, whether encryption
 * is switched on, and what CloudFormation gives when a setting is absent. `coverage.ts` states them
 * for each type, with the AWS documentation that says what an absent value means.
 */
import { isObject } from '../../cfn/values';
import { Finding, finding } from '../findings';
import { awsManagedKey, awsOwnedKey, describeKey, KeyDescription } from '../keys';
import { isUndecided, TemplateContext, truth } from '../read/template';
import { Analyzer, encryptedWith, inherited, PostureFacts, RowExtras, undecided, unencrypted } from '../rows';

/** What an absent key (or setting) means for a type. */
export type Absent =
  | { readonly kind: 'not encrypted' }
  | { readonly kind: 'AWS owned key'; readonly name: string }
  | { readonly kind: 'AWS managed key'; readonly name: string };

/** The data is not encrypted at rest. */
export const NOT_ENCRYPTED: Absent = { kind: 'not encrypted' };
/** An AWS owned key of the service. */
export const owned = (name: string): Absent => ({ kind: 'AWS owned key', name });
/** The AWS managed key `aws/<service>` of the account. */
export const managed = (name: string): Absent => ({ kind: 'AWS managed key', name });

/** The key an absent key identifier means; undefined when it means no encryption. */
export function absentKey(absent: Absent): KeyDescription | undefined {
  switch (absent.kind) {
    case 'AWS owned key':
      return awsOwnedKey(absent.name);
    case 'AWS managed key':
      return awsManagedKey(absent.name);
    default:
      return undefined;
  }
}

/** The value at a dotted path of the properties (`EncryptionConfiguration.KmsKey`). */
export function valueAt(props: any, path: string): any {
  return path.split('.').reduce((value, part) => (isObject(value) ? value[part] : undefined), props);
}

/** Extra columns and findings for a row, from the properties (TLS, for example). */
export type Extras = (ctx: TemplateContext, props: any) => RowExtras;

const none: Extras = () => ({});

/** Always encrypted: the key at `keyPath`, or what an absent key means. */
export function keyed(label: string, keyPath: string, absent: Absent, extras: Extras = none): Analyzer {
  return (ctx, _logicalId, props) => {
    const more = extras(ctx, props);
    const keyRef = valueAt(props, keyPath);
    const whenAbsent = absentKey(absent);
    if (keyRef === undefined && whenAbsent === undefined) {
      return unencrypted(`${label}: no ${keyPath}, not encrypted at rest`, more);
    }
    return encryptedWith(`${label} (${keyRef === undefined ? absent.kind : 'KMS'})`, describeKey(ctx, keyRef, whenAbsent ?? awsOwnedKey(label)), more);
  };
}

/**
 * Encrypted when the boolean at `enabledPath` is true (absent: `enabledByDefault`), with the key at
 * `keyPath` or the service's default key.
 */
export function switched(
  label: string, enabledPath: string, keyPath: string, defaultKey: Absent,
  options: { enabledByDefault?: boolean; extras?: Extras } = {},
): Analyzer {
  return (ctx, _logicalId, props) => {
    const more = (options.extras ?? none)(ctx, props);
    const enabled = valueAt(props, enabledPath);
    if (isUndecided(enabled)) {
      return undecided(ctx, enabled, more);
    }
    const on = enabled === undefined ? options.enabledByDefault === true : truth(enabled);
    if (on === undefined) {
      return unknownSetting(ctx, label, enabledPath, enabled, more);
    }
    if (!on) {
      return unencrypted(`${label} not encrypted at rest (${enabledPath} ${enabled === undefined ? 'absent' : 'false'})`, more);
    }
    const keyRef = valueAt(props, keyPath);
    return encryptedWith(`${label} (KMS)`, describeKey(ctx, keyRef, absentKey(defaultKey) ?? awsOwnedKey(label)), more);
  };
}

/** What each value of a mode setting means: `kms` the key at the key path, or an absent meaning. */
export type ModeMeaning = 'kms' | Absent;

/** Encrypted as the mode at `modePath` says (absent: `absentMode`), with the key at `keyPath` for a KMS mode. */
export function moded(
  label: string, modePath: string, keyPath: string, modes: Record<string, ModeMeaning>,
  absentMode: string, kmsDefault: Absent, extras: Extras = none,
): Analyzer {
  return (ctx, _logicalId, props) => {
    const more = extras(ctx, props);
    const value = valueAt(props, modePath);
    if (isUndecided(value)) {
      return undecided(ctx, value, more);
    }
    const mode = value === undefined ? absentMode : value;
    const meaning = typeof mode === 'string' ? modes[mode] : undefined;
    if (meaning === undefined) {
      return unknownSetting(ctx, label, modePath, value, more);
    }
    if (meaning === 'kms') {
      return encryptedWith(`${label} (${mode})`, describeKey(ctx, valueAt(props, keyPath), absentKey(kmsDefault) ?? awsOwnedKey(label)), more);
    }
    const key = absentKey(meaning);
    return key === undefined
      ? unencrypted(`${label} not encrypted at rest (${modePath} ${mode})`, more)
      : encryptedWith(`${label} (${mode})`, key, more);
  };
}

/** A row for a setting whose value the report cannot read (a parameter, an unknown value). */
function unknownSetting(ctx: TemplateContext, label: string, path: string, value: any, extras: RowExtras): PostureFacts {
  const findings: Finding[] = [finding('unreadable', `${label}: ${path} is ${ctx.render(value)}, decided at deployment or not a value CloudFormation documents`)];
  return inherited(`${label} (${path} ${ctx.render(value)})`, `${label}: ${path} is ${ctx.render(value)}: check the deployed resource`, { ...extras, findings: [...findings, ...(extras.findings ?? [])] });
}

/** TLS from a boolean setting: `TLS required` when true, else `not enforced` with a finding. */
export function tlsSetting(path: string, what: string, enabledByDefault = false): Extras {
  return (_ctx, props) => {
    const value = valueAt(props, path);
    const on = value === undefined ? enabledByDefault : truth(value);
    if (on === true) {
      return { tls: 'TLS required' };
    }
    if (on === undefined) {
      return { tls: 'unknown', findings: [finding('unreadable', `${path} is decided at deployment`)] };
    }
    return { tls: 'not enforced', findings: [finding('tls-not-enforced', `${what} accepts connections without TLS (${path} ${value === undefined ? 'absent' : 'false'})`)] };
  };
}
