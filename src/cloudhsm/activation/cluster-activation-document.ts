import { ACTIVATION_STEPS, DIAGNOSTIC_PREFIX, KMS_USER_NAME } from './cluster-activation-steps';

/**
 * The SSM Command document that activates a CloudHSM cluster and creates its `kmsuser` crypto user,
 * run on the client instance by the activation custom resource.
 *
 * How secrets are kept out of every record:
 * - the document parameters hold only identifiers (cluster id, HSM addresses, secret ARNs, the trust
 *   anchor parameter name), so the SendCommand request, CloudTrail and the command history hold no
 *   password;
 * - the instance reads the two passwords from Secrets Manager itself, into shell variables;
 * - `cloudhsm-cli` runs only in the documented single command mode
 *   (https://docs.aws.amazon.com/cloudhsm/latest/userguide/cloudhsm_cli-modes.html): the admin logs in
 *   through `CLOUDHSM_ROLE` and `CLOUDHSM_PIN` in the environment of that one process, and a new
 *   password (`cluster activate`, `user create`) is typed at the CLI's documented prompt ("Enter
 *   password:", "Confirm password:": https://docs.aws.amazon.com/cloudhsm/latest/userguide/activate-cluster.html,
 *   https://docs.aws.amazon.com/cloudhsm/latest/userguide/cloudhsm_cli-user-create.html, where `--password`
 *   is optional: "If you do not include this argument you will be prompted for it"). The prompt is
 *   answered on a pseudo-terminal by a small Python helper (`prompted`) that reads the answer from its
 *   standard input (fed by the shell's `printf` builtin, which starts no process) with terminal echo off.
 *   `--password` would put the password in the argv of the CLI, which every local process can read in
 *   /proc; the environment of a process is readable only by its user and root, and the prompt is not
 *   recorded anywhere;
 * - the output of the CLI is kept in variables and both passwords are replaced by `[redacted]` before
 *   any of it is printed; `set -x` is never on;
 * - people see only the lines that start with `KMI: `, which the steps write themselves.
 *
 * Parameters are substituted into the script text by Systems Manager, so each one has an
 * `allowedPattern` that admits no quote, space (except between HSM addresses) or shell character.
 */

/** Parameter patterns: what Systems Manager accepts before substituting a value into the script. */
export const DOCUMENT_PARAMETER_PATTERNS = {
  ClusterId: '^cluster-[2-7a-zA-Z]{11,16}$',
  ClusterState: '^(INITIALIZED|ACTIVE)$',
  HsmIpAddresses: '^[0-9A-Fa-f.:]{2,45}( [0-9A-Fa-f.:]{2,45}){0,27}$',
  AdminPasswordSecretArn: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$',
  KmsUserPasswordSecretArn: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$',
  TrustAnchorParameterName: '^[A-Za-z0-9_./-]{1,2048}$',
  PackageUrl: '^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~%/+-]*$',
  Region: '^[a-z]{2}(-[a-z]+)+-[0-9]+$',
  RunId: '^[A-Za-z0-9-]{1,64}$',
} as const;

/** A document parameter name. */
export type DocumentParameter = keyof typeof DOCUMENT_PARAMETER_PATTERNS;

const DESCRIPTIONS: Record<DocumentParameter, string> = {
  ClusterId: 'The CloudHSM cluster to activate.',
  ClusterState: 'The cluster state when the command was sent: INITIALIZED (activate it) or ACTIVE (only check kmsuser).',
  HsmIpAddresses: 'The ENI IP addresses of the cluster\'s active HSMs, separated by spaces.',
  AdminPasswordSecretArn: 'ARN of the Secrets Manager secret that holds the admin password (8-32 letters and digits).',
  KmsUserPasswordSecretArn: `ARN of the Secrets Manager secret that holds the ${KMS_USER_NAME} password (8-32 letters and digits).`,
  TrustAnchorParameterName: 'Name of the SSM parameter that holds the trust anchor certificate (PEM).',
  PackageUrl: 'HTTPS URL of the CloudHSM CLI RPM for Amazon Linux 2023.',
  Region: 'The Region of the cluster, the secrets and the parameter.',
  RunId: 'Identifies this run: a step runs only if the step before it succeeded in the same run.',
};

/** Where `cloudhsm-cli` and its files live on Linux. */
export const CLOUDHSM_HOME = '/opt/cloudhsm';

/** Lines shared by every step: strict shell, no tracing, private files, helpers. */
const PRELUDE = [
  '#!/bin/bash',
  'set -euo pipefail',
  'set +x',
  'umask 077',
  'export AWS_PAGER=""',
  'REGION=\'{{ Region }}\'',
  'RUN_DIR=\'/run/kmi-activation/{{ RunId }}\'',
  'mkdir -p "$RUN_DIR"',
  `say() { printf '${DIAGNOSTIC_PREFIX}%s\\n' "$*"; }`,
  `fail() { printf '${DIAGNOSTIC_PREFIX}%s\\n' "$*" >&2; exit 1; }`,
  'after() { [ -f "$RUN_DIR/$1.ok" ] || fail "not run: the step $1 did not succeed"; }',
  'finished() { : > "$RUN_DIR/$1.ok"; }',
];

/** The Python program behind `prompted` (no single quote: it is quoted for the shell). */
export const PROMPT_FEEDER = [
  'import os, pty, select, sys, termios, time',
  'answer = sys.stdin.buffer.readline().rstrip(b"\\n") + b"\\n"',
  'pid, fd = pty.fork()',
  'if pid == 0:',
  '    attrs = termios.tcgetattr(0)',
  '    attrs[3] &= ~termios.ECHO',
  '    termios.tcsetattr(0, termios.TCSANOW, attrs)',
  '    os.execv(sys.argv[1], sys.argv[1:])',
  'out, answered, deadline, code = b"", 0, time.time() + 120, None',
  'while time.time() < deadline:',
  '    ready, _, _ = select.select([fd], [], [], 1)',
  '    if not ready:',
  '        continue',
  '    try:',
  '        chunk = os.read(fd, 4096)',
  '    except OSError:',
  '        break',
  '    if not chunk:',
  '        break',
  '    out += chunk',
  '    while answered < min(2, out.lower().count(b"password:")):',
  '        os.write(fd, answer)',
  '        answered += 1',
  'else:',
  '    os.kill(pid, 9)',
  '    code = 124',
  '_, status = os.waitpid(pid, 0)',
  'sys.stdout.buffer.write(out.replace(b"\\r\\n", b"\\n"))',
  'sys.exit(code if code is not None else os.waitstatus_to_exitcode(status))',
].join('\n');

/** Reads a password secret into stdout (captured by the caller), checking its form. */
const SECRET_HELPERS = [
  'secret() {',
  '  local value',
  '  value=$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text 2>"$RUN_DIR/aws.err") \\',
  '    || fail "could not read the secret $1 ($(tail -c 300 "$RUN_DIR/aws.err" | tr -s \'\\n\' \' \')): the client role needs '
    + 'secretsmanager:GetSecretValue on it and kms:Decrypt through Secrets Manager, and its subnet a route to Secrets Manager"',
  '  [[ "$value" =~ ^[A-Za-z0-9]{8,32}$ ]] || fail "the secret $1 must hold 8 to 32 letters and digits"',
  '  printf \'%s\' "$value"',
  '}',
  // Replaces both passwords, wherever they appear, before anything is printed.
  'redact() {',
  '  local text=$1',
  '  if [ -n "${ADMIN_PW:-}" ]; then text=${text//"$ADMIN_PW"/[redacted]}; fi',
  '  if [ -n "${KMS_PW:-}" ]; then text=${text//"$KMS_PW"/[redacted]}; fi',
  '  printf \'%s\\n\' "$text"',
  '}',
  // Runs a command on a pseudo-terminal and answers its password prompts (at most two: "Enter password:" and
  // "Confirm password:") with the line it reads on its standard input; terminal echo is off, so the answer is
  // never part of the output. Prints the command's output and exits with its exit code (124 after 120 s).
  'prompted() {',
  `  python3 -c '${PROMPT_FEEDER}' "$@"`,
  '}',
  // A CloudHSM CLI answer is JSON with "error_code": 0 on success.
  'succeeded() { grep -Eq \'"error_code": *0\' <<<"$1" && ! grep -Eq \'"error_code": *[1-9]\' <<<"$1"; }',
  'show() { printf \'%s\\n\' "$1" | tail -n 20 >&2; }',
];

const CLI = `${CLOUDHSM_HOME}/bin/cloudhsm-cli`;

const STEP_SCRIPTS: Record<string, string[]> = {
  InstallCloudHsmCli: [
    `if [ -x ${CLI} ]; then`,
    '  say "CloudHSM CLI already installed"',
    'else',
    '  curl -fsS --retry 5 --retry-delay 5 --connect-timeout 20 -o "$RUN_DIR/cloudhsm-cli.rpm" \'{{ PackageUrl }}\' 2>"$RUN_DIR/curl.err" \\',
    '    || fail "could not download {{ PackageUrl }} ($(tail -c 300 "$RUN_DIR/curl.err" | tr -s \'\\n\' \' \'))"',
    '  dnf install -y "$RUN_DIR/cloudhsm-cli.rpm" >"$RUN_DIR/dnf.log" 2>&1 \\',
    '    || { tail -n 20 "$RUN_DIR/dnf.log" >&2; fail "could not install the CloudHSM CLI package"; }',
    '  say "CloudHSM CLI installed from {{ PackageUrl }}"',
    'fi',
    'finished InstallCloudHsmCli',
  ],
  InstallTrustAnchor: [
    'after InstallCloudHsmCli',
    'anchor=$(aws ssm get-parameter --region "$REGION" --name \'{{ TrustAnchorParameterName }}\' --query Parameter.Value --output text 2>"$RUN_DIR/aws.err") \\',
    '  || fail "could not read the SSM parameter {{ TrustAnchorParameterName }} ($(tail -c 300 "$RUN_DIR/aws.err" | tr -s \'\\n\' \' \'))"',
    'case "$anchor" in',
    '  "-----BEGIN CERTIFICATE-----"*) ;;',
    '  *) fail "the SSM parameter {{ TrustAnchorParameterName }} does not hold a PEM certificate" ;;',
    'esac',
    `install -d -m 755 ${CLOUDHSM_HOME}/etc`,
    `printf '%s\\n' "$anchor" > ${CLOUDHSM_HOME}/etc/customerCA.crt`,
    `chmod 644 ${CLOUDHSM_HOME}/etc/customerCA.crt`,
    `say "trust anchor from {{ TrustAnchorParameterName }} installed at ${CLOUDHSM_HOME}/etc/customerCA.crt"`,
    'finished InstallTrustAnchor',
  ],
  ConfigureCli: [
    'after InstallTrustAnchor',
    'read -r -a ips <<<\'{{ HsmIpAddresses }}\'',
    'for ip in "${ips[@]}"; do',
    '  timeout 10 bash -c "exec 3<>/dev/tcp/$ip/2223" 2>/dev/null \\',
    '    || fail "cannot reach the HSM at $ip on TCP 2223 from this instance"',
    'done',
    `out=$(${CLOUDHSM_HOME}/bin/configure-cli -a "\${ips[@]}" 2>&1) || { show "$out"; fail "configure-cli -a \${ips[*]} failed"; }`,
    'say "CloudHSM CLI configured for the HSMs at ${ips[*]} of {{ ClusterId }}"',
    'finished ConfigureCli',
  ],
  ActivateCluster: [
    'after ConfigureCli',
    'if [ \'{{ ClusterState }}\' = ACTIVE ]; then',
    '  say "{{ ClusterId }} is already ACTIVE: nothing to activate"',
    '  finished ActivateCluster',
    '  exit 0',
    'fi',
    'ADMIN_PW=$(secret \'{{ AdminPasswordSecretArn }}\')',
    'rc=0',
    // cluster activate as an unactivated admin needs no login; the new admin password goes to its prompt.
    `out=$(printf '%s\\n' "$ADMIN_PW" | prompted ${CLI} cluster activate 2>&1) || rc=$?`,
    'out=$(redact "$out")',
    'if [ "$rc" -ne 0 ] || ! succeeded "$out"; then',
    '  show "$out"',
    '  fail "cluster activate did not succeed for {{ ClusterId }} (exit code $rc)"',
    'fi',
    'say "{{ ClusterId }} activated: the admin password is the value of {{ AdminPasswordSecretArn }}"',
    'finished ActivateCluster',
  ],
  CreateKmsUser: [
    'after ActivateCluster',
    'ADMIN_PW=$(secret \'{{ AdminPasswordSecretArn }}\')',
    'KMS_PW=$(secret \'{{ KmsUserPasswordSecretArn }}\')',
    `[ "$ADMIN_PW" != "$KMS_PW" ] || fail "the admin and ${KMS_USER_NAME} passwords are the same: give one of the secrets a new value"`,
    // The admin logs in through the environment of this one process (single command mode).
    'users() {',
    '  local rc=0 out',
    `  out=$(CLOUDHSM_ROLE=admin CLOUDHSM_PIN="admin:$ADMIN_PW" ${CLI} user list 2>"$RUN_DIR/cli.err") || rc=$?`,
    '  out=$(redact "$out")',
    '  if [ "$rc" -ne 0 ] || ! succeeded "$out"; then',
    '    show "$out"; show "$(redact "$(cat "$RUN_DIR/cli.err")")"',
    '    fail "could not list the users of {{ ClusterId }} as admin (exit code $rc)"',
    '  fi',
    '  printf \'%s\\n\' "$out"',
    '}',
    // Prints "<role> <cluster-coverage>" of kmsuser, or "absent".
    'role_of_kmsuser() {',
    '  python3 -c \'import json, sys',
    'users = json.load(sys.stdin)["data"]["users"]',
    `found = [u for u in users if u.get("username") == "${KMS_USER_NAME}"]`,
    'print(found[0].get("role", "unknown") + " " + found[0].get("cluster-coverage", "unknown") if found else "absent")\'',
    '}',
    'listing=$(users)',
    'state=$(printf \'%s\\n\' "$listing" | role_of_kmsuser) || fail "could not read the user list of {{ ClusterId }}"',
    'if [ "$state" = absent ]; then',
    '  rc=0',
    // The admin logs in through the environment; the new kmsuser password goes to the prompt of user create.
    `  out=$(printf '%s\\n' "$KMS_PW" | CLOUDHSM_ROLE=admin CLOUDHSM_PIN="admin:$ADMIN_PW" prompted ${CLI} user create --username ${KMS_USER_NAME} --role crypto-user 2>&1) || rc=$?`,
    '  out=$(redact "$out")',
    '  if [ "$rc" -ne 0 ] || ! succeeded "$out"; then',
    '    show "$out"',
    `    fail "user create ${KMS_USER_NAME} did not succeed on {{ ClusterId }} (exit code $rc)"`,
    '  fi',
    '  listing=$(users)',
    '  state=$(printf \'%s\\n\' "$listing" | role_of_kmsuser) || fail "could not read the user list of {{ ClusterId }}"',
    `  say "${KMS_USER_NAME} created: its password is the value of {{ KmsUserPasswordSecretArn }}"`,
    'fi',
    'case "$state" in',
    `  "crypto-user full") say "${KMS_USER_NAME} is a crypto user on every HSM of {{ ClusterId }}" ;;`,
    `  absent) fail "${KMS_USER_NAME} is not in the user list of {{ ClusterId }} after user create" ;;`,
    `  "crypto-user "*) fail "${KMS_USER_NAME} is not on every HSM of {{ ClusterId }} (cluster-coverage \${state#crypto-user })" ;;`,
    `  *) fail "a user named ${KMS_USER_NAME} exists on {{ ClusterId }} with role \${state%% *}: AWS KMS needs it to be a crypto user" ;;`,
    'esac',
    'finished CreateKmsUser',
  ],
};

/** The shell script of one step, as the document's `runCommand` lines. */
export function stepScript(name: string): string[] {
  const body = STEP_SCRIPTS[name];
  if (!body) {
    throw new Error(`unknown activation step ${name}`);
  }
  const needsSecrets = name === 'ActivateCluster' || name === 'CreateKmsUser';
  return [...PRELUDE, ...(needsSecrets ? SECRET_HELPERS : []), ...body];
}

/** Timeout of each step, in seconds: the download and install may take a while on a small instance. */
const STEP_TIMEOUT_SECONDS: Record<string, number> = {
  InstallCloudHsmCli: 900,
};

/**
 * The content of the command document (schema 2.2): one `aws:runShellScript` step per activation step.
 */
export function activationDocumentContent(): Record<string, unknown> {
  const parameters = Object.fromEntries(Object.entries(DOCUMENT_PARAMETER_PATTERNS).map(([name, allowedPattern]) => [name, {
    type: 'String',
    description: DESCRIPTIONS[name as DocumentParameter],
    allowedPattern,
  }]));
  return {
    schemaVersion: '2.2',
    description: `cdk-kmi: activates a CloudHSM cluster and creates its ${KMS_USER_NAME} crypto user with CloudHSM CLI. `
      + 'Passwords are read from Secrets Manager on the instance and never printed.',
    parameters,
    mainSteps: ACTIVATION_STEPS.map((step) => ({
      action: 'aws:runShellScript',
      name: step.name,
      precondition: { StringEquals: ['platformType', 'Linux'] },
      inputs: {
        timeoutSeconds: String(STEP_TIMEOUT_SECONDS[step.name] ?? 300),
        runCommand: stepScript(step.name),
      },
    })),
  };
}
