/**
 * The steps of the CloudHSM activation command document, shared by the document (which runs them on
 * the client instance) and the custom resource handlers (which poll them and explain a failure).
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */

/** The crypto user that AWS KMS logs in as to use a CloudHSM key store. */
export const KMS_USER_NAME = 'kmsuser';

/**
 * Prefix of the lines a step writes for people: the handlers surface only these lines of a step's
 * output, never the raw output of the tools it runs.
 */
export const DIAGNOSTIC_PREFIX = 'KMI: ';

/** One step of the activation document. */
export interface ActivationStep {
  /** The step name (the document's `mainSteps[].name`, the `PluginName` of GetCommandInvocation). */
  readonly name: string;
  /** What to check when the step fails. */
  readonly check: string;
}

/** The steps, in the order they run. Each step runs only if the one before it succeeded in the same run. */
export const ACTIVATION_STEPS: readonly ActivationStep[] = [
  {
    name: 'InstallCloudHsmCli',
    check: 'the client instance downloads the CloudHSM CLI package over HTTPS: its subnet needs a route to the package URL '
      + '(a NAT gateway, or your own mirror given as cloudHsmCliPackageUrl) and to the Amazon Linux package repositories',
  },
  {
    name: 'InstallTrustAnchor',
    check: 'the client reads the trust anchor certificate from its SSM parameter: the parameter must exist and hold the PEM '
      + 'certificate, and the subnet needs a route to Systems Manager (NAT or an ssm VPC endpoint)',
  },
  {
    name: 'ConfigureCli',
    check: 'the client must reach every HSM on TCP 2223-2225: the client security group allows egress to the cluster security '
      + 'group, the cluster security group must allow ingress from the client security group, and network ACLs must allow both ways',
  },
  {
    name: 'ActivateCluster',
    check: 'the cluster must be INITIALIZED with the certificate signed by the trust anchor in the SSM parameter, and the client '
      + 'role must be able to read the admin password secret (secretsmanager:GetSecretValue, kms:Decrypt through Secrets Manager)',
  },
  {
    name: 'CreateKmsUser',
    check: 'the admin password secret must hold the password set at activation (a cluster activated elsewhere has another one), '
      + 'admin must not be locked out, and a user named kmsuser, if present, must be a crypto user on every HSM',
  },
];

/** Values of the `ClientAfterActivation` property: what happens to the client instance once the activation succeeded. */
export const CLIENT_AFTER_ACTIVATION = ['TERMINATE', 'STOP', 'KEEP_RUNNING'] as const;
