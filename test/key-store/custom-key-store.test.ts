import { CfnResource, RemovalPolicy, Resource, SecretValue, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CfnCloudHsmClusterResource } from '../../src/cloudhsm/cluster/cfn-cloudhsm-cluster';
import { ICloudHsmCluster } from '../../src/cloudhsm/cluster/cloudhsm-cluster-ref';
import { CustomKeyStore, CustomKeyStoreProps, KeyStoreSource, XksProxyConnectivity } from '../../src/key-store/custom-key-store';
import { CustomKeyStoreType } from '../../src/key-store/custom-key-store-ref';
import { ACCOUNT, newStack, snapshotOf, synth } from '../util/app';
import { nagFindings } from '../util/nag';
import { TemplateResolver } from '../util/resolve';
import { evaluate } from '../util/simulate';

const PASSWORD_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:kmsuser-AbCdEf`;
const OTHER_PASSWORD_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:kmsuser2-GhIjKl`;
const CREDENTIAL_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:xks-MnOpQr`;
const SECRET_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const TRUST_ANCHOR_PARAMETER = '/kmi/cluster-abcdefghijk/trust-anchor';

/** A cluster as `CloudHsmCluster` presents it: an id, a trust anchor parameter, a kmsuser password, and resources of its own. */
class FakeCluster extends Resource implements ICloudHsmCluster {
  public readonly clusterId: string;
  public readonly trustAnchorParameterName = TRUST_ANCHOR_PARAMETER;
  public readonly connections = new ec2.Connections();
  public readonly kmsUserPassword?: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, options: { password?: boolean; clusterId?: string } = {}) {
    super(scope, id);
    // The cluster resource as CloudHsmCluster writes it, so the store's dependency on it is real and the template is valid.
    new CfnCloudHsmClusterResource(this, 'Resource', {
      HsmType: 'hsm2m.medium',
      Mode: 'FIPS',
      NetworkType: 'IPV4',
      SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      BackupRetentionPolicy: { Type: 'DAYS', Value: '90' },
    });
    this.clusterId = options.clusterId ?? 'cluster-abcdefghijk';
    this.kmsUserPassword = options.password === false ? undefined : secretsmanager.Secret.fromSecretAttributes(this, 'KmsUserPassword', {
      secretCompleteArn: PASSWORD_ARN,
      encryptionKey: kms.Key.fromKeyArn(this, 'SecretKey', SECRET_KEY_ARN),
    });
  }
}

function cloudHsmStore(stack: Stack, props: Partial<CustomKeyStoreProps> = {}, cluster = new FakeCluster(stack, 'Cluster')) {
  return new CustomKeyStore(stack, 'Store', { source: KeyStoreSource.cloudHsm({ cluster }), ...props });
}

function xksSource(stack: Stack, overrides: Partial<{ uriEndpoint: string; uriPath: string; connectivity: XksProxyConnectivity }> = {}) {
  return KeyStoreSource.externalKeyStoreProxy({
    uriEndpoint: 'https://xks.example.com',
    uriPath: '/example/kms/xks/v1',
    connectivity: XksProxyConnectivity.publicEndpoint(),
    credential: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credential', CREDENTIAL_ARN),
    ...overrides,
  });
}

/** The statements of the store's own handler policy. */
function handlerStatements(template: Template) {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('^StoreHandlerPolicy') } });
  const [policy] = Object.values(policies);
  return policy.Properties.PolicyDocument.Statement;
}

describe('a CloudHSM store with defaults', () => {
  const stack = newStack();
  const cluster = new FakeCluster(stack, 'Cluster');
  const store = cloudHsmStore(stack, {}, cluster);
  const template = synth(stack);

  test('a custom resource creates it from the cluster id, the trust anchor parameter and the cluster\'s kmsuser password secret', () => {
    template.hasResourceProperties('Custom::KmiCustomKeyStore', {
      CustomKeyStoreType: 'AWS_CLOUDHSM',
      CustomKeyStoreName: 'TestStack-Store',
      RemovalPolicy: 'RETAIN',
      CloudHsmClusterId: 'cluster-abcdefghijk',
      TrustAnchorParameterName: TRUST_ANCHOR_PARAMETER,
      KmsUserPasswordSecretArn: PASSWORD_ARN,
    });
  });
  test('it is retained by CloudFormation on removal and replacement', () => {
    template.hasResource('Custom::KmiCustomKeyStore', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
  test('the template holds no secret value, only where to read it', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/resolve:secretsmanager|SecretString|KeyStorePassword/);
  });
  test('its id is the custom resource\'s physical id, and its type is AWS_CLOUDHSM', () => {
    expect(stack.resolve(store.customKeyStoreId)).toEqual({ Ref: expect.stringMatching(/^Store/) });
    expect(store.customKeyStoreType).toBe(CustomKeyStoreType.AWS_CLOUDHSM);
    expect(store.customKeyStoreName).toBe('TestStack-Store');
  });
  test('it is created after its handler policy and after everything the cluster builds', () => {
    const [resource] = Object.values(template.findResources('Custom::KmiCustomKeyStore'));
    const clusterId = stack.getLogicalId(cluster.node.defaultChild as CfnResource);
    expect(resource.DependsOn).toEqual(expect.arrayContaining([clusterId, expect.stringMatching(/^StoreHandlerPolicy/)]));
  });
  test('the provider waits up to 45 minutes, asking every 30 seconds, and onEvent may take 10 minutes', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiCustomKeyStore (onEvent)', Timeout: 600 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: 'cdk-kmi: Custom::KmiCustomKeyStore (isComplete)', Timeout: 60 });
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":30');
    expect(definition).toContain('\\"MaxAttempts\\":90');
  });
  test('the handler policy allows the store operations, DescribeClusters, KMS\'s service-linked role, the parameter and the secret, nothing else', () => {
    expect(handlerStatements(template)).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:ConnectCustomKeyStore', 'kms:CreateCustomKeyStore', 'kms:DescribeCustomKeyStores', 'kms:DisconnectCustomKeyStore', 'kms:UpdateCustomKeyStore'],
        Resource: '*',
      },
      { Effect: 'Allow', Action: 'cloudhsm:DescribeClusters', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/aws-service-role/cks.kms.amazonaws.com/AWSServiceRoleForKeyManagementServiceCustomKeyStores`]],
        },
        Condition: { StringEquals: { 'iam:AWSServiceName': 'cks.kms.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:${ACCOUNT}:parameter${TRUST_ANCHOR_PARAMETER}`]] },
      },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: PASSWORD_ARN },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: SECRET_KEY_ARN,
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      },
    ]);
  });
  test('compliance packs report nothing', () => {
    const s = newStack();
    cloudHsmStore(s);
    expect(nagFindings(s)).toEqual([]);
  });
  test('snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });

  describe('the handler policy, evaluated', () => {
    const resolver = new TemplateResolver(template.toJSON());
    const role = resolver.logicalId('AWS::IAM::Role', 'KmiCustomKeyStoreProviderHandlerRole');
    const policy = resolver.logicalId('AWS::IAM::Policy', 'StoreHandlerPolicy');
    // A key policy that leaves the key's use to IAM policies, as a key policy must for the handler policy to count.
    const keyPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
    };
    const ask = (action: string, resource: string, context: Record<string, string> = {}) => evaluate({
      principal: resolver.roleArn(role),
      action,
      resource,
      context,
      identityPolicies: [{ name: policy, policy: resolver.properties(policy).PolicyDocument }],
      resourcePolicy: resource === SECRET_KEY_ARN ? keyPolicy : undefined,
    });
    const parameter = (name: string) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter${name}`;

    test('may read the kmsuser password secret, and no other secret', async () => {
      expect(await ask('secretsmanager:GetSecretValue', PASSWORD_ARN)).toBe('Allowed');
      expect(await ask('secretsmanager:GetSecretValue', OTHER_PASSWORD_ARN)).toBe('ImplicitlyDenied');
    });
    test('may decrypt with the secret\'s key only through Secrets Manager', async () => {
      expect(await ask('kms:Decrypt', SECRET_KEY_ARN, { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' })).toBe('Allowed');
      expect(await ask('kms:Decrypt', SECRET_KEY_ARN)).toBe('ImplicitlyDenied');
      expect(await ask('kms:Decrypt', SECRET_KEY_ARN, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).toBe('ImplicitlyDenied');
    });
    test('may read the trust anchor parameter, and no other parameter', async () => {
      expect(await ask('ssm:GetParameter', parameter(TRUST_ANCHOR_PARAMETER))).toBe('Allowed');
      expect(await ask('ssm:GetParameter', parameter('/kmi/other/secret'))).toBe('ImplicitlyDenied');
      expect(await ask('ssm:GetParameters', parameter(TRUST_ANCHOR_PARAMETER))).toBe('ImplicitlyDenied');
    });
    test('may create KMS\'s custom key store service-linked role, and no other role', async () => {
      const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/cks.kms.amazonaws.com/AWSServiceRoleForKeyManagementServiceCustomKeyStores`;
      expect(await ask('iam:CreateServiceLinkedRole', slr, { 'iam:AWSServiceName': 'cks.kms.amazonaws.com' })).toBe('Allowed');
      expect(await ask('iam:CreateServiceLinkedRole', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS`,
        { 'iam:AWSServiceName': 'rds.amazonaws.com' })).toBe('ImplicitlyDenied');
    });
    test('may not delete the store, list or describe keys, or use any key, when the store is retained', async () => {
      expect(await ask('kms:DeleteCustomKeyStore', '*')).toBe('ImplicitlyDenied');
      expect(await ask('kms:ListKeys', '*')).toBe('ImplicitlyDenied');
      expect(await ask('kms:DescribeKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`)).toBe('ImplicitlyDenied');
      expect(await ask('kms:Encrypt', SECRET_KEY_ARN)).toBe('ImplicitlyDenied');
    });
  });
});

describe('sources', () => {
  test('a kmsUserPassword given is used instead of the cluster\'s', () => {
    const stack = newStack();
    const cluster = new FakeCluster(stack, 'Cluster');
    new CustomKeyStore(stack, 'Store', {
      source: KeyStoreSource.cloudHsm({ cluster, kmsUserPassword: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Pw', OTHER_PASSWORD_ARN) }),
    });
    const template = synth(stack);
    template.hasResourceProperties('Custom::KmiCustomKeyStore', { KmsUserPasswordSecretArn: OTHER_PASSWORD_ARN });
    expect(handlerStatements(template)).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: OTHER_PASSWORD_ARN });
    expect(JSON.stringify(handlerStatements(template))).not.toContain(PASSWORD_ARN);
  });

  test('a secret given by name is matched with Secrets Manager\'s six-character suffix', () => {
    const stack = newStack();
    const cluster = new FakeCluster(stack, 'Cluster', { password: false });
    new CustomKeyStore(stack, 'Store', {
      source: KeyStoreSource.cloudHsm({ cluster, kmsUserPassword: secretsmanager.Secret.fromSecretNameV2(stack, 'Pw', 'kmi/kmsuser') }),
    });
    const template = synth(stack);
    const statement = handlerStatements(template).find((s: any) => s.Action === 'secretsmanager:GetSecretValue');
    expect(JSON.stringify(statement.Resource)).toContain(':secret:kmi/kmsuser-??????');
    expect(nagFindings(stack)).toEqual([]);
  });

  test('an external key store with a public endpoint', () => {
    const stack = newStack();
    const store = new CustomKeyStore(stack, 'Store', { source: xksSource(stack) });
    const template = synth(stack);
    template.hasResourceProperties('Custom::KmiCustomKeyStore', {
      CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
      XksProxyUriEndpoint: 'https://xks.example.com',
      XksProxyUriPath: '/example/kms/xks/v1',
      XksProxyConnectivity: 'PUBLIC_ENDPOINT',
      XksProxyCredentialSecretArn: CREDENTIAL_ARN,
      XksProxyVpcEndpointServiceName: Match.absent(),
      CloudHsmClusterId: Match.absent(),
    });
    expect(store.customKeyStoreType).toBe(CustomKeyStoreType.EXTERNAL_KEY_STORE);
    expect(handlerStatements(template)).toEqual([
      expect.objectContaining({ Action: expect.arrayContaining(['kms:CreateCustomKeyStore']), Resource: '*' }),
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: CREDENTIAL_ARN },
    ]);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('an external key store with a VPC endpoint service of another account', () => {
    const stack = newStack();
    new CustomKeyStore(stack, 'Store', {
      source: xksSource(stack, {
        uriEndpoint: 'https://xks.internal.example.com',
        connectivity: XksProxyConnectivity.vpcEndpointService('com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', '222222222222'),
      }),
    });
    synth(stack).hasResourceProperties('Custom::KmiCustomKeyStore', {
      XksProxyConnectivity: 'VPC_ENDPOINT_SERVICE',
      XksProxyVpcEndpointServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      XksProxyVpcEndpointServiceOwner: '222222222222',
    });
  });

  test('the sources say which type of store they make', () => {
    const stack = newStack();
    expect(KeyStoreSource.cloudHsm({ cluster: new FakeCluster(stack, 'Cluster') }).customKeyStoreType).toBe(CustomKeyStoreType.AWS_CLOUDHSM);
    expect(xksSource(stack).customKeyStoreType).toBe(CustomKeyStoreType.EXTERNAL_KEY_STORE);
  });
});

describe('props', () => {
  test('customKeyStoreName is used', () => {
    const stack = newStack();
    cloudHsmStore(stack, { customKeyStoreName: 'payments-hsm' });
    synth(stack).hasResourceProperties('Custom::KmiCustomKeyStore', { CustomKeyStoreName: 'payments-hsm' });
  });

  test('default names are the stack name and path, distinct per store, at most 256 characters', () => {
    const stack = new Stack(newStack().node.root as any, 'Other', { stackName: 'payments-prod' });
    const deep = new Construct(new Construct(stack, 'A'.repeat(200)), 'B'.repeat(100));
    const cluster = new FakeCluster(stack, 'Cluster');
    const one = new CustomKeyStore(deep, 'Store', { source: KeyStoreSource.cloudHsm({ cluster }) });
    const two = new CustomKeyStore(stack, 'Store', { source: KeyStoreSource.cloudHsm({ cluster }) });
    expect(two.customKeyStoreName).toBe('payments-prod-Store');
    expect(one.customKeyStoreName).toHaveLength(256);
    expect(one.customKeyStoreName).toMatch(/^payments-prod-AAAA.*-[0-9a-f]{8}$/);
  });

  test('removalPolicy DESTROY deletes the store with the stack, and lets the handler find its keys and delete it', async () => {
    const stack = newStack();
    cloudHsmStore(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const template = synth(stack);
    template.hasResource('Custom::KmiCustomKeyStore', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ RemovalPolicy: 'DESTROY' }) });
    const statements = handlerStatements(template);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['kms:DeleteCustomKeyStore', 'kms:DescribeKey', 'kms:ListKeys'], Resource: '*' });
    expect(nagFindings(stack)).toEqual([]);
  });

  test('applyRemovalPolicy(DESTROY) after construction has the same effect as the prop', () => {
    const stack = newStack();
    cloudHsmStore(stack).applyRemovalPolicy(RemovalPolicy.DESTROY);
    const template = synth(stack);
    template.hasResource('Custom::KmiCustomKeyStore', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ RemovalPolicy: 'DESTROY' }) });
    expect(handlerStatements(template)).toContainEqual(expect.objectContaining({ Action: ['kms:DeleteCustomKeyStore', 'kms:DescribeKey', 'kms:ListKeys'] }));
    expect(nagFindings(stack)).toEqual([]);
  });

  test('stores of a stack share one provider', () => {
    const stack = newStack();
    const cluster = new FakeCluster(stack, 'Cluster');
    new CustomKeyStore(stack, 'One', { source: KeyStoreSource.cloudHsm({ cluster }) });
    new CustomKeyStore(stack, 'Two', { source: xksSource(stack) });
    const template = synth(stack);
    template.resourceCountIs('Custom::KmiCustomKeyStore', 2);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('Custom::KmiCustomKeyStore') },
    }))).toHaveLength(2);
  });

  test('a trust anchor parameter name known only at deployment is allowed in both ARN forms', () => {
    const stack = newStack();
    const cluster = new FakeCluster(stack, 'Cluster');
    Object.defineProperty(cluster, 'trustAnchorParameterName', { value: Token.asString({ Ref: 'ParameterName' }) });
    new CustomKeyStore(stack, 'Store', { source: KeyStoreSource.cloudHsm({ cluster }) });
    const statement = stack.resolve(
      (stack.node.findChild('Store').node.findChild('HandlerPolicy') as any).document.toJSON().Statement.find((s: any) => s.Action === 'ssm:GetParameter'));
    expect(statement.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:${ACCOUNT}:parameter`, { Ref: 'ParameterName' }]] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:${ACCOUNT}:parameter/`, { Ref: 'ParameterName' }]] },
    ]);
  });

  test('fromCustomKeyStoreAttributes imports a store', () => {
    const stack = newStack();
    const store = CustomKeyStore.fromCustomKeyStoreAttributes(stack, 'Imported', {
      customKeyStoreId: 'cks-1234567890abcdef0', customKeyStoreType: CustomKeyStoreType.EXTERNAL_KEY_STORE,
    });
    expect(store.customKeyStoreId).toBe('cks-1234567890abcdef0');
    expect(store.customKeyStoreType).toBe(CustomKeyStoreType.EXTERNAL_KEY_STORE);
    // Importing adds nothing to the template: the empty stack is the point, so it is checked without recording it for
    // cfn-lint (a template without Resources is not a deployable one).
    expect(Template.fromStack(stack).toJSON().Resources).toBeUndefined();
  });
});

describe('the kmsuser password secret', () => {
  const storeWith = (secretProps: secretsmanager.SecretProps) => {
    const stack = newStack();
    const kmsUserPassword = new secretsmanager.Secret(stack, 'Pw', secretProps);
    return () => new CustomKeyStore(stack, 'Store', { source: KeyStoreSource.cloudHsm({ cluster: new FakeCluster(stack, 'Cluster'), kmsUserPassword }) });
  };
  const allowed = 'allowed: a secret whose value is 8 to 32 letters and digits (KMS accepts 7 to 32 alphanumerics, CloudHSM 8 to 32 characters).';

  test('a literal with punctuation is refused without showing it', () => {
    let message = '';
    try {
      storeWith({ secretStringValue: SecretValue.unsafePlainText('Kms-user!pass') })();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('TestStack/Store: invalid source.kmsUserPassword: got a secret whose literal value has 13 characters, 2 of them neither '
      + `a letter nor a digit; ${allowed} Let Secrets Manager generate it (passwordLength 32, excludePunctuation true) or change the value.`);
    expect(message).not.toContain('Kms-user!pass');
  });
  test('a literal of seven letters and digits is refused (KMS would take it, CloudHSM would not)', () => {
    expect(storeWith({ secretStringValue: SecretValue.unsafePlainText('Kmsuser') })).toThrow(/got a secret whose literal value has 7 characters;/);
  });
  test('a secret generated with Secrets Manager\'s defaults (punctuation, 32 characters) is refused', () => {
    expect(storeWith({})).toThrow('TestStack/Store: invalid source.kmsUserPassword: got a secret generated with punctuation not excluded; '
      + `${allowed} Generate it with passwordLength 8 to 32, excludePunctuation true and includeSpace false (a JSON value keeps the password under "password").`);
  });
  test('a generated secret that is too long, has spaces or keeps the password under another JSON key is refused, naming each', () => {
    expect(storeWith({
      generateSecretString: { passwordLength: 40, excludePunctuation: true, includeSpace: true, secretStringTemplate: '{}', generateStringKey: 'pw' },
    })).toThrow(/got a secret generated with passwordLength 40, includeSpace true, a JSON value with the password under 'pw', not 'password';/);
  });
  test.each([
    ['32 letters and digits', { generateSecretString: { passwordLength: 32, excludePunctuation: true } }],
    ['8 characters, punctuation excluded character by character', { generateSecretString: { passwordLength: 8, excludeCharacters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' } }],
    ['a JSON value with the password under "password"', { generateSecretString: { excludePunctuation: true, secretStringTemplate: '{}', generateStringKey: 'password' } }],
    ['a literal of letters and digits', { secretStringValue: SecretValue.unsafePlainText('Kmsuser0Password1') }],
  ])('%s is accepted', (_, secretProps) => {
    expect(storeWith(secretProps as secretsmanager.SecretProps)).not.toThrow();
  });
});

describe('bad input', () => {
  test('a cluster without a kmsuser password, and none given', () => {
    const stack = newStack();
    expect(() => cloudHsmStore(stack, {}, new FakeCluster(stack, 'Cluster', { password: false }))).toThrow(
      'TestStack/Store: invalid source.kmsUserPassword: got none, and the cluster has no kmsUserPassword; allowed: a Secrets Manager secret '
      + 'that holds the password of the cluster\'s kmsuser crypto user. Create kmsuser in the cluster (CloudHSM CLI as admin: user create '
      + '--username kmsuser --role crypto-user), store its password in a secret, and pass it as kmsUserPassword.');
  });
  test('a cluster id that is not one', () => {
    const stack = newStack();
    expect(() => cloudHsmStore(stack, {}, new FakeCluster(stack, 'Cluster', { clusterId: 'cluster-1' }))).toThrow(
      'TestStack/Store: invalid source.cluster.clusterId: got \'cluster-1\'; allowed: a CloudHSM cluster id: cluster- followed by 11 to 16 characters a-z, A-Z, 2-7.');
  });
  test.each([RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('removalPolicy %s', (policy) => {
    expect(() => cloudHsmStore(newStack(), { removalPolicy: policy })).toThrow(
      `TestStack/Store: invalid removalPolicy: got ${policy}; allowed: RemovalPolicy.RETAIN (keep the store) or RemovalPolicy.DESTROY (delete it when it holds no keys).`);
  });
  test('applyRemovalPolicy(SNAPSHOT)', () => {
    expect(() => cloudHsmStore(newStack()).applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/TestStack\/Store: invalid removalPolicy: got snapshot/);
  });
  test.each([['', 0], ['x'.repeat(257), 257]])('a customKeyStoreName of %#', (name, length) => {
    expect(() => cloudHsmStore(newStack(), { customKeyStoreName: name as string })).toThrow(
      `TestStack/Store: invalid customKeyStoreName: got a name of ${length} characters; allowed: 1 to 256 characters, unique in the account and Region.`);
  });
  test.each([
    ['http://xks.example.com'],
    ['https://xks.example.com:8443'],
    ['https://xks.example.com/kms'],
    ['https://a'],
    [`https://${'a'.repeat(121)}`],
  ])('uriEndpoint %s', (uriEndpoint) => {
    const stack = newStack();
    expect(() => new CustomKeyStore(stack, 'Store', { source: xksSource(stack, { uriEndpoint }) })).toThrow(
      `TestStack/Store: invalid source.uriEndpoint: got '${uriEndpoint}' (${uriEndpoint.length} characters); allowed: 10 to 128 characters: `
      + 'https:// followed by a host name of letters, digits, . and -, without port or path. KMS always uses port 443; put the path in uriPath.');
  });
  test.each([['/kms/xks'], ['/prefix/kms/xks/v1/'], ['/pre fix/kms/xks/v1'], ['/kms/xks/v123'], [`/${'p'.repeat(120)}/kms/xks/v1`]])('uriPath %s', (uriPath) => {
    const stack = newStack();
    expect(() => new CustomKeyStore(stack, 'Store', { source: xksSource(stack, { uriPath }) })).toThrow(
      `TestStack/Store: invalid source.uriPath: got '${uriPath}' (${uriPath.length} characters); allowed: 10 to 128 characters: /kms/xks/v<version>, `
      + 'optionally after a prefix of letters, digits, /, _ and -, such as /example/kms/xks/v1.');
  });
  // Pattern and length of XksProxyVpcEndpointServiceNameType in botocore/data/kms/2014-11-01/service-2.json.
  test.each([
    ['com.amazonaws.vpce'],
    ['x'.repeat(65)],
    ['com.amazonaws.vpce.us-east-1.vpce-svc-0123456789ABCDEF0'],
    ['org.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0'],
    ['com.amazonaws.vpce.useast1.vpce-svc-0123456789abcdef0'],
    ['com.amazonaws.vpce.us-east-1.svc-0123456789abcdef0'],
    ['com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0.extra'],
    [`com.amazonaws.vpce.us-east-1.vpce-svc-${'0'.repeat(30)}`],
  ])('a VPC endpoint service name %s', (name) => {
    const stack = newStack();
    expect(() => new CustomKeyStore(stack, 'Store', { source: xksSource(stack, { connectivity: XksProxyConnectivity.vpcEndpointService(name) }) })).toThrow(
      `TestStack/Store: invalid source.connectivity (VPC endpoint service name): got '${name}' (${name.length} characters); allowed: 20 to 64 `
      + 'characters: com.amazonaws.vpce.<region>.vpce-svc-<id> (or eu.amazonaws.vpce...), lower-case letters and digits, '
      + 'such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0. '
      + 'Use the service name shown for the VPC endpoint service (ec2 describe-vpc-endpoint-service-configurations).');
  });
  test.each([
    ['com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0'],
    ['eu.amazonaws.vpce.eusc-de-east-1.vpce-svc-0a1b2c3d'],
    ['com.amazonaws.vpce.us-gov-west-1.vpce-svc-0123456789abcdef0'],
  ])('a VPC endpoint service name %s is accepted', (name) => {
    const stack = newStack();
    expect(() => new CustomKeyStore(stack, 'Store', { source: xksSource(stack, { connectivity: XksProxyConnectivity.vpcEndpointService(name) }) })).not.toThrow();
  });
  test.each([['12345678901'], ['12345678901a']])('a VPC endpoint service owner %s', (owner) => {
    const stack = newStack();
    const connectivity = XksProxyConnectivity.vpcEndpointService('com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', owner);
    expect(() => new CustomKeyStore(stack, 'Store', { source: xksSource(stack, { connectivity }) })).toThrow(
      `TestStack/Store: invalid source.connectivity (VPC endpoint service owner): got '${owner}' (${owner.length} characters); allowed: a 12-digit AWS account id.`);
  });
  test('values known only at deployment are not checked', () => {
    const stack = newStack();
    const unknown = Token.asString({ Ref: 'Unknown' });
    expect(() => new CustomKeyStore(stack, 'Store', {
      source: xksSource(stack, { uriEndpoint: unknown, uriPath: unknown, connectivity: XksProxyConnectivity.vpcEndpointService(unknown, unknown) }),
      customKeyStoreName: unknown,
    })).not.toThrow();
  });
  test('an imported store id that is not one', () => {
    expect(() => CustomKeyStore.fromCustomKeyStoreAttributes(newStack(), 'Imported', {
      customKeyStoreId: 'key-123', customKeyStoreType: CustomKeyStoreType.AWS_CLOUDHSM,
    })).toThrow('TestStack/Imported: invalid customKeyStoreId: got \'key-123\'; allowed: a custom key store id: cks- followed by lower-case letters and digits, such as cks-1234567890abcdef0.');
  });
});
