// An app outside the repository that uses the packed cdk-kmi as a user would: every exported
// construct class is built from the installed package and the app is synthesized. It fails when a
// construct class is exported that this app does not build (add it below), and when a construct's
// handler asset is missing from the package.
const { App, Duration, Size, Stack } = require('aws-cdk-lib');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const ec2 = require('aws-cdk-lib/aws-ec2');
const iam = require('aws-cdk-lib/aws-iam');
const rds = require('aws-cdk-lib/aws-rds');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const { Construct } = require('constructs');
const kmi = require('cdk-kmi');

// Asset metadata (as the CDK CLI asks for it) names each function's staged handler folder.
const app = new App({ outdir: process.argv[2] ?? 'cdk.out', context: { 'aws:cdk:enable-asset-metadata': true } });
const stack = new Stack(app, 'KmiPackageCheck', { env: { account: '111111111111', region: 'us-east-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
const role = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });

const key = new kmi.KmsKeyWithRotation(stack, 'Key', { users: [role] });
const logs = new kmi.AccessLogsBucket(stack, 'Logs');
new kmi.EncryptedBucket(stack, 'Bucket', { encryptionKey: key, serverAccessLogsBucket: logs });
new kmi.EncryptedVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(1) });
new kmi.EbsEncryptionByDefault(stack, 'EbsByDefault');
new kmi.RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
new kmi.EmrSecurityConfiguration(stack, 'Emr', { inTransitEncryption: kmi.EmrInTransitEncryption.disabled() });
new kmi.KmsKeyWithImportedMaterial(stack, 'Byok', { keyMaterial: new secretsmanager.Secret(stack, 'Material') });
const cluster = new kmi.CloudHsmCluster(stack, 'Hsms', { vpc });
const store = new kmi.CustomKeyStore(stack, 'Store', { source: kmi.KeyStoreSource.cloudHsm({ cluster }) });
new kmi.CustomKeyStoreKey(stack, 'StoreKey', { customKeyStore: store, rotation: kmi.CustomKeyStoreKeyRotation.scheduled(Duration.days(365)) });
new kmi.KeyActivityAlarms(stack, 'Alarms');
const database = new kmi.EncryptedDatabaseInstance(stack, 'Database', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
  vpc,
});
new kmi.EncryptedDatabaseInstanceReadReplica(stack, 'Replica', {
  sourceDatabaseInstance: database,
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
  vpc,
});
new kmi.EncryptedDatabaseCluster(stack, 'Ledger', {
  engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
  writer: rds.ClusterInstance.serverlessV2('Writer'),
  vpc,
});
new kmi.EncryptedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
new kmi.FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: { purpose: 'records' }, users: [role] });
new kmi.OrganizationEncryptionBaseline(stack, 'Baseline', { organizationalUnitIds: ['ou-ab12-11111111'], regions: ['us-east-1', 'eu-west-1'] });
new kmi.EncryptionServiceControlPolicy(stack, 'Scp', { targetIds: ['ou-ab12-11111111'], breakGlassRoleNames: ['BreakGlass'] });
new kmi.EncryptionResourceControlPolicy(stack, 'Rcp', { organizationId: 'o-a1b2c3d4e5', targetIds: ['r-ab12'] });

const assembly = app.synth();

// Every exported construct class was built (by the app or by one it built).
const built = new Set(stack.node.findAll().map((c) => c.constructor));
const exported = Object.entries(kmi).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Construct);
const missing = exported.filter(([name, cls]) => ![...built].some((b) => b === cls || b.prototype instanceof cls) && !name.startsWith('Cfn'));
if (missing.length > 0) {
  throw new Error(`scripts/package-check/app.js builds no ${missing.map(([n]) => n).join(', ')}: add them`);
}

// Every handler the template names is staged from the package: each Lambda function's code asset
// (an `asset.<hash>` folder of the assembly) holds its code; a handler missing from the package
// already fails synthesis (CannotFindAsset).
const fs = require('node:fs');
const path = require('node:path');
const template = assembly.getStackByName(stack.stackName).template;
const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
const staged = functions.map((f) => f.Metadata && f.Metadata['aws:asset:path']).filter((p) => p !== undefined);
if (functions.length === 0 || staged.length !== functions.length) {
  throw new Error(`${functions.length} Lambda functions, ${staged.length} with a staged asset`);
}
for (const asset of staged) {
  const folder = path.join(assembly.directory, asset);
  if (!fs.existsSync(folder) || !fs.readdirSync(folder).some((f) => f.endsWith('.js'))) {
    throw new Error(`handler asset ${asset} holds no code`);
  }
}
console.log(`package check: ${exported.length} construct classes built, ${functions.length} handlers staged, ${Object.keys(template.Resources).length} resources`);
