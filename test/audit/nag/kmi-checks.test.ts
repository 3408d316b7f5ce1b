import { CfnCondition, CfnParameter, Duration, Fn, Resource, Size, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagPack } from 'cdk-nag';
import { Construct } from 'constructs';
import { KmiChecks } from '../../../src/audit/nag/kmi-checks';
import { CloudHsmCluster } from '../../../src/cloudhsm/cluster/cloudhsm-cluster';
import { EncryptedTable } from '../../../src/dynamodb/encrypted-table';
import { EncryptedVolume } from '../../../src/ebs/encrypted-volume';
import { EbsEncryptionByDefault } from '../../../src/ebs/encryption-by-default/ebs-encryption-by-default';
import { EmrArtifact } from '../../../src/emr/emr-artifact';
import { EmrInTransitEncryption } from '../../../src/emr/emr-in-transit-encryption';
import { EmrSecurityConfiguration } from '../../../src/emr/emr-security-configuration';
import { FieldLevelEncryptionKeys, SearchableFieldKeys } from '../../../src/field-level/field-level-encryption-keys';
import { CustomKeyStore, KeyStoreSource } from '../../../src/key-store/custom-key-store';
import { CustomKeyStoreType, ICustomKeyStore } from '../../../src/key-store/custom-key-store-ref';
import { CustomKeyStoreKey } from '../../../src/key-store/key/custom-key-store-key';
import { CustomKeyStoreKeyRotation } from '../../../src/key-store/key/custom-key-store-key-rotation';
import { KmsKeyWithImportedMaterial } from '../../../src/kms/imported-key-material/imported-key-material';
import { KeyMaterialExpiration } from '../../../src/kms/imported-key-material/imported-key-material-expiration';
import { KmsKeyWithRotation } from '../../../src/kms/kms-key-with-rotation';
import { EncryptedDatabaseCluster } from '../../../src/rds/encrypted-database-cluster';
import { EncryptedDatabaseInstance } from '../../../src/rds/encrypted-database-instance';
import { RedshiftEncryptedCluster } from '../../../src/redshift/redshift-encrypted-cluster';
import { EncryptedBucket } from '../../../src/s3/encrypted-bucket';
import { newStack, synth } from '../../util/app';

const OPS = 'arn:aws:iam::111111111111:role/Ops';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:byok-material-AbCdEf';
const CERTS = EmrArtifact.fromS3Uri('s3://kmi-artifacts/emr/certs.zip');

/** A custom key store known by its id and type, which is all a key needs of it. */
class KnownStore extends Resource implements ICustomKeyStore {
  constructor(scope: Construct, id: string, public readonly customKeyStoreId: string, public readonly customKeyStoreType: CustomKeyStoreType) {
    super(scope, id);
  }
}

/** Runs the pack on the synthesized stack and returns each finding as `<rule id> at <construct path>`, sorted. */
function findings(stack: Stack, pack: NagPack = new KmiChecks()): string[] {
  synth(stack);
  return pack.validateScope(stack).violations
    .flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`))
    .sort();
}

function importedMaterial(stack: Stack, expiration?: KeyMaterialExpiration): KmsKeyWithImportedMaterial {
  const keyMaterial = secretsmanager.Secret.fromSecretCompleteArn(stack, 'MaterialSecret', SECRET_ARN);
  return new KmsKeyWithImportedMaterial(stack, 'Imported', { keyMaterial, expiration });
}

/** A stack of the library's constructs, with default props except where a construct requires one. */
function libraryStack(): Stack {
  const stack = newStack('Library');
  const admin = new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });
  const user = new iam.Role(stack, 'KeyUser', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const key = new KmsKeyWithRotation(stack, 'Key', { admins: [admin], users: [user] });
  new EncryptedBucket(stack, 'Records', { encryptionKey: key });
  new EncryptedBucket(stack, 'Uploads');
  new EncryptedBucket(stack, 'ServiceWrites', { enforceEncryptionHeader: false });
  new EncryptedBucket(stack, 'Archive', { encryption: s3.BucketEncryption.DSSE });
  new EncryptedBucket(stack, 'StaticAssets', { encryption: s3.BucketEncryption.S3_MANAGED });
  new EncryptedVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) });
  new EbsEncryptionByDefault(stack, 'EbsEncryption');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
  new EncryptedDatabaseInstance(stack, 'Database', { engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }), vpc });
  new EncryptedDatabaseCluster(stack, 'Aurora', {
    engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }), writer: rds.ClusterInstance.serverlessV2('Writer'), vpc,
  });
  new EncryptedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new FieldLevelEncryptionKeys(stack, 'Fields', { encryptionContext: { purpose: 'records' } });
  new FieldLevelEncryptionKeys(stack, 'StoreFields', { encryptionContext: { purpose: 'records' }, searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE });
  const emrConfig = new EmrSecurityConfiguration(stack, 'Emr', { inTransitEncryption: EmrInTransitEncryption.pemCertificates(CERTS) });
  emrConfig.grantInstanceRole(new iam.Role(stack, 'EmrInstances', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }));
  emrConfig.grantServiceRole(new iam.Role(stack, 'EmrService', { assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com') }));
  importedMaterial(stack, KeyMaterialExpiration.after(Duration.days(365)));
  const hsmStore = new CustomKeyStore(stack, 'HsmStore', { source: KeyStoreSource.cloudHsm({ cluster: new CloudHsmCluster(stack, 'Hsm', { vpc }) }) });
  new EncryptedBucket(stack, 'HsmRecords', { encryptionKey: new CustomKeyStoreKey(stack, 'HsmKey', { customKeyStore: hsmStore }) });
  const xksStore = new KnownStore(stack, 'XksStore', 'cks-0fedcba0987654321', CustomKeyStoreType.EXTERNAL_KEY_STORE);
  new CustomKeyStoreKey(stack, 'XksKey', { customKeyStore: xksStore, xksKeyId: 'ekm-key-0001' });
  return stack;
}

/** A stack of resources that break every rule of the pack, each once at least: plain aws-cdk-lib ones, and cdk-kmi's told to. */
function badStack(): Stack {
  const stack = newStack('Bad');
  new s3.Bucket(stack, 'Bucket');
  const ops = new iam.ArnPrincipal(OPS);
  new kms.Key(stack, 'Key', { admins: [ops] }).grantDecrypt(ops);
  importedMaterial(stack);
  new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) });
  new ec2.Volume(stack, 'AwsKeyVolume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encrypted: true });
  const cluster = { clusterType: 'single-node', nodeType: 'ra3.large', dbName: 'dev', masterUsername: 'kmiadmin', manageMasterPassword: true };
  new redshift.CfnCluster(stack, 'Cluster', cluster);
  new redshift.CfnCluster(stack, 'AwsKeyCluster', { ...cluster, encrypted: true });
  new rds.CfnDBInstance(stack, 'Database', { engine: 'mysql', engineVersion: '8.0.39', dbInstanceClass: 'db.m6i.large', allocatedStorage: '20', storageEncrypted: true });
  new EmrSecurityConfiguration(stack, 'NoTls', { inTransitEncryption: EmrInTransitEncryption.disabled() });
  new emr.CfnSecurityConfiguration(stack, 'NoAtRest', {
    securityConfiguration: { EncryptionConfiguration: { EnableInTransitEncryption: false, EnableAtRestEncryption: false } },
  });
  const hsmStore = new KnownStore(stack, 'HsmStore', 'cks-1234567890abcdef0', CustomKeyStoreType.AWS_CLOUDHSM);
  new CustomKeyStoreKey(stack, 'StoreKey', { customKeyStore: hsmStore, rotation: CustomKeyStoreKeyRotation.none() });
  return stack;
}

describe('KmiChecks', () => {
  test('is named Kmi, the prefix of its rule ids', () => {
    const pack = new KmiChecks();
    expect([pack.name, pack.readPackName]).toEqual(['Kmi', 'Kmi']);
  });

  test('reports nothing on a stack of the library\'s constructs', () => {
    expect(findings(libraryStack())).toEqual([]);
  });

  test('reports every rule, by id and construct path, on a stack of plain resources that break them', () => {
    expect(findings(badStack())).toEqual([
      'Kmi-CustomKeyStoreKeyRotationScheduled at Bad/StoreKey/Resource/Default',
      'Kmi-EBSVolumeCustomerManagedKey at Bad/AwsKeyVolume/Resource',
      'Kmi-EBSVolumeEncrypted at Bad/Volume/Resource',
      'Kmi-EMRInTransitEncrypted at Bad/NoAtRest',
      'Kmi-EMRInTransitEncrypted at Bad/NoTls/Resource',
      'Kmi-EMRLocalDiskEncrypted at Bad/NoAtRest',
      'Kmi-KMSImportedKeyMaterialExpires at Bad/Imported/KeyMaterial/Default',
      'Kmi-KMSKeyDutiesSeparated at Bad/Key/Resource',
      'Kmi-KMSKeyRotationEnabled at Bad/Key/Resource',
      'Kmi-RDSTlsRequired at Bad/Database',
      'Kmi-RedshiftClusterCustomerManagedKey at Bad/AwsKeyCluster',
      'Kmi-RedshiftClusterEncrypted at Bad/Cluster',
      'Kmi-RedshiftClusterTlsRequired at Bad/AwsKeyCluster',
      'Kmi-RedshiftClusterTlsRequired at Bad/Cluster',
      'Kmi-S3SseCBlocked at Bad/Bucket/Resource',
      'Kmi-S3UploadEncryptionEnforced at Bad/Bucket/Resource',
    ]);
  });

  test('reports what leaves data unencrypted, keys unrotated or duties mixed as errors, and judgements as warnings', () => {
    const stack = badStack();
    synth(stack);
    const severities = Object.fromEntries(new KmiChecks().validateScope(stack).violations.map((v) => [v.ruleName, v.severity]));
    expect(severities).toEqual({
      'Kmi-CustomKeyStoreKeyRotationScheduled': 'error',
      'Kmi-EBSVolumeCustomerManagedKey': 'warning',
      'Kmi-EBSVolumeEncrypted': 'error',
      'Kmi-EMRInTransitEncrypted': 'error',
      'Kmi-EMRLocalDiskEncrypted': 'error',
      'Kmi-KMSImportedKeyMaterialExpires': 'warning',
      'Kmi-KMSKeyDutiesSeparated': 'error',
      'Kmi-KMSKeyRotationEnabled': 'error',
      'Kmi-RDSTlsRequired': 'error',
      'Kmi-RedshiftClusterCustomerManagedKey': 'warning',
      'Kmi-RedshiftClusterEncrypted': 'error',
      'Kmi-RedshiftClusterTlsRequired': 'error',
      'Kmi-S3SseCBlocked': 'warning',
      'Kmi-S3UploadEncryptionEnforced': 'error',
    });
  });

  test('reports a KmsKeyWithImportedMaterial whose material never expires (its default) as a warning', () => {
    const stack = newStack();
    importedMaterial(stack);
    expect(findings(stack)).toEqual(['Kmi-KMSImportedKeyMaterialExpires at TestStack/Imported/KeyMaterial/Default']);
  });

  test('an acknowledgement on a construct suppresses that rule there, and nothing else', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    new s3.Bucket(stack, 'Other');
    Validations.of(bucket).acknowledge({ id: 'Kmi-S3SseCBlocked', reason: 'Clients encrypt with keys they hold (SSE-C) by design.' });
    expect(findings(stack)).toEqual([
      'Kmi-S3SseCBlocked at TestStack/Other/Resource',
      'Kmi-S3UploadEncryptionEnforced at TestStack/Bucket/Resource',
      'Kmi-S3UploadEncryptionEnforced at TestStack/Other/Resource',
    ]);
  });

  test('an acknowledgement on a stack suppresses the rule for every resource in it', () => {
    const stack = newStack();
    new ec2.Volume(stack, 'A', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encrypted: true });
    new ec2.Volume(stack, 'B', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encrypted: true });
    Validations.of(stack).acknowledge({ id: 'Kmi-EBSVolumeCustomerManagedKey', reason: 'Scratch volumes; the AWS managed key is enough.' });
    expect(findings(stack)).toEqual([]);
  });

  test('a rule that cannot read a value (a parameter) reports the resource as not assessed (not applicable), not an error', () => {
    const stack = newStack();
    const rotate = new CfnParameter(stack, 'Rotate', { type: 'String' });
    new kms.CfnKey(stack, 'Key', { enableKeyRotation: rotate.valueAsString as unknown as boolean });
    synth(stack);
    const report = new KmiChecks().validateScope(stack);
    expect(report.violations.filter((v) => /threw an error/.test(v.description))).toEqual([]);
    expect(report.violations.find((v) => v.ruleName === 'Kmi-KMSKeyRotationEnabled')).toBeUndefined();
  });

  test('verbose findings carry the explanation', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket');
    synth(stack);
    const report = new KmiChecks(stack, { verbose: true }).validateScope(stack);
    const descriptions = Object.fromEntries(report.violations.map((v) => [v.ruleName, v.description]));
    expect(descriptions['Kmi-S3SseCBlocked']).toMatch(/accepts uploads encrypted with customer-provided keys \(SSE-C\)\. With SSE-C, S3 does not keep the key/);
  });
});

describe('KmiChecks on values chosen by a condition (Fn::If)', () => {
  const SSE = 's3:x-amz-server-side-encryption';
  /** The upload rule on the objects of `bucket`. */
  const denyOn = (bucket: s3.CfnBucket) => ({
    Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${bucket.attrArn}/*`, Condition: { Null: { [SSE]: 'true' } },
  });
  /** A stack with the condition `name`, decided at deployment by the parameter Mode. */
  const stackWithCondition = (name: string) => {
    const stack = newStack();
    new CfnCondition(stack, name, { expression: Fn.conditionEquals(new CfnParameter(stack, 'Mode', { type: 'String' }).valueAsString, 'strict') });
    return stack;
  };
  const ruleOutcome = (stack: Stack, rule: string) => {
    synth(stack);
    const report = new KmiChecks().validateScope(stack);
    expect(report.violations.filter((v) => /threw an error/.test(v.description))).toEqual([]);
    return report.violations.some((v) => v.ruleName === rule) ? 'non-compliant' : 'compliant or not applicable';
  };

  test('a bucket policy whose statements are an Fn::If is judged on each branch: non-compliant when one branch lacks the upload rule', () => {
    const stack = stackWithCondition('Strict');
    const bucket = new s3.CfnBucket(stack, 'Bucket');
    const deny = denyOn(bucket);
    new s3.CfnBucketPolicy(stack, 'Policy', { bucket: bucket.ref, policyDocument: { Version: '2012-10-17', Statement: Fn.conditionIf('Strict', [deny], []) } });
    expect(ruleOutcome(stack, 'Kmi-S3UploadEncryptionEnforced')).toBe('non-compliant');
  });

  test('a bucket policy whose documents are an Fn::If with the upload rule on both branches complies', () => {
    const stack = stackWithCondition('Strict');
    const bucket = new s3.CfnBucket(stack, 'Bucket');
    const deny = denyOn(bucket);
    new s3.CfnBucketPolicy(stack, 'Policy', {
      bucket: bucket.ref,
      policyDocument: Fn.conditionIf('Strict', { Statement: [deny] }, { Statement: [deny, { ...deny, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
    });
    expect(ruleOutcome(stack, 'Kmi-S3UploadEncryptionEnforced')).toBe('compliant or not applicable');
  });

  test('a key whose rotation is an Fn::If is non-compliant: one branch does not rotate', () => {
    const stack = stackWithCondition('Prod');
    new kms.CfnKey(stack, 'Key', { enableKeyRotation: Fn.conditionIf('Prod', true, false) as unknown as boolean });
    expect(ruleOutcome(stack, 'Kmi-KMSKeyRotationEnabled')).toBe('non-compliant');
  });
});
