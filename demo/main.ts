/**
 * The demo app: one stack with the library's constructs, synthesized to demo/cdk.out, then read back
 * from the templates to print what protects each resource. Run it with `npx projen demo`.
 */
import { join } from 'node:path';
import { App, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import {
  EbsEncryptionByDefault, EmrArtifact, EmrInTransitEncryption, EmrSecurityConfiguration,
  EncryptedBucket, EncryptedVolume, KmsKeyWithRotation, RedshiftEncryptedCluster,
} from '../src';
import { analyzeAssembly, renderTable } from '../src/audit/posture';

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
new EncryptedBucket(stack, 'Uploads');
new EncryptedBucket(stack, 'ServiceWrites', { enforceEncryptionHeader: false });
new EncryptedBucket(stack, 'Archive', { encryption: s3.BucketEncryption.DSSE });
// SSE-S3: AWS provides method and KMI (option 3). NIST, HIPAA and PCI packs ask for KMS here, and say so.
new EncryptedBucket(stack, 'StaticAssets', { encryption: s3.BucketEncryption.S3_MANAGED });

// An EBS volume, encrypted with a new rotating key that only EC2 may use.
new EncryptedVolume(stack, 'DataVolume', { availabilityZone: stack.availabilityZones[0], size: Size.gibibytes(50) });

// A data warehouse: encrypted with the records key, TLS-only, audited, in isolated subnets.
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});
new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, encryptionKey: recordsKey });
// The demo VPC stands in for the network a platform team owns, where flow logs and the default security group are governed.
Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'A stand-in for your network: flow logs are configured where the VPC is owned.' });
for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
  for (const rule of ['VPCFlowLogsEnabled', 'VPCDefaultSecurityGroupClosed']) {
    Validations.of(vpc).acknowledge({ id: `${pack}-${rule}`, reason: 'A stand-in for your network: flow logs and the default security group are governed where the VPC is owned.' });
  }
}

// Hadoop and Spark on EMR: S3 and local disks (EBS too) encrypted with a rotating key, TLS between nodes.
const emrArtifacts = new EncryptedBucket(stack, 'EmrArtifacts');
const emrSecurity = new EmrSecurityConfiguration(stack, 'EmrSecurity', {
  inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromBucket(emrArtifacts, 'emr/certificates.zip')),
});
const emrInstances = new iam.Role(stack, 'EmrInstances', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
emrSecurity.grantInstanceRole(emrInstances);

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

const posture = analyzeAssembly(outdir);
console.log(`\nEncryption posture of ${stack.stackName} (read from ${outdir}):\n`);
console.log(renderTable(posture));

const packs = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
console.log('\nCompliance packs (cdk-nag validateScope), unacknowledged findings:');
for (const pack of packs) {
  const findings = pack.validateScope(stack).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
  console.log(`  ${pack.readPackName.padEnd(18)} ${findings.length}`);
  for (const finding of findings) {
    console.log(`    ${finding}`);
  }
}
