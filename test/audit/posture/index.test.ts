import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  EbsEncryptionByDefault, EmrArtifact, EmrInTransitEncryption, EmrSecurityConfiguration,
  EncryptedBucket, EncryptedVolume, KmsKeyWithRotation, RedshiftEncryptedCluster,
} from '../../../src';
import { analyzeTemplate, ResourcePosture } from '../../../src/audit/posture';
import { renderTable } from '../../../src/audit/posture/render/table';
import { ACCOUNT, newStack, REGION, synth } from '../../util/app';

function postureOf(build: (stack: ReturnType<typeof newStack>) => void): ResourcePosture[] {
  const stack = newStack();
  build(stack);
  return analyzeTemplate('TestStack', synth(stack).toJSON(), { account: ACCOUNT, region: REGION });
}

const row = (rows: ResourcePosture[], type: string, prefix: string) => {
  const found = rows.filter((r) => r.type === type && r.logicalId.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('posture of the library\'s constructs', () => {
  const rows = postureOf((stack) => {
    new EncryptedBucket(stack, 'Strict', { enforceEncryptionHeader: true });
    new EncryptedBucket(stack, 'Lenient', { enforceEncryptionHeader: false, encryptionKey: new KmsKeyWithRotation(stack, 'Shared') });
    new EncryptedBucket(stack, 'Sse', { encryption: s3.BucketEncryption.S3_MANAGED });
  });

  test('a header-enforcing EncryptedBucket: SSE-KMS, its own rotating key, strict rule, TLS 1.2, option 3, no findings', () => {
    expect(row(rows, 'AWS::S3::Bucket', 'Strict')).toMatchObject({
      encryption: 'SSE-KMS',
      key: expect.stringMatching(/^StrictKey/),
      rotation: 'automatic every 365 days',
      uploadRule: 'strict (aws:kms, bucket key only)',
      tls: 'TLS >= 1.2',
      option: 3,
      keyManagement: 'AWS KMS, customer managed key',
      findings: [],
    });
  });
  test('a lenient bucket is reported lenient', () => {
    expect(row(rows, 'AWS::S3::Bucket', 'Lenient').uploadRule).toBe('lenient (aws:kms, bucket key only)');
  });
  test('an SSE-S3 bucket is option 3, an AWS owned key (S3\'s, not aws/s3), with a low finding: a customer managed key is possible', () => {
    expect(row(rows, 'AWS::S3::Bucket', 'Sse')).toMatchObject({
      encryption: 'SSE-S3',
      option: 3,
      keyManagement: 'AWS owned key',
      key: 'AWS owned (SSE-S3)',
      uploadRule: 'lenient (AES256)',
      findings: [{ severity: 'low', id: 'aws-owned-key' }],
    });
  });
  test('the table has a row per resource', () => {
    const table = renderTable(rows);
    expect(table.split('\n').filter((l) => /^TestStack\/Strict[0-9A-F]{8} /.test(l))).toHaveLength(1);
    expect(table.split('\n').filter((l) => /^TestStack\/StrictKey[0-9A-F]{8} /.test(l))).toHaveLength(1);
    expect(table).toContain('KMI option');
  });
});

describe('posture of plain aws-cdk-lib resources', () => {
  const rows = postureOf((stack) => {
    new s3.Bucket(stack, 'Plain', { blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: false, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }) });
    new kms.Key(stack, 'NoRotation');
  });

  test('a plain bucket: S3 default encryption, SSE-C not blocked, no upload rule, HTTP allowed, public access not blocked', () => {
    const plain = row(rows, 'AWS::S3::Bucket', 'Plain');
    expect(plain.encryption).toBe('SSE-S3 (S3 default)');
    expect(plain.findings.map((f) => `${f.severity} ${f.id}`)).toEqual([
      'low aws-owned-key',
      'low sse-c-not-blocked',
      'low no-upload-rule',
      'medium tls-not-enforced',
      'high public-access',
    ]);
  });
  test('a bucket without a public access block configuration has S3\'s default (all public access blocked): no finding', () => {
    const [bucket] = analyzeTemplate('S', { Resources: { B: { Type: 'AWS::S3::Bucket', Properties: {} } } });
    expect(bucket.findings.map((f) => f.id)).not.toContain('public-access');
  });
  test('a bucket that explicitly allows SSE-C is a high finding', () => {
    const [bucket] = analyzeTemplate('S', {
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] } } },
      },
    });
    expect(bucket.findings.filter((f) => f.id.startsWith('sse-c'))).toEqual([{ severity: 'high', id: 'sse-c-allowed', message: expect.stringMatching(/explicitly allowed/) }]);
  });
  test('a bucket policy that allows anyone without a condition is a high finding', () => {
    const [bucket] = analyzeTemplate('S', {
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: {} },
        P: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'B' }, PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*' }] } } },
      },
    });
    expect(bucket.findings).toContainEqual({ severity: 'high', id: 'public-access', message: 'bucket policy allows anyone (Principal "*") without a condition' });
  });
  test('a key without rotation is a finding', () => {
    expect(row(rows, 'AWS::KMS::Key', 'NoRotation').findings.map((f) => f.message)).toContain('symmetric key without automatic rotation');
    expect(row(rows, 'AWS::KMS::Key', 'NoRotation').rotation).toBe('none');
  });
});

describe('key-management options by key origin', () => {
  test.each([
    ['EXTERNAL', 1, 'customer KMI: imported key material'],
    ['EXTERNAL_KEY_STORE', 1, 'customer KMI: external key store'],
    ['AWS_CLOUDHSM', 2, 'CloudHSM-backed key store'],
    ['AWS_KMS', 3, 'AWS KMS, customer managed key'],
  ])('a key with Origin %s is option %s (%s)', (origin, option, keyManagement) => {
    const [key] = analyzeTemplate('S', { Resources: { K: { Type: 'AWS::KMS::Key', Properties: { Origin: origin } } } });
    expect(key).toMatchObject({ option, keyManagement });
  });
  test('a bucket on a key defined elsewhere says so: an external reference, option and rotation unknown', () => {
    const [bucket] = analyzeTemplate('S', {
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:us-east-1:111111111111:key/k' } }] } } },
      },
    });
    expect(bucket).toMatchObject({
      key: 'arn:aws:kms:us-east-1:111111111111:key/k',
      option: null,
      keyManagement: 'unknown (external reference)',
      rotation: 'unknown',
    });
    expect(bucket.findings).toContainEqual(expect.objectContaining({ severity: 'info', id: 'external-key' }));
  });
});

describe('posture of EBS volumes', () => {
  const rows = postureOf((stack) => {
    new EncryptedVolume(stack, 'Encrypted', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8) });
    new ec2.Volume(stack, 'Plain', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8) });
    new ec2.Volume(stack, 'StaleKey', { availabilityZone: 'us-east-1a', size: Size.gibibytes(8), encrypted: true, encryptionKey: new kms.Key(stack, 'NoRotationKey') });
  });

  test('an EncryptedVolume: EBS with its own rotating key, option 3, no findings', () => {
    expect(row(rows, 'AWS::EC2::Volume', 'Encrypted')).toMatchObject({
      encryption: 'EBS (KMS)',
      key: expect.stringMatching(/^EncryptedKey/),
      rotation: 'automatic every 365 days',
      option: 3,
      findings: [],
    });
  });
  test('an unencrypted volume is a high finding', () => {
    expect(row(rows, 'AWS::EC2::Volume', 'Plain')).toMatchObject({ encrypted: 'no', encryption: 'none', option: null, findings: [{ severity: 'high', id: 'not-encrypted' }] });
  });
  test('EBS encryption by default is reported with its key', () => {
    const r = postureOf((stack) => new EbsEncryptionByDefault(stack, 'Ebs'));
    expect(row(r, 'Custom::KmiEbsEncryptionByDefault', 'Ebs')).toMatchObject({
      encryption: 'EBS by default (account, Region)',
      key: expect.stringMatching(/^EbsKey/),
      rotation: 'automatic every 365 days',
      option: 3,
      findings: [],
    });
  });
  test('a volume on a key that does not rotate is a finding', () => {
    expect(row(rows, 'AWS::EC2::Volume', 'StaleKey').findings.map((f) => f.message)).toEqual([expect.stringMatching(/^key NoRotationKey[0-9A-F]+ does not rotate$/)]);
  });
});

describe('separation of duties in key policies', () => {
  test('a key that leaves everything to IAM (its own account root) names no one: no finding, as KMSKeyDutiesSeparated; one with admins and users neither', () => {
    const rows = postureOf((stack) => {
      new KmsKeyWithRotation(stack, 'Open');
      new KmsKeyWithRotation(stack, 'Separated', {
        admins: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/KeyAdmin')],
        users: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/App')],
      });
    });
    expect(row(rows, 'AWS::KMS::Key', 'Open').findings).toEqual([]);
    expect(row(rows, 'AWS::KMS::Key', 'Separated').findings).toEqual([]);
  });
  test('a role that may both manage and use the key is a low finding naming it', () => {
    const rows = postureOf((stack) => {
      const key = new kms.Key(stack, 'Shared', { enableKeyRotation: true });
      key.grantAdmin(new iam.ArnPrincipal('arn:aws:iam::111111111111:role/Ops'));
      key.grantEncryptDecrypt(new iam.ArnPrincipal('arn:aws:iam::111111111111:role/Ops'));
    });
    expect(row(rows, 'AWS::KMS::Key', 'Shared').findings).toEqual([
      { severity: 'low', id: 'key-policy-not-separated', message: 'role/Ops may both manage and use the key: no administrators or users kept apart' },
    ]);
  });
});

describe('posture of Redshift clusters', () => {
  test('a RedshiftEncryptedCluster: its key, TLS required, no findings; a plain one: not encrypted, no TLS', () => {
    const rows = postureOf((stack) => {
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711'] });
      new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
      new redshift.CfnCluster(stack, 'Plain', { clusterType: 'single-node', nodeType: 'ra3.large', dbName: 'dev', masterUsername: 'u', masterUserPassword: 'p' });
    });
    expect(row(rows, 'AWS::Redshift::Cluster', 'Warehouse')).toMatchObject({
      encryption: 'Redshift (KMS)', key: expect.stringMatching(/^WarehouseKey/), tls: 'TLS required', option: 3, findings: [],
    });
    expect(row(rows, 'AWS::Redshift::Cluster', 'Plain')).toMatchObject({
      encryption: 'none',
      tls: 'not enforced',
      findings: [
        { severity: 'high', id: 'not-encrypted', message: 'Redshift cluster not encrypted' },
        { severity: 'medium', id: 'tls-not-enforced', message: 'Redshift accepts connections without TLS (require_ssl not true)' },
      ],
    });
  });
});

describe('posture of EMR security configurations', () => {
  test('the default configuration: S3 SSE-KMS and local disk KMS with EBS, on its rotating key, TLS between nodes', () => {
    const rows = postureOf((stack) => {
      new EmrSecurityConfiguration(stack, 'Emr', { inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromS3Uri('s3://certs/emr.zip')) });
      new EmrSecurityConfiguration(stack, 'Open', { inTransitEncryption: EmrInTransitEncryption.disabled() });
    });
    expect(row(rows, 'AWS::EMR::SecurityConfiguration', 'Emr')).toMatchObject({
      encryption: 'EMR S3 SSE-KMS, local disk AwsKms + EBS',
      key: expect.stringMatching(/^EmrKey/),
      tls: 'TLS between nodes',
      option: 3,
      findings: [],
    });
    expect(row(rows, 'AWS::EMR::SecurityConfiguration', 'Open')).toMatchObject({
      tls: 'not enforced', findings: [{ severity: 'medium', id: 'tls-not-enforced', message: 'EMR in-transit encryption off' }],
    });
  });
});

describe('posture of EMR clusters', () => {
  const rows = postureOf((stack) => {
    const security = new EmrSecurityConfiguration(stack, 'Emr', { inTransitEncryption: EmrInTransitEncryption.pemCertificates(EmrArtifact.fromS3Uri('s3://certs/emr.zip')) });
    const cluster = (id: string, securityConfiguration?: string) => new emr.CfnCluster(stack, id, {
      name: id, jobFlowRole: 'EMR_EC2_DefaultRole', serviceRole: 'EMR_DefaultRole', releaseLabel: 'emr-7.0.0', instances: {}, securityConfiguration,
    });
    cluster('Secured', security.securityConfigurationName);
    cluster('Bare');
    cluster('Elsewhere', 'shared-security-configuration');
  });

  test('a cluster on a security configuration of the template is reported with that configuration\'s encryption', () => {
    expect(row(rows, 'AWS::EMR::Cluster', 'Secured')).toMatchObject({
      encrypted: 'yes', encryption: expect.stringMatching(/^EMR S3 SSE-KMS, local disk AwsKms \+ EBS \(Emr/), key: expect.stringMatching(/^EmrKey/), tls: 'TLS between nodes', findings: [],
    });
  });
  test('a cluster without a security configuration is not encrypted and has no TLS', () => {
    expect(row(rows, 'AWS::EMR::Cluster', 'Bare').findings.map((f) => `${f.severity} ${f.id}`)).toEqual(['high not-encrypted', 'medium tls-not-enforced']);
  });
  test('a cluster on a security configuration named elsewhere says so', () => {
    expect(row(rows, 'AWS::EMR::Cluster', 'Elsewhere')).toMatchObject({
      encrypted: 'unknown', encryption: 'security configuration shared-security-configuration', findings: [{ severity: 'info', id: 'external-key' }],
    });
  });
});

describe('databases restored or replicated from elsewhere', () => {
  const rows = analyzeTemplate('S', {
    Resources: {
      FromSnapshot: { Type: 'AWS::RDS::DBInstance', Properties: { DBSnapshotIdentifier: 'arn:aws:rds:us-east-1:111111111111:snapshot:s' } },
      Replica: { Type: 'AWS::RDS::DBInstance', Properties: { SourceDBInstanceIdentifier: 'arn:aws:rds:us-east-1:111111111111:db:primary' } },
      EncryptedFromSnapshot: { Type: 'AWS::RDS::DBInstance', Properties: { DBSnapshotIdentifier: 's', StorageEncrypted: true } },
      ServerlessV1: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-mysql', EngineMode: 'serverless' } },
      Clone: { Type: 'AWS::RDS::DBCluster', Properties: { SourceDBClusterIdentifier: 'source' } },
      Public: { Type: 'AWS::Redshift::Cluster', Properties: { Encrypted: true, PubliclyAccessible: true } },
    },
  });

  test('an instance restored from a snapshot, or a read replica, inherits its encryption: unknown here, an info finding', () => {
    for (const id of ['FromSnapshot', 'Replica']) {
      expect(row(rows, 'AWS::RDS::DBInstance', id)).toMatchObject({ encrypted: 'unknown', findings: [{ severity: 'info', id: 'inherited' }, { id: 'tls-engine-default' }] });
    }
    expect(row(rows, 'AWS::RDS::DBInstance', 'EncryptedFromSnapshot')).toMatchObject({ encrypted: 'yes', key: 'AWS managed (aws/rds)' });
  });
  test('an Aurora Serverless v1 cluster is always encrypted; a clone inherits', () => {
    expect(row(rows, 'AWS::RDS::DBCluster', 'ServerlessV1')).toMatchObject({ encrypted: 'yes' });
    expect(row(rows, 'AWS::RDS::DBCluster', 'Clone')).toMatchObject({ encrypted: 'unknown' });
  });
  test('a publicly accessible Redshift cluster is a high finding', () => {
    expect(row(rows, 'AWS::Redshift::Cluster', 'Public').findings).toContainEqual(expect.objectContaining({ severity: 'high', id: 'public-access' }));
  });
});

describe('global tables with a key per Region', () => {
  test('the keys of all replicas are named, and their findings kept once', () => {
    const [table] = analyzeTemplate('S', {
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: false } },
        T: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
            Replicas: [
              { Region: 'us-east-1', SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
              { Region: 'eu-west-1', SSESpecification: { KMSMasterKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k' } },
              { Region: 'eu-west-2', SSESpecification: { KMSMasterKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k' } },
            ],
          },
        },
      },
    }).filter((r) => r.type === 'AWS::DynamoDB::GlobalTable');
    expect(table).toMatchObject({ key: 'Key; arn:aws:kms:eu-west-1:111111111111:key/k', rotation: 'none; unknown', option: null });
    expect(table.findings.map((f) => f.id)).toEqual(['key-not-rotated', 'external-key']);
  });
});
