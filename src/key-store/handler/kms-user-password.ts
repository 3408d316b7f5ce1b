/**
 * The kmsuser password rule, shared by the construct (checked at synth where the secret's value or
 * its generation is known) and the handler (checked at deploy time on the value read from the secret).
 *
 * Both sides must accept it: KMS takes 7 to 32 case-sensitive alphanumeric characters
 * (CreateCustomKeyStore KeyStorePassword,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html), and CloudHSM
 * passwords are 8 to 32 characters under its current quotas
 * (https://docs.aws.amazon.com/cloudhsm/latest/userguide/limits.html), so 8 to 32 letters and digits.
 */
export const KMS_USER_PASSWORD_PATTERN = /^[A-Za-z0-9]{8,32}$/;

/** The rule in words, for error messages. */
export const KMS_USER_PASSWORD_RULE = '8 to 32 letters and digits (KMS accepts 7 to 32 alphanumerics, CloudHSM 8 to 32 characters)';

/** What is wrong with a password, described without revealing it; undefined when it follows the rule. */
export function kmsUserPasswordProblem(password: string): string | undefined {
  if (KMS_USER_PASSWORD_PATTERN.test(password)) {
    return undefined;
  }
  const others = password.replace(/[A-Za-z0-9]/g, '').length;
  return others > 0
    ? `${password.length} characters, ${others} of them neither a letter nor a digit`
    : `${password.length} characters`;
}
