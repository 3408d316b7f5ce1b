import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AccessLogsBucket, CustomKeyStore, CustomKeyStoreKey, CustomKeyStoreType, EncryptedBucket, KmsKeyWithImportedMaterial, KmsKeyWithRotation } from '../src';
import { newStack } from './util/app';
import { BUCKET_POLICY_MAX_BYTES, KEY_POLICY_MAX_BYTES, policySize } from '../src/private/policy-size';

/** A statement of about `bytes` bytes: one Allow naming a long list of made-up role ARNs. */
function statementOf(bytes: number, resource: string): iam.PolicyStatement {
  const principals: iam.IPrincipal[] = [];
  for (let i = 0; principals.length * 60 < bytes; i++) {
    principals.push(new iam.ArnPrincipal(`arn:aws:iam::111111111111:role/reader-${String(i).padStart(20, '0')}`));
  }
  return new iam.PolicyStatement({ principals, actions: ['s3:GetObject'], resources: [resource] });
}

function synthErrors(stack: Stack): string {
  try {
    App.of(stack)!.synth();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('bucket policies larger than S3 accepts', () => {
  test('an EncryptedBucket whose policy grows past 20 KB is refused at synth, naming its size and the limit', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Data');
    bucket.addToResourcePolicy(statementOf(BUCKET_POLICY_MAX_BYTES, bucket.arnForObjects('*')));
    expect(synthErrors(stack)).toMatch(/TestStack\/Data: the bucket policy is \d+ bytes \(\d+ statements\); the service accepts at most 20480 bytes\. Merge statements/);
  });

  test('an EncryptedBucket whose policy stays under 20 KB synthesizes', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Data');
    bucket.addToResourcePolicy(statementOf(BUCKET_POLICY_MAX_BYTES - 8 * 1024, bucket.arnForObjects('*')));
    expect(synthErrors(stack)).toBe('');
  });

  test('an AccessLogsBucket whose policy grows past 20 KB is refused at synth', () => {
    const stack = newStack();
    const logs = AccessLogsBucket.of(stack);
    logs.addToResourcePolicy(statementOf(BUCKET_POLICY_MAX_BYTES, logs.arnForObjects('*')));
    expect(synthErrors(stack)).toMatch(/TestStack\/KmiAccessLogsBucket: the bucket policy is \d+ bytes .* at most 20480 bytes/);
  });
});

describe('key policies larger than KMS accepts', () => {
  test('a KmsKeyWithRotation whose policy grows past 32 KB is refused at synth', () => {
    const stack = newStack();
    const key = new KmsKeyWithRotation(stack, 'Key');
    key.addToResourcePolicy(statementOf(KEY_POLICY_MAX_BYTES, '*'));
    expect(synthErrors(stack)).toMatch(/TestStack\/Key: the key policy is \d+ bytes \(\d+ statements\); the service accepts at most 32768 bytes/);
  });

  test('a KmsKeyWithImportedMaterial whose policy grows past 32 KB is refused at synth', () => {
    const stack = newStack();
    const key = new KmsKeyWithImportedMaterial(stack, 'Key', {
      keyMaterial: secretsmanager.Secret.fromSecretNameV2(stack, 'Material', 'material'),
    });
    key.addToResourcePolicy(statementOf(KEY_POLICY_MAX_BYTES, '*'));
    expect(synthErrors(stack)).toMatch(/TestStack\/Key: the key policy is \d+ bytes \(\d+ statements\); the service accepts at most 32768 bytes/);
  });

  test('a CustomKeyStoreKey whose policy grows past 32 KB is refused at synth', () => {
    const stack = newStack();
    const store = CustomKeyStore.fromCustomKeyStoreAttributes(stack, 'Store', {
      customKeyStoreId: 'cks-1234567890abcdef0', customKeyStoreType: CustomKeyStoreType.AWS_CLOUDHSM,
    });
    const key = new CustomKeyStoreKey(stack, 'Key', { customKeyStore: store });
    key.addToResourcePolicy(statementOf(KEY_POLICY_MAX_BYTES, '*'));
    expect(synthErrors(stack)).toMatch(/TestStack\/Key: the key policy is \d+ bytes \(\d+ statements\); the service accepts at most 32768 bytes/);
  });

  test('a KmsKeyWithRotation whose policy is 25 KB synthesizes (the bucket limit does not apply to keys)', () => {
    const stack = newStack();
    const key = new KmsKeyWithRotation(stack, 'Key');
    key.addToResourcePolicy(statementOf(25 * 1024, '*'));
    expect(policySize(key, (key as unknown as { policy: iam.PolicyDocument }).policy)).toBeGreaterThan(BUCKET_POLICY_MAX_BYTES);
    expect(synthErrors(stack)).toBe('');
  });
});

test('the measured size is that of the compact JSON CloudFormation receives', () => {
  const stack = newStack();
  const document = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
  const expected = JSON.stringify({ Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: '*' }], Version: '2012-10-17' });
  expect(policySize(stack, document)).toBe(expected.length);
});
