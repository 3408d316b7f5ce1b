/**
 * Posture of the key management infrastructure itself: KMS keys, keys in custom key stores,
 * imported key material, custom key stores and CloudHSM clusters.
 */
import { Finding, finding } from '../findings';
import { customKeyStoreKeyFacts, describeKey, expirationOf, KEY_MANAGEMENT, KeyFacts, kmsKeyFacts, storeOption } from '../keys';
import { Analyzer, PostureFacts } from '../rows';

function keyRow(encryption: string, facts: KeyFacts): PostureFacts {
  return {
    encrypted: 'n/a',
    encryption: `${encryption}${facts.description}`,
    option: facts.option,
    keyManagement: facts.keyManagement,
    key: '-',
    rotation: facts.rotation,
    uploadRule: '-',
    tls: '-',
    findings: facts.findings,
  };
}

/** `AWS::KMS::Key`: its rotation, its origin (the option), its key policy. */
export const analyzeKmsKey: Analyzer = (ctx, logicalId) => keyRow('KMS key', kmsKeyFacts(ctx, logicalId));

/** `Custom::KmiCustomKeyStoreKey`: a KMS key whose material lives in a CloudHSM cluster or an external key manager. */
export const analyzeCustomKeyStoreKey: Analyzer = (ctx, logicalId) => keyRow('KMS key', customKeyStoreKeyFacts(ctx, logicalId));

/** `Custom::KmiImportedKeyMaterial`: material imported into a KMS key (origin `EXTERNAL`), and how it expires. */
export const analyzeImportedKeyMaterial: Analyzer = (ctx, _logicalId, props) => {
  const key = describeKey(ctx, props.KeyId, { key: '-', rotation: '-', option: 1, keyManagement: KEY_MANAGEMENT.importedMaterial, findings: [] });
  const expiration = expirationOf(props);
  const findings: Finding[] = expiration === 'does not expire' ? [] : [
    finding('key-material-expires', `key material ${expiration}: KMS then deletes it, and data under the key cannot be decrypted until it is imported again`),
  ];
  return {
    encrypted: 'n/a',
    encryption: `imported key material (${expiration})`,
    option: 1,
    keyManagement: KEY_MANAGEMENT.importedMaterial,
    key: key.key,
    rotation: 'by re-import',
    uploadRule: '-',
    tls: '-',
    findings,
  };
};

/** `Custom::KmiCustomKeyStore`: option 2 on CloudHSM, option 1 on an external key store proxy. */
export const analyzeCustomKeyStore: Analyzer = (ctx, _logicalId, props) => {
  const store = storeOption(props.CustomKeyStoreType);
  const cluster = ctx.referenced(props.CloudHsmClusterId);
  const connectivity = props.XksProxyConnectivity === undefined ? '' : `, ${String(props.XksProxyConnectivity).toLowerCase().replace(/_/g, ' ')}`;
  return {
    encrypted: 'n/a',
    encryption: `KMS custom key store (${store.label}${connectivity})`,
    option: store.option,
    keyManagement: store.keyManagement,
    key: cluster ? ctx.displayName(cluster.logicalId) : props.CloudHsmClusterId !== undefined ? ctx.render(props.CloudHsmClusterId) : '-',
    rotation: '-',
    uploadRule: '-',
    tls: '-',
    findings: [],
  };
};

/** `AWS::CloudHSM::Cluster`: its HSM type and how many HSMs its `Custom::KmiCloudHsmHsms` keeps. */
export const analyzeCloudHsmCluster: Analyzer = (ctx, logicalId, props) => {
  const hsms = ctx.resourcesOfType('Custom::KmiCloudHsmHsms').filter(([id]) => ctx.refersTo(ctx.properties(id).ClusterId, logicalId));
  const counts = hsms.map(([id]) => Number(ctx.properties(id).HsmCount));
  const findings: Finding[] = [];
  let description: string;
  if (hsms.length === 0) {
    description = 'HSMs not created in this template';
    findings.push(finding('hsms-unknown', 'no Custom::KmiCloudHsmHsms for this cluster here: check its HSMs where they are created'));
  } else if (counts.some((n) => Number.isNaN(n))) {
    description = 'HSM count decided at deployment';
  } else {
    const count = counts.reduce((a, b) => a + b, 0);
    description = `${count} HSM${count === 1 ? '' : 's'}`;
    if (count < 2) {
      findings.push(finding('hsm-availability', `${description}: a single point of failure, and a KMS custom key store needs two HSMs in different Availability Zones`));
    }
  }
  return {
    encrypted: 'n/a',
    encryption: `CloudHSM cluster (${[props.HsmType, description].filter((v) => v !== undefined).join(', ')})`,
    option: 2,
    keyManagement: KEY_MANAGEMENT.cloudHsmCluster,
    key: '-',
    rotation: '-',
    uploadRule: '-',
    tls: '-',
    findings,
  };
};
