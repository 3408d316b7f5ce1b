import { call, deniedError, errorName, named } from '../../../src/private/handler-kit';

const denied = () => named('AccessDeniedException', 'User is not authorized to perform kms:CreateKey');

describe('call', () => {
  test('an authorization failure names the permission the handler needed, and keeps the AWS error name', async () => {
    const error = await call('kms:CreateKey', async () => { throw denied(); }).catch((e: Error) => e);
    expect(error.message).toMatch(/^kms:CreateKey was denied \(AccessDeniedException\): the custom resource's role, or a key or resource policy/);
    expect(error.message).toContain('User is not authorized to perform kms:CreateKey');
    expect(error.name).toBe('AccessDeniedException');
  });

  test.each(['AccessDenied', 'UnauthorizedOperation', 'CloudHsmAccessDeniedException'])('%s is an authorization failure', (name) => {
    expect(deniedError('x:Y', named(name, 'no'))?.message).toMatch(/^x:Y was denied/);
  });

  test('another error is explained by the handler when it can, with the permission', async () => {
    const error = await call('kms:ImportKeyMaterial', async () => { throw named('IncorrectKeyMaterialException', 'bad'); },
      (e, permission) => named(e.name, `${permission}: clearer`)).catch((e: Error) => e);
    expect(error.message).toBe('kms:ImportKeyMaterial: clearer');
    expect(error.name).toBe('IncorrectKeyMaterialException');
  });

  test('another error passes unchanged when nothing explains it', async () => {
    const original = named('ThrottlingException', 'Rate exceeded');
    await expect(call('kms:CreateKey', async () => { throw original; }, () => undefined)).rejects.toBe(original);
  });

  test('a result passes through', async () => {
    await expect(call('kms:DescribeKey', async () => 42)).resolves.toBe(42);
  });

  test('errorName tolerates something thrown that is not an Error', () => {
    expect(errorName(undefined)).toBe('');
    expect(errorName(named('NotFoundException', 'gone'))).toBe('NotFoundException');
  });
});
