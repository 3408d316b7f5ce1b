/**
 * The demo app: one stack with the library's constructs, synthesized to demo/cdk.out, then read back
 * from the templates to print what protects each resource. Run it with `npx projen demo`.
 */
import { join, relative } from 'node:path';
import { App, Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import {
  CloudHsmCluster, CustomKeyStore, CustomKeyStoreKey, KeyActivityAlarms, KeyMaterialExpiration, KeyStoreSource, KmiChecks,
  KmsKeyWithImportedMaterial, XksProxyConnectivity,
  EbsEncryptionByDefault, EmrArtifact, EmrInTransitEncryption, EmrSecurityConfiguration,
  BucketWriter, EncryptedBucket, EncryptedVolume, KmsKeyWithRotation, RedshiftEncryptedCluster, EncryptedDatabaseInstance, FieldLevelEncryptionKeys,
} from '../src';
import { main as cdkKmi } from '../src/audit/report/cli';

const outdir = join(__dirname, 'cdk.out');
// Path metadata lets the report name each resource by its construct path.
const app = new App({ outdir, context: { 'aws:cdk:enable-path-metadata': true } });
const stack = new Stack(app, 'KmiDemo', { description: 'cdk-kmi demo: encryption at rest, secure by default' });

// Option 3, customer managed key: a key whose administrators cannot use it and whose users cannot manage it.
const keyAdmins = new iam.Role(stack, 'KeyAdmins', { assumedBy: new iam.AccountRootPrincipal(), description: 'Manages the records key, cannot use it' });
const recordsApp = new iam.Role(stack, 'RecordsApp', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: 'Uses the records key, cannot manage it' });
const recordsKey = new KmsKeyWithRotation(stack, 'RecordsKey', {
  alias: 'alias/kmi-demo/records',
  admins: [keyAdmins],
  users: [recordsApp],
});

// One line per bucket.
new EncryptedBucket(stack, 'Records', { encryptionKey: recordsKey });
// The classic header rule: every upload states aws:kms and names the bucket's key.
new EncryptedBucket(stack, 'Uploads', { enforceEncryptionHeader: true });
// AWS services that deliver into S3, one line each: write only, key use through S3 only.
new EncryptedBucket(stack, 'ServiceWrites', { writers: [BucketWriter.cloudTrail(), BucketWriter.vpcFlowLogs(), BucketWriter.config()] });
new EncryptedBucket(stack, 'Archive', { encryption: s3.BucketEncryption.DSSE });
// SSE-S3: AWS provides method and KMI (option 3). NIST, HIPAA and PCI packs ask for KMS here, and say so.
new EncryptedBucket(stack, 'StaticAssets', { encryption: s3.BucketEncryption.S3_MANAGED });

// An EBS volume, encrypted with a new rotating key that only EC2 may use.
new EncryptedVolume(stack, 'DataVolume', { availabilityZone: stack.availabilityZones[0], size: Size.gibibytes(50) });

// A data warehouse: encrypted with the records key, TLS-only, audited, in isolated subnets.
// Isolated subnets for data; private subnets with egress (one NAT gateway) for the CloudHSM client below.
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 1,
  subnetConfiguration: [
    { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    { name: 'Hsm', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    { name: 'Nat', subnetType: ec2.SubnetType.PUBLIC },
  ],
});
new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, encryptionKey: recordsKey });
// The demo VPC stands in for the network a platform team owns, where flow logs and the default security group are governed.
Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'A stand-in for your network: flow logs are configured where the VPC is owned.' });
for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
  for (const rule of ['VPCFlowLogsEnabled', 'VPCDefaultSecurityGroupClosed', 'VPCSubnetAutoAssignPublicIpDisabled', 'VPCNoUnrestrictedRouteToIGW']) {
    Validations.of(vpc).acknowledge({
      id: `${pack}-${rule}`,
      reason: 'A stand-in for your network: flow logs, the default security group and the public subnets that hold the NAT gateway are governed where the VPC is owned.',
    });
  }
}

// A PostgreSQL database (option 3): storage, backups, the RDS-managed master password and the exported logs
// encrypted with a new rotating key; TLS required by rds.force_ssl; IAM authentication; private; Multi-AZ.
const recordsDb = new EncryptedDatabaseInstance(stack, 'RecordsDb', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
});
recordsDb.grantConnect(recordsApp, 'records_app');

// Option 1 in the application: the records app encrypts patient fields itself (AWS Database Encryption SDK)
// before they reach the database, under a field key bound to its encryption context, and stores an HMAC of
// searchable fields (a blind index) made with a KMS HMAC key. Admins manage both keys and cannot use them.
new FieldLevelEncryptionKeys(stack, 'PatientFields', {
  encryptionContext: { purpose: 'patient-records' },
  admins: [keyAdmins],
  users: [recordsApp],
});

// Hadoop and Spark on EMR: S3 and local disks (EBS too) encrypted with a rotating key, TLS between nodes.
const emrArtifacts = new EncryptedBucket(stack, 'EmrArtifacts');
const emrSecurity = new EmrSecurityConfiguration(stack, 'EmrSecurity', {
  inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(emrArtifacts, 'emr/certificates.zip')),
});
const emrInstances = new iam.Role(stack, 'EmrInstances', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
emrSecurity.grantInstanceRole(emrInstances);

// Option 2: your HSMs store the keys. Two HSMs in two zones, initialized with a self-managed trust anchor and
// activated; a KMS key store on them; a key made in the HSMs (rotated by successor keys) encrypting a bucket
// and a second data warehouse.
const hsms = new CloudHsmCluster(stack, 'Hsms', { vpc });
const hsmKeyStore = new CustomKeyStore(stack, 'HsmKeyStore', { source: KeyStoreSource.cloudHsm({ cluster: hsms }) });
const hsmKey = new CustomKeyStoreKey(stack, 'HsmRecordsKey', { customKeyStore: hsmKeyStore, alias: 'alias/kmi-demo/hsm-records' });
new EncryptedBucket(stack, 'HsmRecords', { encryptionKey: hsmKey.byAlias });
new RedshiftEncryptedCluster(stack, 'HsmWarehouse', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, encryptionKey: hsmKey });

// Option 1: you keep the keys. A key store on your external key store proxy with a key in it, and a KMS key
// whose material you generated and put in a secret (bring your own key).
const proxyCredential = secretsmanager.Secret.fromSecretNameV2(stack, 'XksProxyCredential', 'kmi-demo/xks-proxy-credential');
const externalKeyStore = new CustomKeyStore(stack, 'ExternalKeyStore', {
  source: KeyStoreSource.externalKeyStoreProxy({
    uriEndpoint: 'https://xks.example.com',
    uriPath: '/kms/xks/v1',
    connectivity: XksProxyConnectivity.publicEndpoint(),
    credential: proxyCredential,
  }),
});
const partnerKey = new CustomKeyStoreKey(stack, 'PartnerKey', {
  customKeyStore: externalKeyStore, xksKeyId: 'kmi-demo-partner', alias: 'alias/kmi-demo/partner',
});
new EncryptedBucket(stack, 'PartnerExchange', { encryptionKey: partnerKey });
const byokMaterial = secretsmanager.Secret.fromSecretNameV2(stack, 'ByokMaterial', 'kmi-demo/byok-material');
const byokKey = new KmsKeyWithImportedMaterial(stack, 'ByokKey', {
  keyMaterial: byokMaterial,
  alias: 'alias/kmi-demo/byok',
  expiration: KeyMaterialExpiration.after(Duration.days(365)),
});
new EncryptedBucket(stack, 'ByokRecords', { encryptionKey: byokKey });

// Alarms on destructive activity on every key above, the key stores and the CloudHSM cluster.
new KeyActivityAlarms(stack, 'KeyAlarms', { clusters: [hsms] });

// Every new EBS volume of the account and Region encrypted, with a rotating key only EC2 may use.
new EbsEncryptionByDefault(stack, 'EbsEncryptionByDefault');

for (const role of [keyAdmins, recordsApp, emrInstances]) {
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
    Validations.of(role).acknowledge({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: 'A demo role: the key grants land in its default policy, as aws-cdk-lib grants do; a real role would take them in a managed policy of its owner.',
    });
  }
}

app.synth();

// The auditor's report, as `npx cdk-kmi report demo/cdk.out` prints it, with Markdown and JSON copies in
// the assembly. --fail-on high: the library's defaults never leave a high finding, and the demo (a step of
// the test task) fails if one appears.
const assembly = relative(process.cwd(), outdir);
const reportArgs = ['report', assembly, '--markdown', join(assembly, 'posture.md'), '--json', join(assembly, 'posture.json'), '--fail-on', 'high'];
console.log(`\nEncryption posture of ${stack.stackName}: npx cdk-kmi ${reportArgs.join(' ')}\n`);
const reportStatus = cdkKmi(reportArgs);

const packs = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks(), new KmiChecks()];
console.log('\nCompliance packs and KmiChecks (cdk-nag validateScope), unacknowledged findings:');
for (const pack of packs) {
  const findings = pack.validateScope(stack).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
  console.log(`  ${pack.readPackName.padEnd(18)} ${findings.length}`);
  for (const finding of findings) {
    console.log(`    ${finding}`);
  }
}

process.exitCode = reportStatus;
