/**
 * Runs the shell steps of the activation document with bash, against fakes of cloudhsm-cli,
 * configure-cli, the AWS CLI, curl and dnf, and checks what they do and that no password leaks:
 * not into the output of a step, not into the arguments of any process the step starts (every
 * execve of a whole activation is traced with strace when it is installed, otherwise the fakes
 * record their arguments).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { activationDocumentContent, CLOUDHSM_HOME, DOCUMENT_PARAMETER_PATTERNS, stepScript } from '../../../src/cloudhsm/activation/cluster-activation-document';
import { ACTIVATION_STEPS, DIAGNOSTIC_PREFIX } from '../../../src/cloudhsm/activation/cluster-activation-steps';

const ADMIN_PW = 'Adm1nPassw0rdFromSecretsManager0';
const KMS_PW = 'KmsUs3rPassw0rdFromSecretsMgr00';
const ADMIN_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:ActivationAdminPassword-AbCdEf';
const KMS_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:ActivationKmsUserPassword-GhIjKl';

const PARAMETERS: Record<string, string> = {
  ClusterId: 'cluster-abcdefghijk',
  ClusterState: 'INITIALIZED',
  HsmIpAddresses: '10.0.1.10 10.0.2.10',
  AdminPasswordSecretArn: ADMIN_ARN,
  KmsUserPasswordSecretArn: KMS_ARN,
  TrustAnchorParameterName: '/kmi/cluster-abcdefghijk/trust-anchor',
  PackageUrl: 'https://s3.amazonaws.com/cloudhsmv2-software/CloudHsmClient/Amzn2023/cloudhsm-cli-latest.amzn2023.x86_64.rpm',
  Region: 'us-east-1',
  RunId: 'request-1',
};

const STRACE = spawnSync('bash', ['-c', 'command -v strace']).status === 0;

/** The directory of the real python3 (version-manager shims are slow to start). */
const PYTHON_DIR = dirname(spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim());

/**
 * A fake cloudhsm-cli in single command mode only (https://docs.aws.amazon.com/cloudhsm/latest/userguide/cloudhsm_cli-modes.html):
 * it accepts exactly the command lines of the CloudHSM CLI reference that the document may use, logs in through
 * CLOUDHSM_ROLE and CLOUDHSM_PIN, and asks for a new password at a prompt on its terminal ("Enter password:",
 * "Confirm password:"), as `cluster activate` and `user create` do without `--password`
 * (cloudhsm_cli-cluster-activate.html, cloudhsm_cli-user-create.html). Without a terminal the prompt fails.
 */
const FAKE_CLI = String.raw`#!/bin/bash
S="$FAKE_STATE"
printf '%s\n' "cloudhsm-cli $*" >> "$S/argv.log"
ok() { printf '{\n  "error_code": 0,\n  "data": %s\n}\n' "$1"; }
err() { printf '{\n  "error_code": 1,\n  "data": "%s"\n}\n' "$1"; }
users_json() {
  printf '{\n  "error_code": 0,\n  "data": {\n    "users": [\n'
  printf '      {"username": "admin", "role": "admin", "locked": "false", "mfa": [], "cluster-coverage": "full"}'
  while read -r name role; do
    printf ',\n      {"username": "%s", "role": "%s", "locked": "false", "mfa": [], "cluster-coverage": "%s"}' "$name" "$role" "\${FAKE_COVERAGE:-full}"
  done < "$S/users"
  printf '\n    ]\n  }\n}\n'
}
logged_in() {
  [ "\${CLOUDHSM_ROLE:-}" = admin ] && [ -f "$S/activated" ] && [ "\${CLOUDHSM_PIN:-}" = "admin:$(cat "$S/activated")" ]
}
new_password() {
  exec 3<>/dev/tty || { err "a password prompt needs a terminal"; exit 3; }
  printf 'Enter password:' >&3; IFS= read -r pw <&3; printf '\n' >&3
  printf 'Confirm password:' >&3; IFS= read -r again <&3; printf '\n' >&3
  if [ -n "\${FAKE_ECHO:-}" ]; then printf 'typed %s\n' "$pw"; fi
  [ "$pw" = "$again" ] || { err "Passwords do not match"; exit 1; }
}
case "$*" in
  "cluster activate")
    new_password
    if [ -f "$S/activated" ]; then err "The cluster is already activated"; exit 1; fi
    printf '%s' "$pw" > "$S/activated"; ok '"Cluster activation successful"'; exit 0 ;;
  "user list")
    if logged_in; then users_json; exit 0; fi
    if [ -n "\${FAKE_ECHO:-}" ]; then printf 'login failed for %s\n' "\${CLOUDHSM_PIN:-}"; fi
    err "Invalid username or password"; exit 1 ;;
  "user create --username "*" --role crypto-user")
    logged_in || { err "Invalid username or password"; exit 1; }
    new_password
    printf '%s crypto-user\n' "$4" >> "$S/users"; printf '%s' "$pw" > "$S/password-of-$4"
    ok "{\"username\": \"$4\", \"role\": \"crypto-user\"}"; exit 0 ;;
esac
err "unexpected arguments"; exit 2
`.replace(/\\\$\{/g, '${');

const FAKE_CONFIGURE = `#!/bin/bash
printf '%s\\n' "configure-cli $*" >> "$FAKE_STATE/argv.log"
printf '%s\\n' "$*" > "$FAKE_STATE/configured"
`;

const FAKE_AWS = `#!/bin/bash
printf '%s\\n' "aws $*" >> "$FAKE_STATE/argv.log"
args=("$@")
value_of() { local i; for ((i = 0; i < \${#args[@]}; i++)); do if [ "\${args[i]}" = "$1" ]; then printf '%s' "\${args[i+1]}"; fi; done; }
case "$1 $2" in
  "secretsmanager get-secret-value")
    case "$(value_of --secret-id)" in
      "$FAKE_ADMIN_ARN") printf '%s\\n' "$FAKE_ADMIN_VALUE" ;;
      "$FAKE_KMS_ARN") printf '%s\\n' "$FAKE_KMS_VALUE" ;;
      *) echo "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: not authorized" >&2; exit 254 ;;
    esac ;;
  "ssm get-parameter")
    if [ -n "\${FAKE_ANCHOR_MISSING:-}" ]; then echo "An error occurred (ParameterNotFound) when calling the GetParameter operation:" >&2; exit 254; fi
    printf -- '-----BEGIN CERTIFICATE-----\\nMIIBfake\\n-----END CERTIFICATE-----\\n' ;;
  *) exit 2 ;;
esac
`;

const FAKE_CURL = `#!/bin/bash
printf '%s\\n' "curl $*" >> "$FAKE_STATE/argv.log"
if [ -n "\${FAKE_CURL_FAIL:-}" ]; then echo "curl: (7) Failed to connect to s3.amazonaws.com port 443: Connection timed out" >&2; exit 7; fi
while [ $# -gt 0 ]; do if [ "$1" = -o ]; then printf 'rpm' > "$2"; fi; shift; done
`;

const FAKE_DNF = `#!/bin/bash
printf '%s\\n' "dnf $*" >> "$FAKE_STATE/argv.log"
mkdir -p "$FAKE_HOME/bin" && cp "$FAKE_STATE/cli" "$FAKE_HOME/bin/cloudhsm-cli" && cp "$FAKE_STATE/configure" "$FAKE_HOME/bin/configure-cli"
`;

/** Stands in for the TCP check of the HSM ports. */
const FAKE_TIMEOUT = `#!/bin/bash
exit "\${FAKE_TCP_RC:-0}"
`;

interface StepRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A client instance: a directory with the fakes, the CloudHSM home and the run directory. */
class FakeClient {
  public readonly dir = mkdtempSync(join(tmpdir(), 'kmi-activation-'));
  public readonly state = join(this.dir, 'state');
  public readonly home = join(this.dir, 'opt', 'cloudhsm');
  public readonly runs: StepRun[] = [];
  private readonly bin = join(this.dir, 'bin');
  private readonly traces = join(this.dir, 'traces');

  private readonly traced: boolean;

  constructor(options: { installed?: boolean; traced?: boolean } = {}) {
    this.traced = (options.traced ?? false) && STRACE;
    for (const d of [this.state, this.bin, this.traces]) {
      mkdirSync(d, { recursive: true });
    }
    writeFileSync(join(this.state, 'users'), '');
    writeFileSync(join(this.state, 'argv.log'), '');
    this.executable(join(this.state, 'cli'), FAKE_CLI);
    this.executable(join(this.state, 'configure'), FAKE_CONFIGURE);
    for (const [name, text] of Object.entries({ aws: FAKE_AWS, curl: FAKE_CURL, dnf: FAKE_DNF, timeout: FAKE_TIMEOUT })) {
      this.executable(join(this.bin, name), text);
    }
    if (options.installed ?? true) {
      mkdirSync(join(this.home, 'bin'), { recursive: true });
      this.executable(join(this.home, 'bin', 'cloudhsm-cli'), FAKE_CLI);
      this.executable(join(this.home, 'bin', 'configure-cli'), FAKE_CONFIGURE);
    }
  }

  /** Runs one step as Systems Manager would, with the document parameters substituted. */
  public run(step: string, parameters: Record<string, string> = {}, env: Record<string, string> = {}): StepRun {
    const values = { ...PARAMETERS, ...parameters };
    const script = stepScript(step).join('\n')
      .replace(/\{\{ (\w+) \}\}/g, (_, name: string) => values[name])
      .split(CLOUDHSM_HOME).join(this.home)
      .split('/run/kmi-activation/').join(`${this.dir}/run/`);
    const file = join(this.dir, `${step}-${this.runs.length}.sh`);
    writeFileSync(file, script);
    const command = this.traced
      ? ['strace', '-f', '-qq', '-e', 'trace=execve', '-s', '4096', '-o', join(this.traces, `${this.runs.length}.log`), 'bash', file]
      : ['bash', file];
    const result = spawnSync(command[0], command.slice(1), {
      encoding: 'utf8',
      env: {
        PATH: `${this.bin}:${PYTHON_DIR}:${process.env.PATH}`,
        HOME: this.dir,
        FAKE_STATE: this.state,
        FAKE_HOME: this.home,
        FAKE_ADMIN_ARN: ADMIN_ARN,
        FAKE_KMS_ARN: KMS_ARN,
        FAKE_ADMIN_VALUE: ADMIN_PW,
        FAKE_KMS_VALUE: KMS_PW,
        ...env,
      },
    });
    const run = { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    this.runs.push(run);
    return run;
  }

  /** Runs the steps in order, stopping at the first that fails; returns the last run. */
  public runAll(parameters: Record<string, string> = {}, env: Record<string, string> = {}): StepRun {
    let last: StepRun | undefined;
    for (const step of ACTIVATION_STEPS) {
      last = this.run(step.name, parameters, env);
      if (last.status !== 0) {
        break;
      }
    }
    return last!;
  }

  /** Every command line any step started (traced), or those the fakes saw (without strace). */
  public commandLines(): string {
    if (!this.traced) {
      return this.read('argv.log');
    }
    return this.runs.map((_, i) => readFileSync(join(this.traces, `${i}.log`), 'utf8'))
      .join('\n').split('\n').filter((line) => line.includes('execve(')).join('\n');
  }

  /** Everything the steps printed. */
  public output(): string {
    return this.runs.map((r) => `${r.stdout}\n${r.stderr}`).join('\n');
  }

  public read(file: string): string {
    return existsSync(join(this.state, file)) ? readFileSync(join(this.state, file), 'utf8') : '';
  }

  public write(file: string, text: string): void {
    writeFileSync(join(this.state, file), text);
  }

  public cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private executable(path: string, text: string): void {
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  }
}

function diagnostics(run: StepRun): string[] {
  return `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => l.startsWith(DIAGNOSTIC_PREFIX));
}

let client: FakeClient;
beforeEach(() => {
  client = new FakeClient();
});
afterEach(() => {
  client.cleanup();
});

describe('a first activation', () => {
  test('activates the cluster with the admin secret and creates kmsuser as a crypto user with the kmsuser secret', () => {
    const last = client.runAll();
    expect(last.status).toBe(0);
    expect(client.runs.map((r) => r.status)).toEqual([0, 0, 0, 0, 0]);
    expect(client.read('activated')).toBe(ADMIN_PW);
    expect(client.read('users')).toBe('kmsuser crypto-user\n');
    expect(client.read('password-of-kmsuser')).toBe(KMS_PW);
  });
  test('configures the CLI with every HSM address and installs the trust anchor where CloudHSM CLI looks for it', () => {
    client.runAll();
    expect(client.read('configured')).toBe('-a 10.0.1.10 10.0.2.10\n');
    expect(readFileSync(join(client.home, 'etc', 'customerCA.crt'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });
  test('reads the passwords from Secrets Manager by ARN and the trust anchor by parameter name, in the given Region', () => {
    client.runAll();
    const aws = client.read('argv.log').split('\n').filter((l) => l.startsWith('aws '));
    expect(aws).toEqual(expect.arrayContaining([
      `aws secretsmanager get-secret-value --region us-east-1 --secret-id ${ADMIN_ARN} --query SecretString --output text`,
      `aws secretsmanager get-secret-value --region us-east-1 --secret-id ${KMS_ARN} --query SecretString --output text`,
      'aws ssm get-parameter --region us-east-1 --name /kmi/cluster-abcdefghijk/trust-anchor --query Parameter.Value --output text',
    ]));
  });
  test('ends with a diagnostic line that says kmsuser is a crypto user on every HSM', () => {
    const last = client.runAll();
    expect(diagnostics(last)).toEqual(['KMI: kmsuser created: its password is the value of ' + KMS_ARN,
      'KMI: kmsuser is a crypto user on every HSM of cluster-abcdefghijk']);
  });
});

describe('CloudHSM CLI runs only in documented forms', () => {
  // Single command mode with the credentials in CLOUDHSM_ROLE / CLOUDHSM_PIN
  // (https://docs.aws.amazon.com/cloudhsm/latest/userguide/cloudhsm_cli-modes.html); `cluster activate`
  // (https://docs.aws.amazon.com/cloudhsm/latest/userguide/cloudhsm_cli-cluster-activate.html), `user list`
  // (cloudhsm_cli-user-list.html) and `user create --username <USERNAME> --role <ROLE>` (cloudhsm_cli-user-create.html),
  // the new passwords typed at their prompts rather than given with the optional --password.
  test('a first activation runs exactly these command lines, and none in interactive mode', () => {
    client.runAll();
    expect(client.read('argv.log').split('\n').filter((l) => l.startsWith('cloudhsm-cli'))).toEqual([
      'cloudhsm-cli cluster activate',
      'cloudhsm-cli user list',
      'cloudhsm-cli user create --username kmsuser --role crypto-user',
      'cloudhsm-cli user list',
    ]);
  });
  test('the traced command lines of cloudhsm-cli are the same, with no --password', () => {
    client.cleanup();
    client = new FakeClient({ traced: true });
    client.runAll();
    const cli = client.commandLines().split('\n').filter((l) => /execve\("[^"]*cloudhsm-cli"/.test(l));
    expect(cli.map((l) => /\[(.*)\]/.exec(l)![1])).toEqual(STRACE ? [
      '"/cli", "cluster", "activate"', '"/cli", "user", "list"', '"/cli", "user", "create", "--username", "kmsuser", "--role", "crypto-user"',
      '"/cli", "user", "list"',
    ].map((args) => args.replace('"/cli"', `"${join(client.home, 'bin', 'cloudhsm-cli')}"`)) : []);
    expect(client.commandLines()).not.toContain('--password');
    expect(client.commandLines()).not.toContain('interactive');
  });
  test('the passwords are typed at the prompt on a terminal: the fake CLI refuses a prompt without one', () => {
    // The stand-in prompts on /dev/tty, as a password prompt does; it gets one only from the prompted helper.
    const direct = spawnSync('bash', ['-c', `setsid ${join(client.home, 'bin', 'cloudhsm-cli')} cluster activate < /dev/null`], {
      encoding: 'utf8', env: { ...process.env, FAKE_STATE: client.state },
    });
    expect(direct.stdout).toContain('a password prompt needs a terminal');
    const run = client.runAll();
    expect(run.status).toBe(0);
    expect(client.read('activated')).toBe(ADMIN_PW);
  });
});

describe('no password leaks', () => {
  test('no process any step starts gets a password as an argument', () => {
    client.cleanup();
    client = new FakeClient({ traced: true });
    client.runAll();
    const lines = client.commandLines();
    expect(lines).toContain('cloudhsm-cli');
    expect(lines).not.toContain(ADMIN_PW);
    expect(lines).not.toContain(KMS_PW);
  });
  test('no step prints a password, even when the CLI echoes its input', () => {
    client.runAll({}, { FAKE_ECHO: '1' });
    expect(client.output()).not.toContain(ADMIN_PW);
    expect(client.output()).not.toContain(KMS_PW);
  });
  test('a refused activation shows the CLI answer with the password redacted', () => {
    client.write('activated', ADMIN_PW);
    const run = client.runAll({}, { FAKE_ECHO: '1' });
    expect(run.stderr).toContain('typed [redacted]');
    expect(client.output()).not.toContain(ADMIN_PW);
  });
  test('a failed login prints the CLI answer with the password redacted', () => {
    client.write('activated', 'AnotherAdminPasswordSetElsewhere');
    const run = client.runAll({ ClusterState: 'ACTIVE' }, { FAKE_ECHO: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('login failed for admin:[redacted]');
    expect(client.output()).not.toContain(ADMIN_PW);
  });
  test('the document never turns on shell tracing and never prints a password variable', () => {
    const text = JSON.stringify(activationDocumentContent());
    expect(text).not.toMatch(/set -[a-z]*x/);
    expect(text).toContain('set +x');
    expect(text).not.toMatch(/(echo|printf '[^']*') "?\$(ADMIN_PW|KMS_PW)\b/);
  });
});

describe('repeated runs (idempotency)', () => {
  test('a cluster that is already ACTIVE with kmsuser is left as it is', () => {
    client.runAll();
    const users = client.read('users');
    const again = client.runAll({ ClusterState: 'ACTIVE', RunId: 'request-2' });
    expect(again.status).toBe(0);
    expect(client.read('users')).toBe(users);
    expect(diagnostics(client.runs[8])).toEqual(['KMI: cluster-abcdefghijk is already ACTIVE: nothing to activate']);
    expect(client.read('argv.log').split('\n').filter((l) => l === 'cloudhsm-cli cluster activate')).toHaveLength(1);
    expect(client.read('argv.log').split('\n').filter((l) => l.startsWith('cloudhsm-cli user create'))).toHaveLength(1);
  });
  test('an ACTIVE cluster without kmsuser gets kmsuser, without a second activation', () => {
    client.write('activated', ADMIN_PW);
    const run = client.runAll({ ClusterState: 'ACTIVE' });
    expect(run.status).toBe(0);
    expect(diagnostics(client.runs[3])).toEqual(['KMI: cluster-abcdefghijk is already ACTIVE: nothing to activate']);
    expect(client.read('users')).toBe('kmsuser crypto-user\n');
  });
  test('the CLI is not downloaded again when it is installed', () => {
    const run = client.run('InstallCloudHsmCli');
    expect(run.status).toBe(0);
    expect(diagnostics(run)).toEqual(['KMI: CloudHSM CLI already installed']);
    expect(client.read('argv.log')).not.toContain('curl');
  });
});

describe('installation', () => {
  test('a new client downloads the package from the given URL and installs it with dnf', () => {
    const fresh = new FakeClient({ installed: false });
    try {
      const run = fresh.run('InstallCloudHsmCli');
      expect(run.status).toBe(0);
      expect(fresh.read('argv.log')).toMatch(/^curl -fsS .* -o \S+\/cloudhsm-cli\.rpm https:\/\/s3\.amazonaws\.com\/cloudhsmv2-software\/CloudHsmClient\/Amzn2023\/cloudhsm-cli-latest\.amzn2023\.x86_64\.rpm$/m);
      expect(fresh.read('argv.log')).toMatch(/^dnf install -y \S+\/cloudhsm-cli\.rpm$/m);
    } finally {
      fresh.cleanup();
    }
  });
  test('a download that fails names the URL and curl\'s error', () => {
    const fresh = new FakeClient({ installed: false });
    try {
      const run = fresh.run('InstallCloudHsmCli', {}, { FAKE_CURL_FAIL: '1' });
      expect(run.status).not.toBe(0);
      expect(diagnostics(run)).toEqual([`KMI: could not download ${PARAMETERS.PackageUrl} (curl: (7) Failed to connect to s3.amazonaws.com port 443: Connection timed out )`]);
    } finally {
      fresh.cleanup();
    }
  });
});

describe('failures name what went wrong', () => {
  test('a step does not run when the step before it failed in the same run', () => {
    client.run('InstallCloudHsmCli');
    const anchor = client.run('InstallTrustAnchor', {}, { FAKE_ANCHOR_MISSING: '1' });
    expect(diagnostics(anchor)[0]).toMatch(/^KMI: could not read the SSM parameter \/kmi\/cluster-abcdefghijk\/trust-anchor \(An error occurred \(ParameterNotFound\)/);
    const next = client.run('ConfigureCli');
    expect(next.status).not.toBe(0);
    expect(diagnostics(next)).toEqual(['KMI: not run: the step InstallTrustAnchor did not succeed']);
    expect(client.read('configured')).toBe('');
  });
  test('an HSM that cannot be reached on TCP 2223 is named', () => {
    client.run('InstallCloudHsmCli');
    client.run('InstallTrustAnchor');
    const run = client.run('ConfigureCli', {}, { FAKE_TCP_RC: '124' });
    expect(diagnostics(run)).toEqual(['KMI: cannot reach the HSM at 10.0.1.10 on TCP 2223 from this instance']);
  });
  test('a secret the role may not read is named, with the AWS error', () => {
    const run = client.runAll({ AdminPasswordSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:Other-XyZ123' });
    expect(run.status).not.toBe(0);
    expect(diagnostics(run)[0]).toMatch(/^KMI: could not read the secret arn:aws:secretsmanager:us-east-1:111111111111:secret:Other-XyZ123 \(An error occurred \(AccessDeniedException\).*the client role needs secretsmanager:GetSecretValue/);
  });
  test('a secret that does not hold 8 to 32 letters and digits is refused before the CLI runs', () => {
    const run = client.runAll({}, { FAKE_ADMIN_VALUE: 'short' });
    expect(diagnostics(run)).toEqual([`KMI: the secret ${ADMIN_ARN} must hold 8 to 32 letters and digits`]);
    expect(client.read('activated')).toBe('');
  });
  test('the same password in both secrets is refused', () => {
    const run = client.runAll({}, { FAKE_KMS_VALUE: ADMIN_PW });
    expect(diagnostics(run)).toEqual(['KMI: the admin and kmsuser passwords are the same: give one of the secrets a new value']);
    expect(client.read('users')).toBe('');
  });
  test('a cluster activated with another password: the user list as admin fails', () => {
    client.write('activated', 'AnotherAdminPasswordSetElsewhere');
    const run = client.runAll({ ClusterState: 'ACTIVE' });
    expect(run.status).not.toBe(0);
    expect(diagnostics(run)).toEqual(['KMI: could not list the users of cluster-abcdefghijk as admin (exit code 1)']);
  });
  test('an activation the CLI refuses fails the step with the CLI answer', () => {
    client.write('activated', ADMIN_PW);
    const run = client.runAll();
    expect(client.runs.map((r) => r.status)).toEqual([0, 0, 0, 1]);
    expect(run.stderr).toContain('"data": "The cluster is already activated"');
    expect(diagnostics(run)).toEqual(['KMI: cluster activate did not succeed for cluster-abcdefghijk (exit code 1)']);
  });
  test('a kmsuser with another role is refused: AWS KMS needs a crypto user', () => {
    client.write('users', 'kmsuser admin\n');
    const run = client.runAll();
    expect(diagnostics(run)).toEqual(['KMI: a user named kmsuser exists on cluster-abcdefghijk with role admin: AWS KMS needs it to be a crypto user']);
  });
  test('a kmsuser that is not on every HSM is refused', () => {
    const run = client.runAll({}, { FAKE_COVERAGE: 'partial' });
    expect(diagnostics(run).pop()).toBe('KMI: kmsuser is not on every HSM of cluster-abcdefghijk (cluster-coverage partial)');
  });
});

describe('document', () => {
  test('has one Linux shell step per activation step, in order, with the parameters the handler sends', () => {
    const content = activationDocumentContent() as any;
    expect(content.schemaVersion).toBe('2.2');
    expect(content.mainSteps.map((s: any) => [s.action, s.name])).toEqual(ACTIVATION_STEPS.map((s) => ['aws:runShellScript', s.name]));
    expect(Object.keys(content.parameters).sort()).toEqual(Object.keys(PARAMETERS).sort());
  });
  test.each(Object.entries(PARAMETERS))('the test value of %s matches its allowed pattern', (name, value) => {
    expect(value).toMatch(new RegExp(DOCUMENT_PARAMETER_PATTERNS[name as keyof typeof DOCUMENT_PARAMETER_PATTERNS]));
  });
  test.each([
    ['ClusterId', "cluster-abcdefghijk'; reboot #"],
    ['HsmIpAddresses', '10.0.0.1; curl evil'],
    ['TrustAnchorParameterName', "/a'b"],
    ['PackageUrl', 'http://mirror.example.com/cli.rpm'],
    ['PackageUrl', 'https://mirror.example.com/cli.rpm?x=$(id)'],
    ['AdminPasswordSecretArn', "arn:aws:secretsmanager:us-east-1:111111111111:secret:a'b"],
    ['RunId', '../../etc'],
  ])('the pattern of %s refuses %p (shell characters never reach the script)', (name, value) => {
    expect(value).not.toMatch(new RegExp(DOCUMENT_PARAMETER_PATTERNS[name as keyof typeof DOCUMENT_PARAMETER_PATTERNS]));
  });
});
