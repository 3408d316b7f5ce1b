import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acmpca from 'aws-cdk-lib/aws-acmpca';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { InitializationProperties } from './handler/resource-properties';
import { KmsKeyWithRotation } from '../../kms/kms-key-with-rotation';
import { acknowledgeRule } from '../../private/acknowledge';
import { KmiValidationError } from '../../private/errors';
import { checkDays } from '../../private/prop-checks';

/** The initialization properties that depend on the trust anchor. */
type TrustAnchorProperties = Omit<InitializationProperties, 'ClusterId' | 'TrustAnchor' | 'TrustAnchorParameterName' | 'RemovalPolicy' | 'ValidityDays'>;

/** What a trust anchor adds to its cluster. */
interface TrustAnchorBinding {
  /** Permissions the cluster's handlers need for this anchor. */
  readonly statements: iam.PolicyStatement[];
  /** The initialization properties of this anchor. */
  readonly properties: TrustAnchorProperties;
  /** The secret that keeps a self-managed root. */
  readonly secret?: secretsmanager.ISecret;
}

/** Validity of the trust anchor and of the cluster certificate unless said otherwise: ten years. */
const DEFAULT_TRUST_ANCHOR_VALIDITY_DAYS = 3652;
const MIN_VALIDITY_DAYS = 365;
const MAX_VALIDITY_DAYS = 10950;
/** Longest certificate PEM accepted: the limit of a KMS custom key store's `TrustAnchorCertificate`. */
const MAX_PEM_LENGTH = 5000;
const PEM_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----\s+[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*$/;

/** The RSA key size of a self-managed trust anchor; CloudHSM accepts RSA 2048 and RSA 4096. */
export enum TrustAnchorKeySize {
  /** RSA 2048. */
  RSA_2048 = 'RSA_2048',
  /** RSA 4096: the recommendation for a root meant to last beyond 2030. */
  RSA_4096 = 'RSA_4096',
}

/**
 * Options of a trust anchor that the construct creates and keeps.
 */
export interface SelfManagedTrustAnchorOptions {
  /**
   * The RSA key size of the self-signed root.
   *
   * @default TrustAnchorKeySize.RSA_4096
   */
  readonly keySize?: TrustAnchorKeySize;

  /**
   * The subject common name of the root (1 to 64 characters).
   *
   * @default 'cdk-kmi CloudHSM trust anchor'
   */
  readonly commonName?: string;

  /**
   * How long the root, and the cluster certificate it signs, are valid: whole days, 365 to 10950.
   * CloudHSM clients check the chain, so renew before it ends (a new cluster from a backup, initialized
   * with a new root).
   *
   * @default Duration.days(3652)
   */
  readonly validity?: Duration;

  /**
   * The KMS key that encrypts the secret holding the root's private key. The construct's handler uses
   * it through Secrets Manager; a key you pass must let the account's IAM policies grant that.
   *
   * @default - a new `KmsKeyWithRotation`
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Options of a trust anchor in AWS Private CA.
 */
export interface PrivateCaTrustAnchorOptions {
  /**
   * How long the cluster certificate the CA issues is valid: whole days, 365 to 10950, and never past
   * the CA's own end.
   *
   * @default Duration.days(3652), shortened to the CA's validity
   */
  readonly validity?: Duration;
}

/**
 * Options of a trust anchor that you keep outside AWS.
 */
export interface ExternalTrustAnchorOptions {
  /**
   * The cluster certificate: the cluster's CSR (the `ClusterCsr` output of the first deploy) signed
   * directly by `trustAnchorCertificate`, PEM, at most 5000 characters.
   *
   * @default - none: the deploy ends with the cluster UNINITIALIZED and its CSR as an output
   */
  readonly signedCertificate?: string;

  /**
   * The trust anchor: the self-signed root (RSA 2048 or 4096) that signed `signedCertificate`, PEM, at
   * most 5000 characters. Give it together with `signedCertificate`.
   *
   * @default - none: the deploy ends with the cluster UNINITIALIZED and its CSR as an output
   */
  readonly trustAnchorCertificate?: string;
}

/**
 * The trust anchor of a CloudHSM cluster: the self-signed root certificate that signs the cluster's
 * certificate when the cluster is initialized. CloudHSM clients and KMS custom key stores trust the
 * HSMs through it, so whoever holds its private key can vouch for an HSM: choose who that is.
 *
 * CloudHSM requires the root itself (RSA 2048 or 4096) to sign the cluster's CSR; an intermediate CA
 * cannot.
 *
 * @see https://docs.aws.amazon.com/cloudhsm/latest/userguide/initialize-cluster.html
 */
export class ClusterTrustAnchor {
  /**
   * The construct creates a self-signed root (RSA, Basic Constraints CA), signs the cluster's CSR with
   * it, and keeps its private key in a Secrets Manager secret encrypted with a KMS key that rotates.
   * The key never appears in a template, a response or a log.
   */
  public static selfManaged(options: SelfManagedTrustAnchorOptions = {}): ClusterTrustAnchor {
    return new ClusterTrustAnchor('SELF_MANAGED', options, options.validity, undefined, {});
  }

  /**
   * An AWS Private CA root issues the cluster certificate (`acm-pca:IssueCertificate`, end-entity
   * template, SHA256WITHRSA). The CA must be an ACTIVE root with an RSA 2048 or RSA 4096 key; that is
   * checked when deploying.
   */
  public static privateCa(certificateAuthority: acmpca.ICertificateAuthority, options: PrivateCaTrustAnchorOptions = {}): ClusterTrustAnchor {
    return new ClusterTrustAnchor('PRIVATE_CA', {}, options.validity, certificateAuthority, {});
  }

  /**
   * You sign the cluster's CSR with your own root. Deploy first without certificates: the cluster is
   * created with its first HSM and left UNINITIALIZED, and its CSR is the `ClusterCsr` output (and the
   * `clusterCsr` attribute). Sign it with your root, then deploy again with both certificates to
   * initialize the cluster and create the other HSMs.
   */
  public static external(options: ExternalTrustAnchorOptions = {}): ClusterTrustAnchor {
    return new ClusterTrustAnchor('EXTERNAL', {}, undefined, undefined, options);
  }

  /** @internal */
  public readonly _kind: 'SELF_MANAGED' | 'PRIVATE_CA' | 'EXTERNAL';
  /** @internal */
  public readonly _selfManaged: SelfManagedTrustAnchorOptions;
  /** @internal */
  public readonly _validity?: Duration;
  /** @internal */
  public readonly _certificateAuthority?: acmpca.ICertificateAuthority;
  /** @internal */
  public readonly _external: ExternalTrustAnchorOptions;

  private constructor(
    kind: 'SELF_MANAGED' | 'PRIVATE_CA' | 'EXTERNAL',
    selfManaged: SelfManagedTrustAnchorOptions,
    validity: Duration | undefined,
    certificateAuthority: acmpca.ICertificateAuthority | undefined,
    external: ExternalTrustAnchorOptions,
  ) {
    this._kind = kind;
    this._selfManaged = selfManaged;
    this._validity = validity;
    this._certificateAuthority = certificateAuthority;
    this._external = external;
  }

  /** @internal True for an external anchor whose certificates are not given yet. */
  public get _awaitingCertificates(): boolean {
    return this._kind === 'EXTERNAL' && this._external.signedCertificate === undefined;
  }

  /** @internal Validity in days of the root and the cluster certificate. */
  public get _validityDays(): number {
    return this._validity?.toDays() ?? DEFAULT_TRUST_ANCHOR_VALIDITY_DAYS;
  }

  /** @internal Refuses options that cannot work, naming the construct path. */
  public _validate(path: string): void {
    checkDays(path, 'trustAnchor validity', this._validity, MIN_VALIDITY_DAYS, MAX_VALIDITY_DAYS);
    const commonName = this._selfManaged.commonName;
    if (commonName !== undefined && (commonName.length < 1 || commonName.length > 64)) {
      throw new KmiValidationError({
        path,
        prop: 'trustAnchor commonName',
        given: `'${commonName}' (${commonName.length} characters)`,
        allowed: '1 to 64 characters (the X.520 upper bound of a common name)',
      });
    }
    if (this._kind === 'EXTERNAL') {
      this.validateExternal(path);
    }
  }

  /**
   * @internal What this anchor adds to a cluster: the handler permissions it needs, its
   * initialization properties and, for a self-managed root, the secret that keeps it (children of
   * the cluster).
   */
  public _bind(cluster: Construct, options: { readonly destroy: boolean }): TrustAnchorBinding {
    switch (this._kind) {
      case 'SELF_MANAGED':
        return this.bindSelfManaged(cluster, options.destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
      case 'PRIVATE_CA':
        return this.bindPrivateCa(Stack.of(cluster));
      case 'EXTERNAL':
        return {
          statements: [],
          properties: this._awaitingCertificates ? {} : {
            SignedCertificate: this._external.signedCertificate!,
            TrustAnchorCertificate: this._external.trustAnchorCertificate!,
          },
        };
    }
  }

  private bindSelfManaged(cluster: Construct, removalPolicy: RemovalPolicy): TrustAnchorBinding {
    const stack = Stack.of(cluster);
    const options = this._selfManaged;
    const key = options.encryptionKey ?? new KmsKeyWithRotation(cluster, 'TrustAnchorKey', {
      description: `Encrypts the private key of the CloudHSM trust anchor of ${cluster.node.path}`,
      removalPolicy,
    });
    const secret = new secretsmanager.Secret(cluster, 'TrustAnchorSecret', {
      description: `Certificate and private key of the CloudHSM trust anchor of ${cluster.node.path} (written by the initialization)`,
      encryptionKey: key,
      removalPolicy,
    });
    acknowledgeRule(secret, 'SecretsManagerRotationEnabled',
      'The secret holds the private key of the cluster\'s trust anchor. It cannot rotate: the cluster was initialized with this '
      + 'root, and a new one means a new cluster.', 'AwsSolutions-SMG4');
    return {
      statements: [
        new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources: [secret.secretArn] }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
        }),
      ],
      properties: {
        CaSecretArn: secret.secretArn,
        KeySize: (options.keySize ?? TrustAnchorKeySize.RSA_4096) === TrustAnchorKeySize.RSA_2048 ? '2048' : '4096',
        CommonName: options.commonName ?? 'cdk-kmi CloudHSM trust anchor',
      },
      secret,
    };
  }

  private bindPrivateCa(stack: Stack): TrustAnchorBinding {
    const caArn = this._certificateAuthority!.certificateAuthorityArn;
    return {
      statements: [
        new iam.PolicyStatement({
          actions: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificateAuthorityCertificate', 'acm-pca:GetCertificate'],
          resources: [caArn],
        }),
        new iam.PolicyStatement({
          actions: ['acm-pca:IssueCertificate'],
          resources: [caArn],
          conditions: { StringEquals: { 'acm-pca:TemplateArn': `arn:${stack.partition}:acm-pca:::template/EndEntityCertificate/V1` } },
        }),
      ],
      properties: { CertificateAuthorityArn: caArn },
    };
  }

  private validateExternal(path: string): void {
    const { signedCertificate, trustAnchorCertificate } = this._external;
    if ((signedCertificate === undefined) !== (trustAnchorCertificate === undefined)) {
      throw new KmiValidationError({
        path,
        prop: 'trustAnchor (external)',
        given: signedCertificate === undefined ? 'trustAnchorCertificate without signedCertificate' : 'signedCertificate without trustAnchorCertificate',
        allowed: 'both certificates, or neither (the first deploy, which outputs the cluster CSR to sign)',
      });
    }
    for (const [prop, pem] of [['signedCertificate', signedCertificate], ['trustAnchorCertificate', trustAnchorCertificate]] as const) {
      if (pem === undefined) {
        continue;
      }
      if (pem.length > MAX_PEM_LENGTH || !PEM_CERTIFICATE.test(pem)) {
        throw new KmiValidationError({
          path,
          prop: `trustAnchor ${prop}`,
          given: pem.length > MAX_PEM_LENGTH ? `${pem.length} characters` : `'${pem.slice(0, 40)}…'`,
          allowed: `one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----), at most ${MAX_PEM_LENGTH} characters`,
        });
      }
    }
  }
}
