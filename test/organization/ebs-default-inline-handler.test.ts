import { runInNewContext } from 'node:vm';
import * as clientEc2 from '@aws-sdk/client-ec2';
import { EC2Client, EnableEbsEncryptionByDefaultCommand, ModifyEbsDefaultKmsKeyIdCommand } from '@aws-sdk/client-ec2';
import * as clientKms from '@aws-sdk/client-kms';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { EBS_DEFAULT_INLINE_HANDLER } from '../../src/organization/ebs-default-inline-handler';

const ec2 = mockClient(EC2Client);
const kms = mockClient(KMSClient);
const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** What the handler PUT to the response URL, and where. */
interface Response { url: { hostname: string; path: string }; body: any }

/**
 * Loads the inline code as Lambda would (CommonJS `index.js`), with the real SDK clients (mocked
 * here) and an `https` that records the response instead of sending it.
 */
function loadHandler(responses: Response[], failPut = false): (event: any) => Promise<void> {
  const https = {
    request: (options: any, onResponse: (res: any) => void) => {
      const handlers: Record<string, () => void> = {};
      return {
        on: (name: string, fn: () => void) => { handlers[name] = fn; },
        end: (body: string) => {
          if (failPut) {
            handlers.error?.();
            return;
          }
          responses.push({ url: { hostname: options.hostname, path: options.path }, body: JSON.parse(body) });
          onResponse({ resume: () => undefined, on: (_: string, done: () => void) => done() });
        },
      };
    },
  };
  const modules: Record<string, unknown> = {
    '@aws-sdk/client-ec2': clientEc2,
    '@aws-sdk/client-kms': clientKms,
    'https': https,
  };
  const module = { exports: {} as any };
  runInNewContext(EBS_DEFAULT_INLINE_HANDLER, {
    require: (name: string) => modules[name],
    module,
    exports: module.exports,
    Buffer,
    URL,
    JSON,
    String,
    Error,
    Promise,
    console: { error: () => undefined },
  });
  return module.exports.handler;
}

function event(requestType: string) {
  return {
    RequestType: requestType,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws?X-Amz-Signature=abc',
    StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/StackSet-x/1',
    RequestId: 'request-1',
    LogicalResourceId: 'EbsEncryptionByDefault',
    ResourceProperties: { KmsKeyId: KEY_ARN },
  };
}

function goodKey() {
  kms.on(DescribeKeyCommand).resolves({
    KeyMetadata: { KeyId: 'k', Arn: KEY_ARN, KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' },
  });
}

beforeEach(() => {
  ec2.reset();
  kms.reset();
});

describe('the inline EBS encryption-by-default handler', () => {
  test.each(['Create', 'Update'])('on %s sets the checked key as default, then turns encryption on, and answers SUCCESS', async (type) => {
    goodKey();
    const responses: Response[] = [];
    await loadHandler(responses)(event(type));
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)[0].args[0].input).toEqual({ KmsKeyId: KEY_ARN });
    expect(ec2.commandCalls(EnableEbsEncryptionByDefaultCommand)).toHaveLength(1);
    const calls = ec2.calls().map((c) => c.args[0].constructor.name);
    expect(calls).toEqual(['ModifyEbsDefaultKmsKeyIdCommand', 'EnableEbsEncryptionByDefaultCommand']);
    expect(responses).toHaveLength(1);
    expect(responses[0].url).toEqual({
      hostname: 'cloudformation-custom-resource-response-useast1.s3.amazonaws.com', path: '/arn%3Aaws?X-Amz-Signature=abc',
    });
    expect(responses[0].body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'ebs-encryption-by-default',
      RequestId: 'request-1',
      LogicalResourceId: 'EbsEncryptionByDefault',
      Data: { KmsKeyArn: KEY_ARN },
    });
  });

  test('refuses a disabled or asymmetric key without touching the account setting', async () => {
    kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: { KeyId: 'k', Arn: KEY_ARN, KeyState: 'Disabled', KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
    });
    const responses: Response[] = [];
    await loadHandler(responses)(event('Create'));
    expect(ec2.calls()).toHaveLength(0);
    expect(responses[0].body.Status).toBe('FAILED');
    expect(responses[0].body.Reason).toMatch(/is Disabled RSA_2048 SIGN_VERIFY; EBS needs an enabled symmetric encryption key/);
  });

  test('answers FAILED with the error when EC2 throttles, so the stack instance fails visibly', async () => {
    goodKey();
    ec2.on(ModifyEbsDefaultKmsKeyIdCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' }));
    const responses: Response[] = [];
    await loadHandler(responses)(event('Create'));
    expect(ec2.commandCalls(EnableEbsEncryptionByDefaultCommand)).toHaveLength(0);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'Rate exceeded' });
  });

  test('answers FAILED when the key cannot be described', async () => {
    kms.on(DescribeKeyCommand).rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));
    const responses: Response[] = [];
    await loadHandler(responses)(event('Update'));
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'Access denied' });
  });

  test('on Delete changes nothing and answers SUCCESS: removing the stack never weakens the account', async () => {
    const responses: Response[] = [];
    await loadHandler(responses)(event('Delete'));
    expect(kms.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
    expect(responses[0].body.Status).toBe('SUCCESS');
  });

  test('a repeated Create is answered the same way (the calls are idempotent)', async () => {
    goodKey();
    const responses: Response[] = [];
    const handler = loadHandler(responses);
    await handler(event('Create'));
    await handler(event('Create'));
    expect(responses.map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(ec2.commandCalls(ModifyEbsDefaultKmsKeyIdCommand)).toHaveLength(2);
  });

  test('a failed response PUT rejects, so Lambda records the error', async () => {
    goodKey();
    await expect(loadHandler([], true)(event('Create'))).rejects.toBeUndefined();
  });
});
