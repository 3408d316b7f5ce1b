import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { EncryptedDatabaseInstance, EncryptedDatabaseInstanceReadReplica } from '../../src';
import { nagFindings } from '../util/nag';

const ENGINE = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 });
const INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE);

function vpcIn(stack: Stack) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: [`${stack.region}a`, `${stack.region}b`],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
  });
}

describe('a cross-Region replica', () => {
  const app = new App();
  const primary = new Stack(app, 'Primary', { env: { account: '111111111111', region: 'us-east-1' }, crossRegionReferences: true });
  const source = new EncryptedDatabaseInstance(primary, 'Db', { engine: ENGINE, vpc: vpcIn(primary) });
  const dr = new Stack(app, 'Dr', { env: { account: '111111111111', region: 'eu-west-1' }, crossRegionReferences: true });
  new EncryptedDatabaseInstanceReadReplica(dr, 'Replica', { sourceDatabaseInstance: source, instanceType: INSTANCE_TYPE, vpc: vpcIn(dr) });
  const template = Template.fromStack(dr);

  test('is encrypted with a new key in its own Region, and names its source by ARN', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      StorageEncrypted: Match.absent(), // inherited from the source; CloudFormation refuses it beside SourceDBInstanceIdentifier
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReplicaKey'), 'Arn'] },
      SourceDBInstanceIdentifier: Match.anyValue(),
      PubliclyAccessible: false,
      EnableIAMDatabaseAuthentication: true,
      MultiAZ: true,
      DeletionProtection: true,
    });
  });
  test('requires TLS by a parameter group of its own', () => {
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres17', Parameters: { 'rds.force_ssl': '1' } });
  });
  test('the four packs report nothing', () => {
    expect(nagFindings(dr)).toEqual([]);
  });
});

describe('bad input', () => {
  test('an unencrypted source is refused, with the documented way to encrypt it', () => {
    const stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = vpcIn(stack);
    const plain = new rds.DatabaseInstance(stack, 'Plain', { engine: ENGINE, vpc, storageEncrypted: false });
    expect(() => new EncryptedDatabaseInstanceReadReplica(stack, 'Replica', { sourceDatabaseInstance: plain, instanceType: INSTANCE_TYPE, vpc }))
      .toThrow(/TestStack\/Replica: invalid sourceDatabaseInstance: got TestStack\/Plain, whose storage is not encrypted; allowed: an instance with encrypted storage\. .*Take a snapshot, copy it with a KMS key of this Region/);
  });
  test('storageEncrypted false and a public replica are refused', () => {
    const stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = vpcIn(stack);
    const source = new EncryptedDatabaseInstance(stack, 'Db', { engine: ENGINE, vpc });
    expect(() => new EncryptedDatabaseInstanceReadReplica(stack, 'A', { sourceDatabaseInstance: source, instanceType: INSTANCE_TYPE, vpc, storageEncrypted: false }))
      .toThrow(/TestStack\/A: invalid storageEncrypted: got false/);
    expect(() => new EncryptedDatabaseInstanceReadReplica(stack, 'B', { sourceDatabaseInstance: source, instanceType: INSTANCE_TYPE, vpc, publiclyAccessible: true }))
      .toThrow(/TestStack\/B: invalid publiclyAccessible: got true/);
  });
});
