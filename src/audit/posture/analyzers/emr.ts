/**
 * Posture of EMR: security configurations (S3, local disk and EBS encryption, TLS between nodes) and
 * the clusters that use them.
 */
import { Finding, finding } from '../findings';
import { describeKey, KEY_MANAGEMENT, KeyDescription } from '../keys';
import { TemplateContext } from '../read/template';
import { Analyzer, PostureFacts, unencrypted } from '../rows';

/** `AWS::EMR::SecurityConfiguration`. */
export const analyzeSecurityConfiguration: Analyzer = (ctx, _logicalId, props) => securityConfiguration(ctx, props.SecurityConfiguration);

/** `AWS::EMR::Cluster`: the security configuration it names, or none. */
export const analyzeEmrCluster: Analyzer = (ctx, _logicalId, props) => {
  const name = props.SecurityConfiguration;
  if (name === undefined) {
    return unencrypted('EMR cluster without a security configuration: EMR encrypts neither its local disks nor EMRFS data', {
      tls: 'not enforced',
      findings: [finding('tls-not-enforced', 'EMR cluster without a security configuration: no TLS between nodes')],
    });
  }
  const configuration = ctx.referenced(name);
  if (configuration?.resource.Type === 'AWS::EMR::SecurityConfiguration') {
    const facts = securityConfiguration(ctx, ctx.properties(configuration.logicalId).SecurityConfiguration);
    return { ...facts, encryption: `${facts.encryption} (${ctx.displayName(configuration.logicalId)})` };
  }
  return {
    encrypted: 'unknown',
    encryption: `security configuration ${ctx.render(name)}`,
    option: null,
    keyManagement: KEY_MANAGEMENT.external,
    key: '-',
    rotation: '-',
    uploadRule: '-',
    tls: '-',
    findings: [finding('external-key', `security configuration ${ctx.render(name)} is defined outside this template: check its encryption there`)],
  };
};

function securityConfiguration(ctx: TemplateContext, document: any): PostureFacts {
  const config = parse(document)?.EncryptionConfiguration ?? {};
  const s3 = config.AtRestEncryptionConfiguration?.S3EncryptionConfiguration;
  const disk = config.AtRestEncryptionConfiguration?.LocalDiskEncryptionConfiguration;
  const findings: Finding[] = [];
  const atRest = config.EnableAtRestEncryption === true || config.EnableAtRestEncryption === 'true';
  const inTransit = config.EnableInTransitEncryption === true || config.EnableInTransitEncryption === 'true';
  if (!atRest || !disk) {
    findings.push(finding('not-encrypted', 'EMR local disks not encrypted'));
  }
  if (!inTransit) {
    findings.push(finding('tls-not-enforced', 'EMR in-transit encryption off'));
  }
  const parts = atRest ? [
    s3 ? `S3 ${s3.EncryptionMode}` : undefined,
    disk ? `local disk ${disk.EncryptionKeyProviderType}${disk.EnableEbsEncryption ? ' + EBS' : ''}` : undefined,
  ].filter(Boolean) : [];
  const keyRef = atRest ? s3?.AwsKmsKey ?? disk?.AwsKmsKey : undefined;
  const noKey: KeyDescription = parts.length
    ? { key: '-', rotation: '-', option: 1, keyManagement: KEY_MANAGEMENT.customKeyProvider, findings: [] }
    : { key: '-', rotation: '-', option: null, keyManagement: KEY_MANAGEMENT.none, findings: [] };
  const key = keyRef === undefined ? noKey : describeKey(ctx, keyRef, noKey);
  return {
    encrypted: !atRest || !disk ? 'no' : 'yes',
    encryption: parts.length ? `EMR ${parts.join(', ')}` : 'none',
    option: key.option,
    keyManagement: key.keyManagement,
    key: key.key,
    rotation: key.rotation,
    uploadRule: '-',
    tls: inTransit ? 'TLS between nodes' : 'not enforced',
    findings: [...key.findings, ...findings],
  };
}

function parse(document: any): any {
  if (typeof document !== 'string') {
    return document;
  }
  try {
    return JSON.parse(document);
  } catch {
    return undefined;
  }
}
