import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ClusterActivation } from '../../../src/cloudhsm/activation/cluster-activation';
import {
  CloudHsmCluster, CloudHsmClusterMode, CloudHsmClusterProps, CloudHsmNetworkType, CloudHsmType,
} from '../../../src/cloudhsm/cluster/cloudhsm-cluster';
import { ClusterTrustAnchor, TrustAnchorKeySize } from '../../../src/cloudhsm/cluster/cluster-trust-anchor';
import { ACCOUNT, newStack, REGION, snapshotOf, synth } from '../../util/app';
import { nagFindings } from '../../util/nag';
import { evaluate } from '../../util/simulate';

const CA_ARN = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgYm9keSBmb3IgdGVzdHM=\n-----END CERTIFICATE-----\n';

/** A VPC imported with private, isolated and public subnets in three zones: no resources of its own. */
function importedVpc(stack: Stack, options: { private?: boolean } = {}): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    privateSubnetIds: options.private === false ? undefined : ['subnet-0000000000000000a', 'subnet-0000000000000000b', 'subnet-0000000000000000c'],
    isolatedSubnetIds: ['subnet-0000000000000001a', 'subnet-0000000000000001b', 'subnet-0000000000000001c'],
    publicSubnetIds: ['subnet-0000000000000002a', 'subnet-0000000000000002b', 'subnet-0000000000000002c'],
  });
}

function build(props: Partial<CloudHsmClusterProps> = {}, stack: Stack = newStack()) {
  const vpc = props.vpc ?? importedVpc(stack);
  const cluster = new CloudHsmCluster(stack, 'Hsm', { vpc, ...props });
  return { stack, cluster, template: synth(stack) };
}

function only(template: Template, type: string): [string, any] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

const handlerPolicy = (template: Template) => Object.values(template.findResources('AWS::IAM::Policy', {
  Properties: { PolicyName: Match.stringLikeRegexp('^HsmHandlerPolicy') },
}))[0].Properties.PolicyDocument.Statement;

describe('defaults', () => {
  const { stack, cluster, template } = build();
  const [clusterId, clusterResource] = only(template, 'AWS::CloudHSM::Cluster');
  const [initId, init] = only(template, 'Custom::KmiCloudHsmInitialization');
  const [, hsms] = only(template, 'Custom::KmiCloudHsmHsms');

  test('an hsm2m.medium cluster in FIPS mode, IPv4, backups kept 90 days, one private subnet per zone, retained', () => {
    expect(clusterId).toMatch(/^Hsm[0-9A-F]{8}$/);
    expect(clusterResource.Properties).toEqual({
      HsmType: 'hsm2m.medium',
      Mode: 'FIPS',
      NetworkType: 'IPV4',
      SubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b', 'subnet-0000000000000000c'],
      BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
    });
    expect(clusterResource.DeletionPolicy).toBe('Retain');
    expect(clusterResource.UpdateReplacePolicy).toBe('Retain');
    expect(cluster.hsmType).toBe(CloudHsmType.HSM2M_MEDIUM);
  });
  test('cfn-lint\'s unknown-type check (E3006) is silenced on the cluster resource only', () => {
    expect(clusterResource.Metadata).toEqual({ 'cfn-lint': { config: { ignore_checks: ['E3006'] } } });
  });
  test('the initialization signs with a new self-managed RSA 4096 root valid ten years, kept in a secret, and keeps everything on removal', () => {
    expect(init.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^KmiCloudHsmClusterProviderframeworkonEvent/), 'Arn'] },
      ClusterId: { 'Fn::GetAtt': [clusterId, 'ClusterId'] },
      TrustAnchor: 'SELF_MANAGED',
      TrustAnchorParameterName: expect.stringMatching(/^\/cdk-kmi\/cloudhsm\/TestStack-Hsm-[0-9A-F]{8}\/trust-anchor$/),
      RemovalPolicy: 'RETAIN',
      ValidityDays: '3652',
      CaSecretArn: { Ref: expect.stringMatching(/^HsmTrustAnchorSecret/) },
      KeySize: '4096',
      CommonName: 'cdk-kmi CloudHSM trust anchor',
    });
  });
  test('two HSMs are kept, after the initialization and with the handler permissions in place', () => {
    expect(hsms.Properties).toEqual({
      ServiceToken: expect.anything(),
      ClusterId: { 'Fn::GetAtt': [clusterId, 'ClusterId'] },
      HsmCount: '2',
      RemovalPolicy: 'RETAIN',
    });
    expect(hsms.DependsOn).toEqual(expect.arrayContaining([initId, expect.stringMatching(/^HsmHandlerPolicy/)]));
    expect(cluster.hsmCount).toBe(2);
  });
  test('the trust anchor\'s private key is in a secret encrypted with a rotating customer managed key, both retained', () => {
    const [, secret] = Object.entries(template.findResources('AWS::SecretsManager::Secret')).find(([id]) => id.startsWith('HsmTrustAnchorSecret'))!;
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^HsmTrustAnchorKey/), 'Arn'] });
    expect(secret.DeletionPolicy).toBe('Retain');
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    expect(cluster.trustAnchorSecret).toBeDefined();
  });
  test('the handler may describe clusters and key stores, change HSMs and initialize only this cluster, and touch only its secret and parameter', () => {
    expect(stack.resolve(handlerPolicy(template))).toEqual([
      { Effect: 'Allow', Action: ['cloudhsm:DeleteHsm', 'cloudhsm:DescribeClusters', 'kms:DescribeCustomKeyStores', 'ssm:DescribeParameters'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['cloudhsm:CreateHsm', 'cloudhsm:InitializeCluster'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudhsm:us-east-1:111111111111:cluster/', { 'Fn::GetAtt': [clusterId, 'ClusterId'] }]] },
      },
      {
        Effect: 'Allow',
        Action: ['ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateNetworkInterface', 'ec2:CreateSecurityGroup',
          'ec2:CreateTags', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaceAttribute', 'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DetachNetworkInterface', 'ec2:RevokeSecurityGroupEgress'],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: ['ssm:PutParameter', 'ssm:DeleteParameter'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111111111111:parameter${init.Properties.TrustAnchorParameterName}`]] },
      },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: { Ref: expect.stringMatching(/^HsmTrustAnchorSecret/) } },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^HsmTrustAnchorKey/), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } } },
      },
    ]);
  });
  describe('the handler policy, evaluated', () => {
    const CLUSTER = 'cluster-abcdefghijk';
    const clusterArn = (id: string) => `arn:aws:cloudhsm:${REGION}:${ACCOUNT}:cluster/${id}`;
    const concrete = (value: unknown): any => JSON.parse(JSON.stringify(stack.resolve(value))
      .replace(/\{"Ref":"AWS::Partition"\}/g, '"aws"')
      .replace(/\{"Ref":"AWS::URLSuffix"\}/g, '"amazonaws.com"')
      .replace(/\{"Ref":"\w+"\}/g, `"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:anchor-AbCdEf"`)
      .replace(/\{"Fn::GetAtt":\["\w+","Arn"\]\}/g, `"arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555"`)
      .replace(/\{"Fn::GetAtt":\["\w+","ClusterId"\]\}/g, `"${CLUSTER}"`)
      .replace(/\{"Fn::Join":\["",\[((?:"[^"]*",?)+)\]\]\}/g, (_, parts: string) => JSON.stringify(JSON.parse(`[${parts}]`).join(''))));
    const identityPolicies = [{ name: 'HsmHandlerPolicy', policy: { Version: '2012-10-17', Statement: concrete(handlerPolicy(template)) } }];
    const as = (action: string, resource: string) => evaluate({ principal: `arn:aws:iam::${ACCOUNT}:role/Handler`, action, resource, identityPolicies });
    // DeleteHsm has no resource types (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudhsm.html):
    // IAM evaluates it against `*`, which a statement naming the cluster ARN never matches.
    test('may delete an HSM, an action without resource-level permissions', async () => {
      expect(await as('cloudhsm:DeleteHsm', '*')).toBe('Allowed');
    });
    test('may create HSMs in and initialize only its own cluster', async () => {
      expect(await as('cloudhsm:CreateHsm', clusterArn(CLUSTER))).toBe('Allowed');
      expect(await as('cloudhsm:InitializeCluster', clusterArn(CLUSTER))).toBe('Allowed');
      expect(await as('cloudhsm:CreateHsm', clusterArn('cluster-otherother1'))).toBe('ImplicitlyDenied');
      expect(await as('cloudhsm:InitializeCluster', clusterArn('cluster-otherother1'))).toBe('ImplicitlyDenied');
    });
    // The EC2 actions of the CloudHSM guide's IAM example (https://docs.aws.amazon.com/cloudhsm/latest/userguide/identity-access-management.html).
    test.each([
      ['ec2:DescribeNetworkInterfaceAttribute'], ['ec2:DetachNetworkInterface'], ['ec2:CreateTags'], ['ec2:DescribeVpcs'],
      ['ec2:CreateNetworkInterface'], ['ec2:DeleteNetworkInterface'], ['ec2:DescribeNetworkInterfaces'], ['ec2:DescribeSubnets'],
    ])('may call %s, as CloudHSM does with the caller\'s permissions for the HSM\'s interface', async (action) => {
      expect(await as(action, '*')).toBe('Allowed');
    });
  });
  test('one provider with onEvent and isComplete handlers, asking every 30 seconds for at most an hour', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiCloudHsmInitialization and Custom::KmiCloudHsmHsms (onEvent)', Timeout: 300 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiCloudHsmInitialization and Custom::KmiCloudHsmHsms (isComplete)' });
    const waiters = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))
      .filter(([id]) => id.startsWith('KmiCloudHsmClusterProviderwaiterstatemachine'));
    expect(waiters).toHaveLength(1);
    const definition = JSON.stringify(waiters[0][1].Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":30');
    expect(definition).toContain('\\"MaxAttempts\\":120');
  });
  test('connections: the cluster security group from the initialization, TCP 2223-2225', () => {
    const s = newStack();
    const c = new CloudHsmCluster(s, 'Hsm', { vpc: importedVpc(s) });
    c.connections.allowDefaultPortFrom(ec2.SecurityGroup.fromSecurityGroupId(s, 'App', 'sg-0aaaaaaaaaaaaaaaa', { mutable: true }));
    synth(s).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 2223,
      ToPort: 2225,
      SourceSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa',
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HsmInitialization'), 'SecurityGroupId'] },
    });
  });
  test('the attributes: the cluster id of the cluster resource, the parameter name, the CSR from the initialization', () => {
    expect(cluster.trustAnchorParameterName).toBe(init.Properties.TrustAnchorParameterName);
    expect(stack.resolve(cluster.clusterId)).toEqual({ 'Fn::GetAtt': [clusterId, 'ClusterId'] });
    expect(stack.resolve(cluster.clusterCsr)).toEqual({ 'Fn::GetAtt': [initId, 'ClusterCsr'] });
  });
  test('the cluster is activated on its first HSM, then the other HSMs are added, then kmsuser is checked on every HSM', () => {
    const activations = Object.entries(template.findResources('Custom::KmiCloudHsmActivation'));
    const [activateId, activate] = activations.find(([, r]) => r.Properties.Phase === 'ACTIVATE')!;
    const [, check] = activations.find(([, r]) => r.Properties.Phase === 'CHECK_COVERAGE')!;
    const [hsmsId, hsmsResource] = only(template, 'Custom::KmiCloudHsmHsms');
    expect(activations).toHaveLength(2);
    // https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html: activate on the first HSM, then add HSMs.
    expect(activate.DependsOn).toContain(initId);
    expect(activate.DependsOn).not.toContain(hsmsId);
    expect(hsmsResource.DependsOn).toEqual(expect.arrayContaining([initId, activateId]));
    expect(check.DependsOn).toEqual(expect.arrayContaining([activateId, hsmsId]));
    expect(check.Properties.HsmCount).toBe('2');
    expect(cluster.kmsUserPassword).toBeDefined();
    expect(cluster.adminPassword).toBeDefined();
  });
  test('compliance packs report nothing', () => {
    const s = newStack();
    new CloudHsmCluster(s, 'Hsm', { vpc: importedVpc(s) });
    expect(nagFindings(s)).toEqual([]);
  });
  test('snapshot (the cluster\'s own resources: the activation, snapshotted with its own construct, is manual here)', () => {
    const s = newStack();
    new CloudHsmCluster(s, 'Hsm', { vpc: importedVpc(s), activation: ClusterActivation.manual() });
    expect(snapshotOf(synth(s))).toMatchSnapshot();
  });
});

describe('props', () => {
  test('hsmType, mode, networkType and backupRetention go to the cluster', () => {
    const { template } = build({
      hsmType: CloudHsmType.of('hsm3.medium'),
      mode: CloudHsmClusterMode.NON_FIPS,
      networkType: CloudHsmNetworkType.DUALSTACK,
      backupRetention: Duration.days(379),
    });
    template.hasResourceProperties('AWS::CloudHSM::Cluster', {
      HsmType: 'hsm3.medium', Mode: 'NON_FIPS', NetworkType: 'DUALSTACK', BackupRetentionPolicy: { Type: 'DAYS', Value: '379' },
    });
  });
  test('hsmCount sets the HSM count', () => {
    const { template } = build({ hsmCount: 4 });
    template.hasResourceProperties('Custom::KmiCloudHsmHsms', { HsmCount: '4' });
  });
  test('one HSM is allowed with allowSingleHsm', () => {
    const { template } = build({ hsmCount: 1, allowSingleHsm: true });
    template.hasResourceProperties('Custom::KmiCloudHsmHsms', { HsmCount: '1' });
  });
  test('vpcSubnets chooses the subnets', () => {
    const { template } = build({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    template.hasResourceProperties('AWS::CloudHSM::Cluster', {
      SubnetIds: ['subnet-0000000000000001a', 'subnet-0000000000000001b', 'subnet-0000000000000001c'],
    });
  });
  test('a VPC without private subnets places the cluster in its isolated subnets', () => {
    const stack = newStack();
    const { template } = build({ vpc: importedVpc(stack, { private: false }) }, stack);
    template.hasResourceProperties('AWS::CloudHSM::Cluster', {
      SubnetIds: ['subnet-0000000000000001a', 'subnet-0000000000000001b', 'subnet-0000000000000001c'],
    });
  });
  test('a VPC built in the stack gives its private subnets, one per zone', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const { template } = build({ vpc }, stack);
    template.hasResourceProperties('AWS::CloudHSM::Cluster', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
    });
  });
  test('trustAnchorParameterName names the parameter, and the handler may write only that one', () => {
    const { stack, template } = build({ trustAnchorParameterName: '/org/hsm/anchor' });
    template.hasResourceProperties('Custom::KmiCloudHsmInitialization', { TrustAnchorParameterName: '/org/hsm/anchor' });
    expect(stack.resolve(handlerPolicy(template))).toContainEqual({
      Effect: 'Allow',
      Action: ['ssm:PutParameter', 'ssm:DeleteParameter'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111111111111:parameter/org/hsm/anchor']] },
    });
  });
  test('removalPolicy DESTROY deletes the cluster, its HSMs, the parameter, the trust anchor secret and key', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::CloudHSM::Cluster', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('Custom::KmiCloudHsmInitialization', { RemovalPolicy: 'DESTROY' });
    template.hasResourceProperties('Custom::KmiCloudHsmHsms', { RemovalPolicy: 'DESTROY' });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ Description: Match.stringLikeRegexp('trust anchor') }) });
  });
  test('a self-managed trust anchor takes its key size, common name, validity and encryption key', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    const { template } = build({
      trustAnchor: ClusterTrustAnchor.selfManaged({ keySize: TrustAnchorKeySize.RSA_2048, commonName: 'Example Corp HSM root', validity: Duration.days(730), encryptionKey: key }),
    }, stack);
    template.hasResourceProperties('Custom::KmiCloudHsmInitialization', { KeySize: '2048', CommonName: 'Example Corp HSM root', ValidityDays: '730' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111' });
    template.resourceCountIs('AWS::KMS::Key', activationKeys(template));
  });
  test('a Private CA trust anchor: the CA ARN, no secret, and permission to issue only end-entity certificates from that CA', () => {
    const stack = newStack();
    const ca = acmpca.CertificateAuthority.fromCertificateAuthorityArn(stack, 'Ca', CA_ARN);
    const { template } = build({ trustAnchor: ClusterTrustAnchor.privateCa(ca, { validity: Duration.days(1825) }) }, stack);
    expect(only(template, 'Custom::KmiCloudHsmInitialization')[1].Properties).toEqual(expect.objectContaining({
      TrustAnchor: 'PRIVATE_CA', CertificateAuthorityArn: CA_ARN, ValidityDays: '1825',
    }));
    expect(only(template, 'Custom::KmiCloudHsmInitialization')[1].Properties.CaSecretArn).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', activationSecrets(template));
    const statements = stack.resolve(handlerPolicy(template));
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificateAuthorityCertificate', 'acm-pca:GetCertificate'],
      Resource: CA_ARN,
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'acm-pca:IssueCertificate',
      Resource: CA_ARN,
      Condition: { StringEquals: { 'acm-pca:TemplateArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':acm-pca:::template/EndEntityCertificate/V1']] } } },
    });
    expect(nagFindings(stack)).toEqual([]);
  });
  test('an external trust anchor without certificates: one HSM, the CSR as an output, no HSM count and no activation yet', () => {
    const stack = newStack();
    const { template, cluster } = build({ trustAnchor: ClusterTrustAnchor.external() }, stack);
    template.hasResourceProperties('Custom::KmiCloudHsmInitialization', { TrustAnchor: 'EXTERNAL' });
    expect(only(template, 'Custom::KmiCloudHsmInitialization')[1].Properties.SignedCertificate).toBeUndefined();
    template.resourceCountIs('Custom::KmiCloudHsmHsms', 0);
    template.resourceCountIs('Custom::KmiCloudHsmActivation', 0);
    expect(Object.values(template.findOutputs('*'))).toEqual([expect.objectContaining({
      Value: { 'Fn::GetAtt': [expect.stringMatching(/^HsmInitialization/), 'ClusterCsr'] },
      Description: expect.stringContaining('sign it with your root, then deploy with ClusterTrustAnchor.external({ signedCertificate, trustAnchorCertificate })'),
    })]);
    expect(cluster.kmsUserPassword).toBeUndefined();
    Annotations.fromStack(stack).hasInfo('/TestStack/Hsm', Match.stringLikeRegexp('left UNINITIALIZED: sign the ClusterCsr output'));
    expect(nagFindings(stack)).toEqual([]);
  });
  test('an external trust anchor with both certificates initializes the cluster and goes on like the others', () => {
    const { template } = build({ trustAnchor: ClusterTrustAnchor.external({ signedCertificate: PEM, trustAnchorCertificate: PEM }) });
    template.hasResourceProperties('Custom::KmiCloudHsmInitialization', { TrustAnchor: 'EXTERNAL', SignedCertificate: PEM, TrustAnchorCertificate: PEM });
    template.resourceCountIs('Custom::KmiCloudHsmHsms', 1);
    template.resourceCountIs('Custom::KmiCloudHsmActivation', 2);
    template.resourceCountIs('AWS::SecretsManager::Secret', activationSecrets(template));
  });
  test('manual activation creates no activation and no passwords', () => {
    const { template, cluster } = build({ activation: ClusterActivation.manual() });
    template.resourceCountIs('Custom::KmiCloudHsmActivation', 0);
    expect(cluster.kmsUserPassword).toBeUndefined();
    expect(cluster.adminPassword).toBeUndefined();
  });
  test('Tags.of tags the cluster', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const cluster = new CloudHsmCluster(stack, 'Hsm', { vpc });
    Tags.of(cluster).add('team', 'payments');
    synth(stack).hasResourceProperties('AWS::CloudHSM::Cluster', { Tags: [{ Key: 'team', Value: 'payments' }] });
  });
  test('two clusters in a stack share one provider', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    new CloudHsmCluster(stack, 'A', { vpc, activation: ClusterActivation.manual() });
    new CloudHsmCluster(stack, 'B', { vpc, activation: ClusterActivation.manual() });
    const template = synth(stack);
    template.resourceCountIs('AWS::CloudHSM::Cluster', 2);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('KmiCloudHsmInitialization') },
    }))).toHaveLength(2);
  });
});

/** Keys and secrets the automatic activation adds (its own construct's concern). */
function activationKeys(template: Template): number {
  return Object.keys(template.findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('kmsuser') } })).length;
}
function activationSecrets(template: Template): number {
  return Object.keys(template.findResources('AWS::SecretsManager::Secret', { Properties: { Description: Match.stringLikeRegexp('^Password of the') } })).length;
}

describe('bad input', () => {
  const refused = (props: Partial<CloudHsmClusterProps>) => () => build(props);

  test.each([
    ['hsmType hsm1.medium (end of life)', { hsmType: CloudHsmType.of('hsm1.medium') }, 'TestStack/Hsm: invalid hsmType: got \'hsm1.medium\'; allowed: \'hsm2m.medium\' or a newer type. hsm1.medium reached its end of life in 2025'],
    ['an hsmType name CloudHSM does not accept', { hsmType: CloudHsmType.of('medium') }, 'TestStack/Hsm: invalid hsmType: got \'medium\'; allowed: an HSM type name such as hsm2m.medium'],
    ['hsmCount 0', { hsmCount: 0 }, 'TestStack/Hsm: invalid hsmCount: got 0; allowed: a whole number from 2 to 32 (1 with allowSingleHsm: true).'],
    ['a fractional hsmCount', { hsmCount: 2.5 }, 'TestStack/Hsm: invalid hsmCount: got 2.5; allowed: a whole number from 2 to 32'],
    ['hsmCount above 32', { hsmCount: 33 }, 'TestStack/Hsm: invalid hsmCount: got 33; allowed: a whole number from 2 to 32'],
    ['one HSM without allowSingleHsm', { hsmCount: 1 }, 'TestStack/Hsm: invalid hsmCount: got 1; allowed: 2 to 32, or 1 with allowSingleHsm: true. One HSM has no high availability'],
    ['backupRetention under 7 days', { backupRetention: Duration.days(6) }, 'TestStack/Hsm: invalid backupRetention: got 6 days; allowed: a whole number of days from 7 to 379.'],
    ['backupRetention over 379 days', { backupRetention: Duration.days(380) }, 'TestStack/Hsm: invalid backupRetention: got 380 days; allowed: a whole number of days from 7 to 379.'],
    ['backupRetention not in whole days', { backupRetention: Duration.hours(200) }, 'TestStack/Hsm: invalid backupRetention: got 8.333333333333334 days; allowed: a whole number of days'],
    ['a parameter name without a leading slash', { trustAnchorParameterName: 'anchor' }, 'TestStack/Hsm: invalid trustAnchorParameterName: got \'anchor\'; allowed: a parameter name that starts with /'],
    ['a parameter name in the reserved aws namespace', { trustAnchorParameterName: '/aws/anchor' }, 'TestStack/Hsm: invalid trustAnchorParameterName: got \'/aws/anchor\'; allowed: a parameter name that starts with /, of letters, digits and _ . - /, at most 1011 characters, not beginning with aws or ssm'],
    ['removalPolicy SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT }, 'TestStack/Hsm: invalid removalPolicy: got snapshot; allowed: RemovalPolicy.RETAIN or RemovalPolicy.DESTROY. CloudHSM backs the cluster up by itself'],
    ['public subnets', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, 'TestStack/Hsm: invalid vpcSubnets: got 3 public subnet(s); allowed: private or isolated subnets of the VPC in at least two Availability Zones, one subnet per zone, at most 10. HSMs never sit in a public subnet'],
    ['subnets in one Availability Zone', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['us-east-1a'] } }, 'TestStack/Hsm: invalid vpcSubnets: got subnets in 1 Availability Zone;'],
    ['a trust anchor valid under a year', { trustAnchor: ClusterTrustAnchor.selfManaged({ validity: Duration.days(100) }) }, 'TestStack/Hsm: invalid trustAnchor validity: got 100 days; allowed: a whole number of days from 365 to 10950.'],
    ['a common name over 64 characters', { trustAnchor: ClusterTrustAnchor.selfManaged({ commonName: 'x'.repeat(65) }) }, 'TestStack/Hsm: invalid trustAnchor commonName: got \'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\' (65 characters); allowed: 1 to 64 characters'],
    ['an external signed certificate without its trust anchor', { trustAnchor: ClusterTrustAnchor.external({ signedCertificate: PEM }) }, 'TestStack/Hsm: invalid trustAnchor (external): got signedCertificate without trustAnchorCertificate; allowed: both certificates, or neither'],
    ['an external trust anchor without the signed certificate', { trustAnchor: ClusterTrustAnchor.external({ trustAnchorCertificate: PEM }) }, 'TestStack/Hsm: invalid trustAnchor (external): got trustAnchorCertificate without signedCertificate;'],
    ['an external certificate that is not PEM', { trustAnchor: ClusterTrustAnchor.external({ signedCertificate: 'not a pem', trustAnchorCertificate: PEM }) }, 'TestStack/Hsm: invalid trustAnchor signedCertificate: got \'not a pem…\'; allowed: one PEM certificate'],
    ['an external certificate over 5000 characters', { trustAnchor: ClusterTrustAnchor.external({ signedCertificate: PEM, trustAnchorCertificate: PEM.repeat(60) }) }, 'TestStack/Hsm: invalid trustAnchor trustAnchorCertificate: got 6660 characters; allowed: one PEM certificate'],
  ])('%s is refused', (_, props, message) => {
    expect(refused(props as Partial<CloudHsmClusterProps>)).toThrow(message);
  });

  test('two subnets in one zone are refused with the fix', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const subnets = [
      ec2.Subnet.fromSubnetAttributes(stack, 'S1', { subnetId: 'subnet-1', availabilityZone: 'us-east-1a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'S2', { subnetId: 'subnet-2', availabilityZone: 'us-east-1a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'S3', { subnetId: 'subnet-3', availabilityZone: 'us-east-1b' }),
    ];
    expect(() => new CloudHsmCluster(stack, 'Hsm', { vpc, vpcSubnets: { subnets } }))
      .toThrow('TestStack/Hsm: invalid vpcSubnets: got 3 subnets in 2 Availability Zone(s); allowed: private or isolated subnets of the VPC in at least two '
        + 'Availability Zones, one subnet per zone, at most 10. A cluster takes one subnet per zone: add onePerAz: true to vpcSubnets.');
  });
  test('a selection with no subnets is refused', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'] });
    expect(() => new CloudHsmCluster(stack, 'Hsm', { vpc, vpcSubnets: { subnets: [] } }))
      .toThrow('TestStack/Hsm: invalid vpcSubnets: got a selection with no subnets;');
  });
  test('a selection the VPC cannot satisfy is refused', () => {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'] });
    expect(() => new CloudHsmCluster(stack, 'Hsm', { vpc }))
      .toThrow(/^TestStack\/Hsm: invalid vpcSubnets: got a selection the VPC cannot satisfy \(.*\); allowed: private or isolated subnets/);
  });
  test('more than ten subnets are refused', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const subnets = Array.from({ length: 11 }, (_, i) => ec2.Subnet.fromSubnetAttributes(stack, `S${i}`, { subnetId: `subnet-${i}`, availabilityZone: `us-east-1${'abcdefghijk'[i]}` }));
    expect(() => new CloudHsmCluster(stack, 'Hsm', { vpc, vpcSubnets: { subnets } }))
      .toThrow('TestStack/Hsm: invalid vpcSubnets: got 11 subnets; allowed: private or isolated subnets of the VPC in at least two Availability Zones, one subnet per zone, at most 10. Select at most 10 zones.');
  });
  test('an imported cluster with an id that is not one is refused', () => {
    const stack = newStack();
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
    expect(() => CloudHsmCluster.fromClusterAttributes(stack, 'Imported', { clusterId: 'my-cluster', securityGroup, trustAnchorParameterName: '/x' }))
      .toThrow('TestStack/Imported: invalid clusterId: got \'my-cluster\'; allowed: a CloudHSM cluster id: cluster- followed by 11 to 16 letters or digits 2-7.');
  });
});

describe('fromClusterAttributes', () => {
  test('gives the attributes, and connections on the HSM ports', () => {
    const stack = newStack();
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
    const imported = CloudHsmCluster.fromClusterAttributes(stack, 'Imported', {
      clusterId: 'cluster-abcdefghijk', securityGroup, trustAnchorParameterName: '/org/anchor',
    });
    expect(imported.clusterId).toBe('cluster-abcdefghijk');
    expect(imported.trustAnchorParameterName).toBe('/org/anchor');
    expect(imported.kmsUserPassword).toBeUndefined();
    expect(imported.connections.securityGroups).toEqual([securityGroup]);
    expect(imported.connections.defaultPort?.toString()).toBe('2223-2225');
  });
});
