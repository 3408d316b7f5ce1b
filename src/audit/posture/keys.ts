/**
 * Which key protects a resource, how that key rotates and which key-management option it is, read
 * from the reference a resource makes to it: a key in the same template (`Ref`, `Fn::GetAtt`, the
 * alias of an `AWS::KMS::Alias` or of a custom key store key), a key of another stack of the same
 * cloud assembly (`Fn::ImportValue`), an AWS managed alias, or a key defined elsewhere.
 */
import { Finding, finding } from './findings';
import { isUndecided, referencedLogicalId, TemplateContext, truth } from './read/template';
import { keyAccess } from '../cfn/key-access';
import { allowsEveryoneUnconditionally, coversAction, Statement, statementsOf } from '../cfn/policy';
import { NotAssessedError } from '../cfn/values';

/**
 * Who provides the encryption method and the key management infrastructure (KMI):
 * 1 the customer (keys outside AWS), 2 the customer on AWS CloudHSM, 3 AWS.
 */
export type KmiOptionNumber = 1 | 2 | 3;

/** The key-management descriptions the report uses, after the option number. */
export const KEY_MANAGEMENT = {
  externalKeyStore: 'customer KMI: external key store',
  importedMaterial: 'customer KMI: imported key material',
  customKeyProvider: 'customer KMI: custom key provider',
  cloudHsmKeyStore: 'CloudHSM-backed key store',
  cloudHsmCluster: 'CloudHSM cluster',
  customerManaged: 'AWS KMS, customer managed key',
  awsManaged: 'AWS managed key',
  awsOwned: 'AWS owned key',
  external: 'unknown (external reference)',
  conditional: 'unknown (conditional)',
  none: 'none',
} as const;

/** The key of a resource: what to call it, how it rotates, and which option it is. */
export interface KeyDescription {
  readonly key: string;
  readonly rotation: string;
  readonly option: KmiOptionNumber | null;
  readonly keyManagement: string;
  readonly findings: Finding[];
}

/** The facts of a key resource, for its own row. */
export interface KeyFacts {
  readonly rotation: string;
  readonly option: KmiOptionNumber | null;
  readonly keyManagement: string;
  /** `false` when the key could rotate and does not. */
  readonly rotates: boolean;
  readonly findings: Finding[];
  /** Extra words for the encryption column: key spec, imported material, store. */
  readonly description: string;
}

const KEY_TYPES = ['AWS::KMS::Key', 'AWS::KMS::Alias', 'AWS::KMS::ReplicaKey', 'Custom::KmiCustomKeyStoreKey'];

/** An AWS managed key such as `aws/s3`: a KMS key in your account, created, used and rotated by an AWS service, its key policy set by AWS. */
export function awsManagedKey(name: string): KeyDescription {
  return {
    key: `AWS managed (${name})`,
    rotation: 'managed by AWS',
    option: 3,
    keyManagement: KEY_MANAGEMENT.awsManaged,
    findings: [finding('aws-managed-key', `AWS managed key (${name}): a customer managed key would put its key policy and rotation in your hands`)],
  };
}

/**
 * An AWS owned key, kept by a service for many accounts, not in yours (DynamoDB's default, SSE-SQS,
 * SSE-S3, CloudWatch Logs' default encryption).
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt
 */
export function awsOwnedKey(name: string): KeyDescription {
  return {
    key: `AWS owned (${name})`,
    rotation: 'managed by AWS',
    option: 3,
    keyManagement: KEY_MANAGEMENT.awsOwned,
    findings: [finding('aws-owned-key', `AWS owned key (${name}): not in your account, no key policy of yours, no CloudTrail record of its use; a customer managed key is possible`)],
  };
}

/**
 * The key a resource names in `keyRef`; `whenAbsent` when it names none (the service's AWS managed
 * or AWS owned key).
 */
export function describeKey(ctx: TemplateContext, keyRef: any, whenAbsent: KeyDescription): KeyDescription {
  if (keyRef === undefined || keyRef === null || keyRef === '') {
    return whenAbsent;
  }
  if (isUndecided(keyRef)) {
    return {
      key: ctx.render(keyRef),
      rotation: 'unknown',
      option: null,
      keyManagement: KEY_MANAGEMENT.conditional,
      findings: [finding('conditional', `the key depends on condition ${keyRef['Fn::If'][0]}, decided at deployment`)],
    };
  }
  const keyResource = findKeyResource(ctx, keyRef);
  if (keyResource !== undefined) {
    return describeKeyResource(ctx, keyResource);
  }
  const imported = keyRef?.['Fn::ImportValue'];
  if (imported !== undefined) {
    const exported = typeof imported === 'string' ? ctx.importValue(imported) : undefined;
    if (exported !== undefined) {
      return describeKey(exported.context, exported.value, whenAbsent);
    }
  }
  const text = ctx.render(keyRef);
  const aliasName = /(?:^|[:/])(alias\/[\w./-]+)$/.exec(text)?.[1];
  if (aliasName?.startsWith('alias/aws/')) {
    return awsManagedKey(aliasName.slice('alias/'.length));
  }
  const aliased = aliasOwner(ctx, text);
  if (aliased !== undefined) {
    return describeKeyResource(ctx, aliased);
  }
  const parameter = typeof keyRef?.Ref === 'string' && ctx.isParameter(keyRef.Ref) ? keyRef.Ref : undefined;
  return externalKey(parameter !== undefined ? `parameter ${parameter}` : text);
}

/** The resources of this template that create an alias, in their `AliasName` property: KMS aliases, and custom key store keys (which move theirs to each generation). */
const ALIAS_TYPES = ['AWS::KMS::Alias', 'Custom::KmiCustomKeyStoreKey'];

/** A KMS ARN as `render` writes it, pseudo parameters (`${AWS::Region}`) kept whole: Region, account and resource. */
const KMS_ARN = /^arn:(?:\$\{[^}]*\}|[^:])*:kms:((?:\$\{[^}]*\}|[^:])*):((?:\$\{[^}]*\}|[^:])*):(.+)$/;

/**
 * The logical id of the resource of this template whose alias a key identifier (rendered) names:
 * the alias name itself, or an alias ARN in this stack's Region and account. An alias of the same
 * name elsewhere is another key.
 */
function aliasOwner(ctx: TemplateContext, text: string): string | undefined {
  const arn = KMS_ARN.exec(text);
  if (arn !== null && !ctx.isOwnEnvironment(arn[1], arn[2])) {
    return undefined;
  }
  const name = arn === null ? text : arn[3];
  return ALIAS_TYPES.flatMap((type) => ctx.resourcesOfType(type))
    .map(([id]) => id)
    .find((id) => {
      const aliasName = ctx.properties(id).AliasName;
      return aliasName !== undefined && aliasName !== null && aliasName !== '' && ctx.render(aliasName) === name;
    });
}

/** A key defined outside the cloud assembly: a literal ARN or id, a parameter, an export of another app. */
function externalKey(shown: string): KeyDescription {
  return {
    key: shown,
    rotation: 'unknown',
    option: null,
    keyManagement: KEY_MANAGEMENT.external,
    findings: [finding('external-key', `key ${shown} is defined outside this cloud assembly: check its rotation and key-management option where it is defined`)],
  };
}

/** How a resource that uses the key `logicalId` of this template is protected by it. */
function describeKeyResource(ctx: TemplateContext, logicalId: string): KeyDescription {
  const resource = ctx.resources[logicalId];
  const name = ctx.displayName(logicalId);
  if (resource.Type === 'AWS::KMS::Alias') {
    const target = ctx.properties(logicalId).TargetKeyId;
    return target === undefined ? externalKey(`alias ${name}`) : describeKey(ctx, target, externalKey(`alias ${name}`));
  }
  if (resource.Type === 'AWS::KMS::ReplicaKey') {
    return { key: name, rotation: 'as its primary key', option: 3, keyManagement: `${KEY_MANAGEMENT.customerManaged} (multi-Region replica)`, findings: [] };
  }
  const facts = resource.Type === 'Custom::KmiCustomKeyStoreKey' ? customKeyStoreKeyFacts(ctx, logicalId) : kmsKeyFacts(ctx, logicalId);
  return {
    key: name,
    rotation: facts.rotation,
    option: facts.option,
    keyManagement: facts.keyManagement,
    findings: facts.rotates ? [] : [finding('key-not-rotated', `key ${name} does not rotate`)],
  };
}

/** The facts of an `AWS::KMS::Key`: rotation, option (by origin), key policy. */
export function kmsKeyFacts(ctx: TemplateContext, logicalId: string): KeyFacts {
  return ctx.memoized(`kmsKeyFacts ${logicalId}`, () => readKmsKey(ctx, logicalId));
}

function readKmsKey(ctx: TemplateContext, logicalId: string): KeyFacts {
  const props = ctx.properties(logicalId);
  const findings: Finding[] = [];
  const text = (value: any, absent: string) => (value === undefined ? absent : typeof value === 'string' ? value : undefined);
  const origin = text(props.Origin, 'AWS_KMS');
  const spec = text(props.KeySpec, 'SYMMETRIC_DEFAULT');
  const usage = text(props.KeyUsage, 'ENCRYPT_DECRYPT');
  const rotatable = spec === undefined || usage === undefined ? undefined : spec === 'SYMMETRIC_DEFAULT' && usage === 'ENCRYPT_DECRYPT';
  const enabled = truth(props.EnableKeyRotation);

  let rotation: string;
  let rotates = true;
  let option: KmiOptionNumber | null = 3;
  let keyManagement: string = KEY_MANAGEMENT.customerManaged;
  let description = spec === 'SYMMETRIC_DEFAULT' ? '' : ` (${spec ?? `key spec ${ctx.render(props.KeySpec)}`})`;
  if (origin === undefined) {
    option = null;
    keyManagement = `unknown (origin ${ctx.render(props.Origin)})`;
    rotation = 'unknown';
    findings.push(finding('unreadable', `key origin ${ctx.render(props.Origin)} is decided at deployment: its key-management option and rotation cannot be read here`));
  } else if (origin === 'EXTERNAL') {
    option = 1;
    keyManagement = KEY_MANAGEMENT.importedMaterial;
    rotation = 'by re-import';
    description += `, imported material${importedMaterialOf(ctx, logicalId)}`;
  } else if (origin === 'EXTERNAL_KEY_STORE' || origin === 'AWS_CLOUDHSM') {
    option = origin === 'AWS_CLOUDHSM' ? 2 : 1;
    keyManagement = origin === 'AWS_CLOUDHSM' ? KEY_MANAGEMENT.cloudHsmKeyStore : KEY_MANAGEMENT.externalKeyStore;
    rotation = 'none';
  } else if (rotatable === undefined) {
    rotation = 'unknown';
    findings.push(finding('unreadable', `key spec ${ctx.render(props.KeySpec)} / usage ${ctx.render(props.KeyUsage)} decided at deployment: whether the key can rotate cannot be read here`));
  } else if (!rotatable && usage === 'GENERATE_VERIFY_MAC') {
    // KMS rotates only symmetric encryption keys automatically; a new HMAC key changes every MAC (a
    // blind index is rebuilt under the new key). https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-supported.html
    rotation = 'does not rotate (HMAC keys have no automatic rotation)';
  } else if (!rotatable) {
    rotation = 'not supported for this key spec';
  } else if (enabled === true) {
    rotation = `automatic every ${props.RotationPeriodInDays ?? 365} days`;
  } else if (enabled === undefined) {
    rotation = 'unknown';
    rotates = false;
    findings.push(finding('unreadable', `EnableKeyRotation ${ctx.render(props.EnableKeyRotation)} is decided at deployment`));
  } else {
    rotation = 'none';
    rotates = false;
    findings.push(finding('key-not-rotated', 'symmetric key without automatic rotation'));
  }
  findings.push(...keyPolicyFindings(ctx, logicalId, props));
  return { rotation, option, keyManagement, rotates, findings, description };
}

/**
 * The findings of a key's policy, read as the KmiChecks pack reads it (`KMSKeyDutiesSeparated`): a
 * principal that may both manage and use the key, by the key policy and the IAM policies of the
 * template; and a statement that allows anyone without a condition.
 */
function keyPolicyFindings(ctx: TemplateContext, logicalId: string, props: any): Finding[] {
  let statements: Statement[];
  try {
    statements = statementsOf(props.KeyPolicy, `KeyPolicy of ${logicalId}`);
  } catch (e) {
    if (e instanceof NotAssessedError) {
      return [finding('unreadable', e.message)];
    }
    throw e;
  }
  const findings: Finding[] = [];
  const open = statements.filter((s) => allowsEveryoneUnconditionally(s) && coversAction(s, 'kms:Decrypt'));
  if (open.length > 0) {
    findings.push(finding('public-access', 'key policy allows anyone (Principal "*") to use the key, with no condition'));
  }
  try {
    const both = keyAccess(ctx.view(), { logicalId, type: 'AWS::KMS::Key', properties: props }).filter((a) => a.management.length > 0 && a.use.length > 0);
    if (both.length > 0) {
      findings.push(finding('key-policy-not-separated', `${both.map((a) => a.principal).join(', ')} may both manage and use the key: no administrators or users kept apart`));
    }
  } catch (e) {
    if (!(e instanceof NotAssessedError)) {
      throw e;
    }
    findings.push(finding('unreadable', e.message));
  }
  return findings;
}

/** The facts of a `Custom::KmiCustomKeyStoreKey`: option by store type, scheduled rotation or none. */
export function customKeyStoreKeyFacts(ctx: TemplateContext, logicalId: string): KeyFacts {
  const props = ctx.properties(logicalId);
  const store = storeOption(props.CustomKeyStoreType);
  const period = props.RotationPeriodInDays;
  const scheduled = period !== undefined && period !== null && period !== '';
  return {
    rotation: scheduled ? `scheduled every ${period} days` : 'none',
    option: store.option,
    keyManagement: store.keyManagement,
    rotates: scheduled,
    findings: scheduled ? [] : [finding('key-not-rotated', 'key in a custom key store without scheduled rotation (KMS cannot rotate it automatically)')],
    description: ` in a custom key store (${store.label})`,
  };
}

/** The option of a custom key store type. */
export function storeOption(type: any): { option: KmiOptionNumber | null; keyManagement: string; label: string } {
  if (type === 'AWS_CLOUDHSM') {
    return { option: 2, keyManagement: KEY_MANAGEMENT.cloudHsmKeyStore, label: 'AWS CloudHSM' };
  }
  if (type === 'EXTERNAL_KEY_STORE') {
    return { option: 1, keyManagement: KEY_MANAGEMENT.externalKeyStore, label: 'external key store' };
  }
  return { option: null, keyManagement: `unknown (custom key store type ${JSON.stringify(type)})`, label: 'type unknown' };
}

/** `, does not expire`, `, expires 2027-01-01`, or `, imported elsewhere`, from the `Custom::KmiImportedKeyMaterial` of the key. */
function importedMaterialOf(ctx: TemplateContext, keyLogicalId: string): string {
  const material = ctx.resourcesOfType('Custom::KmiImportedKeyMaterial').find(([id]) => ctx.refersTo(ctx.properties(id).KeyId, keyLogicalId));
  return material === undefined ? ' (not imported in this template)' : ` (${expirationOf(ctx.properties(material[0]))})`;
}

/** How a `Custom::KmiImportedKeyMaterial` expires: `does not expire`, `expires N days after import`, `expires`. */
export function expirationOf(props: any): string {
  if (props.ExpirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    return 'does not expire';
  }
  if (props.ValidForDays !== undefined) {
    return `expires ${props.ValidForDays} days after import`;
  }
  return props.ValidTo !== undefined ? `expires ${props.ValidTo}` : 'expires';
}

/** The key resource of this template that a reference (direct, or inside `Fn::Join`/`Fn::Sub`) names. */
function findKeyResource(ctx: TemplateContext, value: any): string | undefined {
  const candidates = referencesIn(value);
  return candidates.find((id) => KEY_TYPES.includes(ctx.resources[id]?.Type));
}

/** Every logical id a value refers to, in order: `Ref`, `Fn::GetAtt`, and `${X}` / `${X.Arn}` in `Fn::Sub`. */
function referencesIn(value: any): string[] {
  const direct = referencedLogicalId(value);
  if (direct !== undefined) {
    return [direct];
  }
  if (Array.isArray(value)) {
    return value.flatMap(referencesIn);
  }
  if (value && typeof value === 'object') {
    const sub = value['Fn::Sub'];
    if (sub !== undefined) {
      const text: string = Array.isArray(sub) ? sub[0] : sub;
      const fromText = [...String(text).matchAll(/\$\{([^!.}]+)(?:\.[^}]*)?\}/g)].map((m) => m[1]);
      return [...fromText, ...(Array.isArray(sub) ? referencesIn(Object.values(sub[1] ?? {})) : [])];
    }
    if (value['Fn::ImportValue'] !== undefined) {
      return [];
    }
    return Object.values(value).flatMap(referencesIn);
  }
  return [];
}
