import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { KmsKeyWithRotation, RedshiftAuditLogging, RedshiftEncryptedCluster, RedshiftEncryptedClusterProps, RedshiftNodeType } from '../../src';
import { newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';

function clusterTemplate(props: Partial<RedshiftEncryptedClusterProps> = {}) {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, ...props });
  return { stack, vpc, cluster, template: synth(stack) };
}

describe('defaults', () => {
  const { stack, template, cluster } = clusterTemplate();

  test('encrypted with a new rotating key, which also encrypts the managed admin password', () => {
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      Encrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WarehouseKey'), 'Arn'] },
      ManageMasterPassword: true,
      MasterPasswordSecretKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WarehouseKey'), 'Arn'] },
      MasterUserPassword: Match.absent(),
    });
    expect(cluster.encryptionKey).toBeInstanceOf(KmsKeyWithRotation);
  });
  test('TLS required and user activity logged by the parameter group the cluster uses', () => {
    template.hasResourceProperties('AWS::Redshift::ClusterParameterGroup', {
      ParameterGroupFamily: 'redshift-1.0',
      Parameters: Match.arrayWith([
        { ParameterName: 'require_ssl', ParameterValue: 'true' },
        { ParameterName: 'enable_user_activity_logging', ParameterValue: 'true' },
      ]),
    });
    template.hasResourceProperties('AWS::Redshift::Cluster', { ClusterParameterGroupName: { Ref: Match.stringLikeRegexp('^WarehouseParameters') } });
  });
  test('audit logs written to a new SSE-S3 bucket the cluster waits for (CT.REDSHIFT.PR.3)', () => {
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      LoggingProperties: {
        LogDestinationType: 's3',
        BucketName: { Ref: Match.stringLikeRegexp('^WarehouseAuditLogs') },
        S3KeyPrefix: `redshift/${cluster.node.addr}/`,
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const [clusterResource] = Object.values(template.findResources('AWS::Redshift::Cluster'));
    expect(clusterResource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^WarehouseAuditLogsPolicy/)]));
    expect(cluster.auditLogsBucket).toBeDefined();
  });
  test('the first database is not named dev (CT.REDSHIFT.PR.7)', () => {
    template.hasResourceProperties('AWS::Redshift::Cluster', { DBName: 'kmi' });
  });
  test('private: not public, enhanced VPC routing, private subnets, own security group', () => {
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      PubliclyAccessible: false,
      EnhancedVpcRouting: true,
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^WarehouseSecurityGroup'), 'GroupId'] }],
    });
    template.hasResourceProperties('AWS::Redshift::ClusterSubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
    });
  });
  test('non-default user name and port, snapshots kept 14 days, upgrades in a maintenance window', () => {
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      MasterUsername: 'kmiadmin',
      Port: 5450,
      AutomatedSnapshotRetentionPeriod: 14,
      PreferredMaintenanceWindow: 'sun:03:00-sun:03:30',
      AllowVersionUpgrade: true,
      NodeType: 'ra3.large',
      ClusterType: 'multi-node',
      NumberOfNodes: 2,
    });
  });
  test('a final snapshot when it leaves the stack; the key is retained', () => {
    template.hasResource('AWS::Redshift::Cluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
  test('attributes', () => {
    expect(stack.resolve(cluster.clusterName)).toEqual({ Ref: expect.stringMatching(/^Warehouse/) });
    expect(stack.resolve(cluster.clusterEndpointAddress)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Warehouse/), 'Endpoint.Address'] });
    expect(stack.resolve(cluster.masterPasswordSecretArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Warehouse/), 'MasterPasswordSecretArn'] });
    expect(cluster.clusterEndpointPort).toBe(5450);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('compliance', () => {
  test('AwsSolutions RS1–RS11 and the NIST, HIPAA and PCI Redshift rules report nothing', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60722'],
    });
    new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('audit logging', () => {
  test('to CloudWatch Logs on request, with no bucket', () => {
    const { template, cluster } = clusterTemplate({ auditLogging: RedshiftAuditLogging.toCloudWatchLogs() });
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      LoggingProperties: { LogDestinationType: 'cloudwatch', LogExports: ['connectionlog', 'userlog', 'useractivitylog'] },
    });
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(cluster.auditLogsBucket).toBeUndefined();
  });
  test('to a bucket given, under the prefix given, which Redshift may write to', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const bucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED });
    new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, auditLogging: RedshiftAuditLogging.toS3({ bucket, prefix: 'audit/' }) });
    const template = synth(stack);
    template.hasResourceProperties('AWS::Redshift::Cluster', { LoggingProperties: { BucketName: { Ref: Match.stringLikeRegexp('^Logs') }, S3KeyPrefix: 'audit/' } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowRedshiftAuditLogDelivery',
          Principal: { Service: 'redshift.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        })]),
      },
    });
  });
  test('a bucket encrypted with a KMS key is refused: Redshift audit logging needs SSE-S3', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const bucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.KMS });
    expect(() => new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, auditLogging: RedshiftAuditLogging.toS3({ bucket }) }))
      .toThrow(/TestStack\/Warehouse.*auditLogging.*a bucket encrypted with a KMS key \(TestStack\/Logs\).*SSE-S3/s);
  });
  test('a prefix with a space is refused', () => {
    expect(() => clusterTemplate({ auditLogging: RedshiftAuditLogging.toS3({ prefix: 'a b/' }) }))
      .toThrow(/auditLogging\.prefix.*'a b\/'.*at most 512 characters/s);
  });
});

describe('props', () => {
  test('connections open the cluster port to a client', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const cluster = new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    cluster.connections.allowDefaultPortFrom(client);
    synth(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5450,
      ToPort: 5450,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Client'), 'GroupId'] },
    });
  });
  test('an encryptionKey of your own (for example in a CloudHSM key store) is used for data and password', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const key = kms.Key.fromKeyArn(stack, 'HsmKey', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc, encryptionKey: key });
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111',
      MasterPasswordSecretKmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111',
    });
  });
  test('a single node, another node type, port, user, retention, window and extra parameters', () => {
    const { template } = clusterTemplate({
      numberOfNodes: 1,
      nodeType: RedshiftNodeType.RA3_XLPLUS,
      port: 8200,
      masterUsername: 'warehouse_admin',
      automatedSnapshotRetention: Duration.days(35),
      preferredMaintenanceWindow: 'sat:01:00-sat:01:30',
      databaseName: 'sales',
      parameters: { max_concurrency_scaling_clusters: '2', require_ssl: 'true' },
    });
    template.hasResourceProperties('AWS::Redshift::Cluster', {
      ClusterType: 'single-node',
      NumberOfNodes: Match.absent(),
      NodeType: 'ra3.xlplus',
      Port: 8200,
      MasterUsername: 'warehouse_admin',
      AutomatedSnapshotRetentionPeriod: 35,
      PreferredMaintenanceWindow: 'sat:01:00-sat:01:30',
      DBName: 'sales',
    });
    template.hasResourceProperties('AWS::Redshift::ClusterParameterGroup', {
      Parameters: [
        { ParameterName: 'max_concurrency_scaling_clusters', ParameterValue: '2' },
        { ParameterName: 'require_ssl', ParameterValue: 'true' },
        { ParameterName: 'enable_user_activity_logging', ParameterValue: 'true' },
      ],
    });
  });
  test('isolated subnets when the VPC has no private ones', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
    synth(stack).hasResourceProperties('AWS::Redshift::ClusterSubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcDataSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcDataSubnet2') }],
    });
  });
  test('removalPolicy DESTROY deletes cluster and key', () => {
    const { template } = clusterTemplate({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::Redshift::Cluster', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});

describe('bad input', () => {
  const build = (props: Partial<RedshiftEncryptedClusterProps>) => () => clusterTemplate(props);

  test('encrypted: false is refused', () => {
    expect(build({ encrypted: false })).toThrow('TestStack/Warehouse: invalid encrypted: got false; allowed: true or unset (the cluster is always encrypted).');
  });
  test('publiclyAccessible: true is refused', () => {
    expect(build({ publiclyAccessible: true })).toThrow('TestStack/Warehouse: invalid publiclyAccessible: got true; allowed: false or unset (the cluster is never public). Reach it from the VPC, through a VPN, Direct Connect or a bastion.');
  });
  test.each([
    ['require_ssl', 'false'],
    ['enable_user_activity_logging', 'false'],
  ])('parameter %s=%s is refused', (name, value) => {
    expect(build({ parameters: { [name]: value } })).toThrow(`TestStack/Warehouse: invalid parameters.${name}: got '${value}'; allowed: 'true' or unset.`);
  });
  test.each([5439, 5430, 9000])('port %s is refused', (port) => {
    expect(build({ port })).toThrow(`TestStack/Warehouse: invalid port: got ${port}; allowed: 5431–5455 or 8191–8215, except the default 5439.`);
  });
  test.each(['awsuser', 'Admin', '1admin'])('masterUsername %s is refused', (masterUsername) => {
    expect(build({ masterUsername })).toThrow(`TestStack/Warehouse: invalid masterUsername: got '${masterUsername}'; allowed: a lower-case letter then lower-case letters, digits or '_', at most 128 characters, not 'awsuser'.`);
  });
  test.each([Duration.days(6), Duration.days(36)])('automatedSnapshotRetention %s is refused', (automatedSnapshotRetention) => {
    expect(build({ automatedSnapshotRetention })).toThrow(`TestStack/Warehouse: invalid automatedSnapshotRetention: got ${automatedSnapshotRetention.toDays()} days; allowed: a whole number of days from 7 to 35.`);
  });
  test.each([0, 1.5, 129])('numberOfNodes %s is refused', (numberOfNodes) => {
    expect(build({ numberOfNodes })).toThrow(`TestStack/Warehouse: invalid numberOfNodes: got ${numberOfNodes}; allowed: a whole number from 1 to 128.`);
  });
  test('a VPC with public subnets only is refused with the construct path and the prop', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'PublicOnly', { subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc })).toThrow(
      /^TestStack\/Warehouse: invalid vpcSubnets: got no selection \(private, else isolated subnets\) the VPC cannot satisfy: .*There are no 'Isolated' subnet groups in this VPC.*; allowed: private or isolated subnets of the VPC\. A Redshift cluster never sits in a public subnet/s);
  });
  test('public subnets are refused', () => {
    expect(build({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow('TestStack/Warehouse: invalid vpcSubnets: got 2 public subnet(s); allowed: private or isolated subnets of the VPC. A Redshift cluster never sits in a public subnet.');
  });
});
