import { CloudHSMV2Client, DescribeClustersCommand } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CfnResource, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { mockClient } from 'aws-sdk-client-mock';
import {
  activateCluster, ActivationTarget, AutomaticActivationOptions, ClientInstanceAfterActivation, ClusterActivation,
} from '../../../src/cloudhsm/activation/cluster-activation';
import { activationDocumentContent } from '../../../src/cloudhsm/activation/cluster-activation-document';
import { onEvent } from '../../../src/cloudhsm/activation/handler/on-event.lambda';
import { SYSTEM_CLOCK } from '../../../src/private/handler-kit';
import { ACCOUNT, newStack, REGION, snapshotOf, synth } from '../../util/app';
import { nagFindings } from '../../util/nag';
import { evaluate } from '../../util/simulate';

const CLUSTER = 'cluster-abcdefghijk';
const CLUSTER_SG = 'sg-0123456789abcdef0';
const ANCHOR = '/kmi/cluster-abcdefghijk/trust-anchor';

/** A stack with an imported VPC (private and public subnets in two AZs), the cluster's security group and its initialization. */
function fixture(stack: Stack = newStack()) {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
    publicSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
  });
  const clusterSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ClusterSecurityGroup', CLUSTER_SG);
  const initialization = new CfnResource(stack, 'Initialization', {
    type: 'Custom::KmiCloudHsmInitialization',
    properties: { ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:initialization`, ClusterId: CLUSTER },
  });
  const target = (activation: ClusterActivation, more: Partial<ActivationTarget> = {}): ActivationTarget => ({
    activation,
    clusterId: CLUSTER,
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    clusterSecurityGroup,
    trustAnchorParameterName: ANCHOR,
    removalPolicy: RemovalPolicy.RETAIN,
    dependency: initialization,
    hsmCount: 2,
    ...more,
  });
  return { stack, vpc, target };
}

function automatic(options?: AutomaticActivationOptions, more: Partial<ActivationTarget> = {}) {
  const { stack, target } = fixture();
  const result = activateCluster(stack, 'Activation', target(ClusterActivation.automatic(options), more));
  return { stack, result, template: synth(stack) };
}

function only(template: Template, type: string): [string, any] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0];
}

const policyOf = (template: Template, prefix: string) => Object.values(template.findResources('AWS::IAM::Policy', {
  Properties: { PolicyName: Match.stringLikeRegexp(`^${prefix}`) },
}))[0].Properties.PolicyDocument.Statement;

describe('automatic activation with defaults', () => {
  const { stack, result, template } = automatic();
  const [keyId] = only(template, 'AWS::KMS::Key');
  const secrets = template.findResources('AWS::SecretsManager::Secret');
  const [adminId, kmsUserId] = Object.keys(secrets);

  test('returns two secrets: the admin password and a separate kmsuser password', () => {
    expect(Object.keys(secrets)).toHaveLength(2);
    expect(stack.resolve(result!.adminPassword.secretArn)).toEqual({ Ref: adminId });
    expect(stack.resolve(result!.kmsUserPassword.secretArn)).toEqual({ Ref: kmsUserId });
    expect(adminId).toMatch(/^ActivationAdminPassword/);
    expect(kmsUserId).toMatch(/^ActivationKmsUserPassword/);
  });
  test('Secrets Manager generates each password: 32 letters and digits of every kind, which both CloudHSM and AWS KMS accept', () => {
    for (const secret of Object.values(secrets)) {
      expect(secret.Properties.GenerateSecretString).toEqual({
        PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true,
      });
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });
  test('the secrets are encrypted with a new rotating key, and secrets and key are retained', () => {
    for (const secret of Object.values(secrets)) {
      expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(secret.DeletionPolicy).toBe('Retain');
    }
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });
  test('the client is a small Amazon Linux 2023 instance with IMDSv2 only, no key pair, no public IP and detailed monitoring', () => {
    const [, instance] = only(template, 'AWS::EC2::Instance');
    const p = instance.Properties;
    expect(p.InstanceType).toBe('c6i.large');
    expect(JSON.stringify(p.ImageId)).toContain('al2023amikernel');
    expect(JSON.stringify(p.ImageId)).toContain('x8664');
    expect(p.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(p.KeyName).toBeUndefined();
    expect(p.NetworkInterfaces).toEqual([expect.objectContaining({ AssociatePublicIpAddress: false, SubnetId: 'subnet-0000000000000000a' })]);
    expect(p.Monitoring).toBe(true);
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
  });
  test('the client\'s root volume is encrypted with the key and deleted with the instance', () => {
    const [, instance] = only(template, 'AWS::EC2::Instance');
    expect(instance.Properties.BlockDeviceMappings).toEqual([{
      DeviceName: '/dev/xvda',
      Ebs: { Encrypted: true, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, DeleteOnTermination: true, VolumeSize: 8, VolumeType: 'gp3' },
    }]);
  });
  test('the client security group lets nothing in and only the HSM ports (to the cluster group) and HTTPS out', () => {
    const [, sg] = only(template, 'AWS::EC2::SecurityGroup');
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ DestinationSecurityGroupId: CLUSTER_SG, IpProtocol: 'tcp', FromPort: 2223, ToPort: 2225 }),
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    // Inline rules only: a group with no inline egress rule would keep the default allow-all rule.
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });
  test('the cluster security group admits the client on the HSM ports only', () => {
    const [sgId] = only(template, 'AWS::EC2::SecurityGroup');
    const [, ingress] = only(template, 'AWS::EC2::SecurityGroupIngress');
    expect(ingress.Properties).toEqual(expect.objectContaining({
      GroupId: CLUSTER_SG, SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, IpProtocol: 'tcp', FromPort: 2223, ToPort: 2225,
    }));
  });
  test('the client role may run commands and read the two secrets and the trust anchor parameter, nothing else', () => {
    const statements = policyOf(template, 'ActivationClientRole');
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: 'RunCommandAgent', Resource: '*', Action: expect.arrayContaining(['ssm:UpdateInstanceInformation', 'ec2messages:GetMessages', 'ssmmessages:OpenControlChannel']),
      }),
      expect.objectContaining({ Sid: 'ReadTrustAnchor', Action: 'ssm:GetParameter', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${REGION}:${ACCOUNT}:parameter${ANCHOR}`]] } }),
      expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: adminId } }),
      expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: kmsUserId } }),
    ]);
    expect(JSON.stringify(statements[0].Action)).not.toMatch(/ssm:(GetParameter|SendCommand|GetDocument)|\*"/);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    const [, role] = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('ActivationClientRole'))!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
  test('the command document is the activation document, with its shell steps', () => {
    const [, document] = only(template, 'AWS::SSM::Document');
    expect(document.Properties.DocumentType).toBe('Command');
    expect(document.Properties.Content).toEqual(activationDocumentContent());
    expect(document.Properties.Name).toBeUndefined();
  });
  test('the custom resource carries identifiers only and runs after the initialization, its permissions and the HSM ingress rule', () => {
    const [instanceId] = only(template, 'AWS::EC2::Instance');
    const [documentId] = only(template, 'AWS::SSM::Document');
    const [ingressId] = only(template, 'AWS::EC2::SecurityGroupIngress');
    const [, resource] = only(template, 'Custom::KmiCloudHsmActivation');
    expect(resource.Properties).toEqual({
      ServiceToken: expect.anything(),
      ClusterId: CLUSTER,
      InstanceId: { Ref: instanceId },
      DocumentName: { Ref: documentId },
      AdminPasswordSecretArn: { Ref: adminId },
      KmsUserPasswordSecretArn: { Ref: kmsUserId },
      TrustAnchorParameterName: ANCHOR,
      PackageUrl: 'https://s3.amazonaws.com/cloudhsmv2-software/CloudHsmClient/Amzn2023/cloudhsm-cli-latest.amzn2023.x86_64.rpm',
      ClientAfterActivation: 'TERMINATE',
      Phase: 'ACTIVATE',
    });
    expect(resource.DependsOn).toEqual(expect.arrayContaining(['Initialization', ingressId, expect.stringMatching(/^ActivationHandlerPolicy/)]));
  });
  test('the coverage check has the same identifiers, the HSM count, and runs after the activation and the given HSMs', () => {
    const f = fixture();
    const activation = activateCluster(f.stack, 'Activation', f.target(ClusterActivation.automatic()))!;
    const hsms = new CfnResource(f.stack, 'Hsms', { type: 'Custom::KmiCloudHsmHsms', properties: { ServiceToken: 'token' } });
    activation.checkCoverageAfter(hsms);
    const t = synth(f.stack);
    const resources = Object.entries(t.findResources('Custom::KmiCloudHsmActivation'));
    const [activateId, activate] = resources.find(([, r]) => r.Properties.Phase === 'ACTIVATE')!;
    const [, check] = resources.find(([, r]) => r.Properties.Phase === 'CHECK_COVERAGE')!;
    const { Phase: _a, ...activateProps } = activate.Properties;
    const { Phase: _c, HsmCount, ...checkProps } = check.Properties;
    expect(checkProps).toEqual(activateProps);
    expect(HsmCount).toBe('2');
    expect(check.DependsOn).toEqual(expect.arrayContaining([activateId, 'Hsms']));
    expect(activate.DependsOn).not.toContain('Hsms');
  });
  test('the handlers may send this document to this client, see its state, start and terminate it, and read no secret', () => {
    const [instanceId] = only(template, 'AWS::EC2::Instance');
    const [documentId] = only(template, 'AWS::SSM::Document');
    const instanceArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:${REGION}:${ACCOUNT}:instance/`, { Ref: instanceId }]] };
    expect(policyOf(template, 'ActivationHandlerPolicy')).toEqual([
      expect.objectContaining({ Action: ['cloudhsm:DescribeClusters', 'ec2:DescribeInstances', 'ssm:GetCommandInvocation'], Resource: '*' }),
      expect.objectContaining({
        Action: 'ssm:SendCommand',
        Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${REGION}:${ACCOUNT}:document/`, { Ref: documentId }]] }, instanceArn],
      }),
      expect.objectContaining({ Action: ['ec2:StartInstances', 'ec2:TerminateInstances'], Resource: instanceArn }),
    ]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^KmiCloudHsmActivationProvider') } })))
      .not.toMatch(/secretsmanager|kms:/);
  });
  test('one provider with an isComplete handler waits up to 40 minutes (CloudFormation waits an hour at most), polling every 30 seconds', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiCloudHsmActivation (onEvent)', Timeout: 900 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiCloudHsmActivation (isComplete)' });
    const machine = JSON.stringify(only(template, 'AWS::StepFunctions::StateMachine')[1].Properties.DefinitionString);
    expect(machine).toContain('\\"IntervalSeconds\\":30');
    expect(machine).toContain('\\"MaxAttempts\\":80');
  });
  test('compliance packs report nothing', () => {
    const { stack: s, target } = fixture();
    activateCluster(s, 'Activation', target(ClusterActivation.automatic()));
    expect(nagFindings(s)).toEqual([]);
  });
  test.each([ClientInstanceAfterActivation.STOP, ClientInstanceAfterActivation.KEEP_RUNNING])(
    'compliance packs report nothing with clientAfterActivation %s', (clientAfterActivation) => {
      const { stack: s, target } = fixture();
      activateCluster(s, 'Activation', target(ClusterActivation.automatic({ clientAfterActivation })));
      expect(nagFindings(s)).toEqual([]);
    });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });
});

describe('the client role, evaluated', () => {
  const { template } = automatic();
  const json = template.toJSON();
  const [roleId] = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('ActivationClientRole'));
  const [keyId, key] = only(template, 'AWS::KMS::Key');
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/${roleId}`;
  const concrete = (value: unknown): any => JSON.parse(JSON.stringify(value)
    .replace(/\{"Ref":"AWS::Partition"\}/g, '"aws"')
    .replace(/\{"Fn::GetAtt":\["(\w+)","Arn"\]\}/g, (_, id: string) => `"arn:aws:iam::${ACCOUNT}:role/${id}"`)
    .replace(/\{"Ref":"(ActivationAdminPassword\w+)"\}/g, `"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:admin-AbCdEf"`)
    .replace(/\{"Ref":"(ActivationKmsUserPassword\w+)"\}/g, `"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:kmsuser-GhIjKl"`)
    .replace(/\{"Fn::Join":\["",\[((?:"[^"]*",?)+)\]\]\}/g, (_, parts: string) => JSON.stringify(JSON.parse(`[${parts}]`).join(''))));
  const identityPolicies = Object.entries(json.Resources)
    .filter(([, r]: [string, any]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
    .map(([id, r]: [string, any]) => ({ name: id, policy: concrete(r.Properties.PolicyDocument) }));
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
  const as = (action: string, resource: string, context: Record<string, string> = {}, resourcePolicy?: unknown) =>
    evaluate({ principal: roleArn, action, resource, identityPolicies, resourcePolicy, context });

  test('may read both password secrets', async () => {
    expect(await as('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:admin-AbCdEf`)).toBe('Allowed');
    expect(await as('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:kmsuser-GhIjKl`)).toBe('Allowed');
  });
  test('may not read any other secret or parameter', async () => {
    expect(await as('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:database-XyZ123`)).toBe('ImplicitlyDenied');
    expect(await as('ssm:GetParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/other`)).toBe('ImplicitlyDenied');
    expect(await as('ssm:GetParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${ANCHOR}`)).toBe('Allowed');
  });
  test('may decrypt with the key through Secrets Manager only', async () => {
    const keyPolicy = concrete(key.Properties.KeyPolicy);
    expect(await as('kms:Decrypt', keyArn, { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT }, keyPolicy)).toBe('Allowed');
    expect(await as('kms:Decrypt', keyArn, { 'kms:CallerAccount': ACCOUNT }, keyPolicy)).toBe('ImplicitlyDenied');
  });
  test('may not run commands or change instances itself', async () => {
    expect(await as('ssm:SendCommand', `arn:aws:ssm:${REGION}:${ACCOUNT}:document/AWS-RunShellScript`)).toBe('ImplicitlyDenied');
    expect(await as('ec2:TerminateInstances', `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`)).toBe('ImplicitlyDenied');
  });
});

describe('no password in the template, the command or the responses', () => {
  const PASSWORD = 'Kn0wnPassw0rdThatMustNeverLeak00';
  // The CloudHSM client installed here (3.332) predates the Smithy types of aws-sdk-client-mock, hence the loose type.
  const cloudHsm: any = mockClient(CloudHSMV2Client as any);
  const ssm = mockClient(SSMClient);
  const ec2Api = mockClient(EC2Client);
  afterAll(() => {
    cloudHsm.restore();
    ssm.restore();
    ec2Api.restore();
  });

  test('the handler, fed the synthesized properties, sends and returns identifiers only', async () => {
    const { template } = automatic();
    const [, resource] = only(template, 'Custom::KmiCloudHsmActivation');
    // CloudFormation would give these values; the password exists only inside Secrets Manager.
    const properties = JSON.parse(JSON.stringify(resource.Properties)
      .replace(/\{"Ref":"ActivationClient\w+"\}/, '"i-0123456789abcdef0"')
      .replace(/\{"Ref":"ActivationDocument\w+"\}/, '"TestStack-ActivationDocument-AbC123"')
      .replace(/\{"Ref":"ActivationAdminPassword\w+"\}/, `"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:admin-AbCdEf"`)
      .replace(/\{"Ref":"ActivationKmsUserPassword\w+"\}/, `"arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:kmsuser-GhIjKl"`));
    const hsm = { ClusterId: CLUSTER, HsmId: 'hsm-a', State: 'ACTIVE', EniIp: '10.0.1.10' };
    cloudHsm.on(DescribeClustersCommand).resolves({ Clusters: [{ ClusterId: CLUSTER, State: 'INITIALIZED', Hsms: [hsm] }] as any });
    ec2Api.on(StartInstancesCommand).resolves({});
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
    const result = await onEvent({
      RequestType: 'Create',
      ServiceToken: 't',
      ResponseURL: 'https://example.invalid',
      StackId: 's',
      RequestId: 'r-1',
      LogicalResourceId: 'Activation',
      ResourceType: 'Custom::KmiCloudHsmActivation',
      ResourceProperties: properties,
    }, {
      cloudhsm: new CloudHSMV2Client({ region: REGION }),
      ssm: new SSMClient({ region: REGION }),
      ec2: new EC2Client({ region: REGION }),
      clock: SYSTEM_CLOCK,
    });
    const sent = ssm.commandCalls(SendCommandCommand)[0].args[0].input;
    expect(sent.Parameters!.AdminPasswordSecretArn).toEqual([`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:admin-AbCdEf`]);
    const everything = JSON.stringify([template.toJSON(), sent, result]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toMatch(/"SecretString"/);
  });
});

describe('options', () => {
  test('a Graviton instance type gets the ARM64 image and the aarch64 package', () => {
    const { template } = automatic({ instanceType: new ec2.InstanceType('t4g.micro') });
    const [, instance] = only(template, 'AWS::EC2::Instance');
    expect(instance.Properties.InstanceType).toBe('t4g.micro');
    expect(JSON.stringify(instance.Properties.ImageId)).toContain('arm64');
    template.hasResourceProperties('Custom::KmiCloudHsmActivation', {
      PackageUrl: 'https://s3.amazonaws.com/cloudhsmv2-software/CloudHsmClient/Amzn2023/cloudhsm-cli-latest.amzn2023.aarch64.rpm',
    });
  });
  test('clientAfterActivation STOP lets the handlers start and stop the client, not terminate it', () => {
    const { template } = automatic({ clientAfterActivation: ClientInstanceAfterActivation.STOP });
    template.hasResourceProperties('Custom::KmiCloudHsmActivation', { ClientAfterActivation: 'STOP' });
    expect(policyOf(template, 'ActivationHandlerPolicy')[2].Action).toEqual(['ec2:StartInstances', 'ec2:StopInstances']);
  });
  test('a client that may be started again lets the handlers use the volume key through EC2 (starting it attaches the encrypted volume)', () => {
    const { template } = automatic({ clientAfterActivation: ClientInstanceAfterActivation.STOP });
    const [keyId] = only(template, 'AWS::KMS::Key');
    expect(policyOf(template, 'ActivationHandlerPolicy')[3]).toEqual(expect.objectContaining({
      Action: expect.arrayContaining(['kms:CreateGrant', 'kms:Decrypt']),
      Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': `ec2.${REGION}.amazonaws.com` } },
    }));
  });
  test('clientAfterActivation KEEP_RUNNING lets the handlers only start the client', () => {
    const { template } = automatic({ clientAfterActivation: ClientInstanceAfterActivation.KEEP_RUNNING });
    template.hasResourceProperties('Custom::KmiCloudHsmActivation', { ClientAfterActivation: 'KEEP_RUNNING' });
    expect(policyOf(template, 'ActivationHandlerPolicy')[2].Action).toBe('ec2:StartInstances');
    expect(policyOf(template, 'ActivationHandlerPolicy')).toHaveLength(4);
  });
  test('vpcSubnets places the client', () => {
    const { stack, vpc, target } = fixture();
    activateCluster(stack, 'Activation', target(ClusterActivation.automatic({ vpcSubnets: { subnets: [vpc.privateSubnets[1]] } })));
    const [, instance] = only(synth(stack), 'AWS::EC2::Instance');
    expect(instance.Properties.NetworkInterfaces[0].SubnetId).toBe('subnet-0000000000000000b');
  });
  test('httpsEgressPeer narrows the HTTPS egress, still as an inline rule', () => {
    const { template } = automatic({ httpsEgressPeer: ec2.Peer.prefixList('pl-0123456789abcdef0') });
    const [, sg] = only(template, 'AWS::EC2::SecurityGroup');
    expect(sg.Properties.SecurityGroupEgress[1]).toEqual(expect.objectContaining({ DestinationPrefixListId: 'pl-0123456789abcdef0', FromPort: 443, ToPort: 443 }));
    expect(sg.Properties.SecurityGroupEgress).toHaveLength(2);
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });
  test('cloudHsmCliPackageUrl points the client at a mirror', () => {
    const { template } = automatic({ cloudHsmCliPackageUrl: 'https://mirror.example.com/cloudhsm/cloudhsm-cli-5.17.0-1.amzn2023.x86_64.rpm' });
    template.hasResourceProperties('Custom::KmiCloudHsmActivation', { PackageUrl: 'https://mirror.example.com/cloudhsm/cloudhsm-cli-5.17.0-1.amzn2023.x86_64.rpm' });
  });
  test('encryptionKey encrypts the secrets and the root volume, and no key is created', () => {
    const { stack, target } = fixture();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111');
    activateCluster(stack, 'Activation', target(ClusterActivation.automatic({ encryptionKey: key })));
    const template = synth(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.allResourcesProperties('AWS::SecretsManager::Secret', { KmsKeyId: key.keyArn });
    const [, instance] = only(template, 'AWS::EC2::Instance');
    expect(instance.Properties.BlockDeviceMappings[0].Ebs.KmsKeyId).toBe(key.keyArn);
  });
  test('removal policy DESTROY deletes the secrets and the key with the stack', () => {
    const { template } = automatic({}, { removalPolicy: RemovalPolicy.DESTROY });
    template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
  test('a trust anchor parameter name that is a token still gives the parameter\'s ARN, with or without a leading slash', () => {
    for (const [name, expected] of [['/kmi/anchor', 'parameter/kmi/anchor'], ['kmi-anchor', 'parameter/kmi-anchor']]) {
      const { template } = automatic({}, { trustAnchorParameterName: Lazy.string({ produce: () => name }) });
      const resource = policyOf(template, 'ActivationClientRole').find((s: any) => s.Sid === 'ReadTrustAnchor').Resource;
      expect(cfnEvaluate(resource)).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:${expected}`);
    }
  });
  test('two activations in a stack share one provider', () => {
    const { stack, target } = fixture();
    activateCluster(stack, 'One', target(ClusterActivation.automatic()));
    activateCluster(stack, 'Two', target(ClusterActivation.automatic(), { clusterId: 'cluster-bbbbbbbbbbb' }));
    const template = synth(stack);
    template.resourceCountIs('Custom::KmiCloudHsmActivation', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});

describe('isolated subnets', () => {
  function isolated(options: AutomaticActivationOptions = {}) {
    return Annotations.fromStack(isolatedStack(options));
  }
  function isolatedStack(options: AutomaticActivationOptions = {}) {
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'IsolatedVpc', {
      vpcId: 'vpc-0123456789abcdef1', availabilityZones: ['us-east-1a'], isolatedSubnetIds: ['subnet-0000000000000000e'],
    });
    const { target } = fixture(stack);
    activateCluster(stack, 'Activation', target(ClusterActivation.automatic(options), { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }));
    return stack;
  }
  test('a client in isolated subnets draws a warning that lists the endpoints and the mirror it needs', () => {
    isolated().hasWarning('/TestStack/Activation', Match.stringLikeRegexp(
      'runs in isolated subnets: it needs VPC interface endpoints for ssm, ssmmessages, ec2messages and secretsmanager, an S3 gateway endpoint '
      + 'for the Amazon Linux repositories, and cloudHsmCliPackageUrl pointing at a mirror'));
  });
  test('with a mirror, the warning asks for it to be reachable', () => {
    isolated({ cloudHsmCliPackageUrl: 'https://mirror.example.com/cli.rpm' })
      .hasWarning('/TestStack/Activation', Match.stringLikeRegexp('and your package mirror reachable over HTTPS'));
  });
  test('a client in private subnets with egress draws no such warning', () => {
    const { stack } = automatic();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('activationClientIsolated'))).toEqual([]);
    expect(Annotations.fromStack(isolatedStack()).findWarning('*', Match.stringLikeRegexp('activationClientIsolated'))).toHaveLength(1);
  });
});

describe('bad input', () => {
  test('a package URL that is not HTTPS is refused', () => {
    const { stack, target } = fixture();
    expect(() => activateCluster(stack, 'Activation', target(ClusterActivation.automatic({ cloudHsmCliPackageUrl: 'http://mirror.example.com/cli.rpm' }))))
      .toThrow('TestStack/Activation: invalid cloudHsmCliPackageUrl: got \'http://mirror.example.com/cli.rpm\'; allowed: an https:// URL of letters, digits '
        + 'and . _ ~ % / + - (no query string). The client downloads the package over HTTPS only; put the RPM on an HTTPS mirror the client can reach.');
  });
  test('public subnets for the client are refused', () => {
    const { stack, target } = fixture();
    expect(() => activateCluster(stack, 'Activation', target(ClusterActivation.automatic({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))))
      .toThrow('TestStack/Activation: invalid vpcSubnets: got public subnets; allowed: private subnets with egress, or isolated subnets with VPC endpoints '
        + 'and a package mirror. The activation client has no public IP address, so in a public subnet it reaches nothing. '
        + 'Choose private subnets with ClusterActivation.automatic({ vpcSubnets }).');
  });
  test('public cluster subnets, without vpcSubnets for the client, are refused', () => {
    const { stack, target } = fixture();
    expect(() => activateCluster(stack, 'Activation', target(ClusterActivation.automatic(), { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })))
      .toThrow(/^TestStack\/Activation: invalid vpcSubnets \(the cluster's\): got public subnets/);
  });
  test('a package URL that is a token is not checked at synth', () => {
    const { stack, target } = fixture();
    expect(() => activateCluster(stack, 'Activation', target(ClusterActivation.automatic({ cloudHsmCliPackageUrl: Lazy.string({ produce: () => 'http://x' }) }))))
      .not.toThrow();
  });
});

describe('manual activation', () => {
  test('creates nothing, returns no secrets and says the cluster stays INITIALIZED', () => {
    const { stack, target } = fixture();
    const before = Object.keys(synth(stack).toJSON().Resources ?? {});
    const result = activateCluster(stack, 'Activation', target(ClusterActivation.manual()));
    expect(result).toBeUndefined();
    expect(Object.keys(synth(stack).toJSON().Resources ?? {})).toEqual(before);
    Annotations.fromStack(stack).hasInfo('/TestStack', Match.stringLikeRegexp(`The CloudHSM cluster ${CLUSTER} is left INITIALIZED \\(ClusterActivation.manual\\(\\)\\)`));
  });
  test('ClusterActivation says which mode it is', () => {
    expect(ClusterActivation.manual().isAutomatic).toBe(false);
    expect(ClusterActivation.automatic().isAutomatic).toBe(true);
  });
});

/** Evaluates Fn::Join, Fn::Split and AWS::Partition as CloudFormation would. */
function cfnEvaluate(value: any): any {
  if (typeof value === 'string' || Array.isArray(value)) {
    return Array.isArray(value) ? value.map(cfnEvaluate) : value;
  }
  if (value.Ref === 'AWS::Partition') {
    return 'aws';
  }
  if (value['Fn::Join']) {
    const [sep, parts] = value['Fn::Join'];
    return (cfnEvaluate(parts) as string[]).flat().join(sep);
  }
  if (value['Fn::Split']) {
    const [sep, source] = value['Fn::Split'];
    return (cfnEvaluate(source) as string).split(sep);
  }
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}
