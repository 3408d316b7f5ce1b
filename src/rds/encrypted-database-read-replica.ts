import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { checkPrivateSubnets, defaultPrivateSubnets, newDatabaseKey, refuseBoolean, UNENCRYPTED_SOURCE_FIX } from './database-parts';
import { checkIamAuthentication, DB2_TLS_PORT, requireKnownEngine, tlsParameters } from './engine-rules';
import { acknowledgeDatabaseChoices } from './nag-acknowledgements';
import { acknowledgeRule } from '../private/acknowledge';
import { childPath, KmiValidationError } from '../private/errors';

/**
 * Properties of an `EncryptedDatabaseInstanceReadReplica`.
 *
 * All of `rds.DatabaseInstanceReadReplicaProps` apply, with these differences:
 * - `sourceDatabaseInstance`: its engine must be known; a source defined in the app whose storage is not
 *   encrypted is refused.
 * - `storageEncrypted`: always true; false is refused.
 * - `storageEncryptionKey`: default a new `KmsKeyWithRotation` in the replica's stack, so in the
 *   replica's Region (a KMS key is usable only in its own Region).
 * - `parameterGroup`: refused; the replica gets one of its own that requires TLS.
 * - `iamAuthentication`: default true where the engine supports it; the other value is refused.
 * - `publiclyAccessible`: always false. `vpcSubnets`: private or isolated subnets only.
 * - `multiAz`: default true. `deletionProtection`: default true. `removalPolicy`: default SNAPSHOT.
 */
export interface EncryptedDatabaseInstanceReadReplicaProps extends rds.DatabaseInstanceReadReplicaProps {}

/**
 * A read replica of an encrypted RDS instance, in the same or another Region, encrypted with a key of
 * its own Region, requiring TLS, private and with IAM authentication.
 *
 * RDS cannot make an encrypted replica of an unencrypted instance; a source defined in the app whose
 * storage is not encrypted is refused, with the documented path: snapshot, copy the snapshot with a
 * KMS key, restore the copy
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html#Overview.Encryption.Limitations).
 * A cross-Region replica takes a key of the destination Region
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html).
 *
 * @example
 * declare const source: EncryptedDatabaseInstance;
 * declare const vpc: ec2.IVpc;
 *
 * new EncryptedDatabaseInstanceReadReplica(this, 'Replica', {
 *   sourceDatabaseInstance: source,
 *   instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
 *   vpc,
 * });
 */
export class EncryptedDatabaseInstanceReadReplica extends rds.DatabaseInstanceReadReplica {
  /** The key of the replica's Region that encrypts it. */
  public readonly storageEncryptionKey: kms.IKeyRef;

  constructor(scope: Construct, id: string, props: EncryptedDatabaseInstanceReadReplicaProps) {
    const path = childPath(scope, id);
    refuseBoolean(path, 'storageEncrypted', props.storageEncrypted, true, 'the replica is always encrypted');
    refuseBoolean(path, 'publiclyAccessible', props.publiclyAccessible, false, 'the replica is never public');
    if (props.parameterGroup !== undefined) {
      throw new KmiValidationError({ path, prop: 'parameterGroup', given: 'a parameter group', allowed: 'unset (the replica gets one that requires TLS)' });
    }
    checkPrivateSubnets(path, props.vpc, props.vpcSubnets);
    const engine = props.sourceDatabaseInstance.engine;
    if (engine === undefined) {
      throw new KmiValidationError({
        path,
        prop: 'sourceDatabaseInstance',
        given: 'an instance without an engine',
        allowed: 'an instance whose engine is known (defined in the app, or imported with fromDatabaseInstanceAttributes({ engine }))',
        fix: 'The replica\'s TLS parameter goes in a parameter group of the source engine\'s family.',
      });
    }
    const family = requireKnownEngine(path, engine.engineType, engine.parameterGroupFamily);
    refuseUnencryptedSource(path, props.sourceDatabaseInstance);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const storageKey = props.storageEncryptionKey
      ?? newDatabaseKey(scope, `${id}Key`, `Encrypts the RDS read replica ${path}`, removalPolicy);
    const parameterGroup = new rds.ParameterGroup(scope, `${id}Parameters`, {
      engine,
      description: `TLS required on ${path}`,
      parameters: tlsParameters(family, DB2_TLS_PORT),
    });

    super(scope, id, {
      ...props,
      storageEncrypted: true,
      storageEncryptionKey: storageKey,
      publiclyAccessible: false,
      // Left unset where the engine has no IAM authentication, so the template states nothing it cannot have.
      iamAuthentication: checkIamAuthentication(path, family, props.iamAuthentication) ? true : undefined,
      deletionProtection: props.deletionProtection ?? true,
      multiAz: props.multiAz ?? true,
      removalPolicy,
      parameterGroup,
      vpcSubnets: props.vpcSubnets ?? defaultPrivateSubnets(props.vpc),
    });
    // A replica inherits encryption from its source; CloudFormation takes KmsKeyId (required across
    // Regions) but not StorageEncrypted with SourceDBInstanceIdentifier
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-storageencrypted).
    (this.node.defaultChild as rds.CfnDBInstance).storageEncrypted = undefined;
    this.storageEncryptionKey = storageKey;
    acknowledgeDatabaseChoices(this);
    acknowledgeRule(this, 'RDSStorageEncrypted',
      'A read replica inherits encryption from its source (CloudFormation refuses StorageEncrypted beside SourceDBInstanceIdentifier): the construct refuses an unencrypted source and sets the replica key (KmsKeyId) of its Region.',
      'AwsSolutions-RDS2');
  }
}

/** Refuses a source instance defined in this app whose storage is not encrypted. */
function refuseUnencryptedSource(path: string, source: rds.IDatabaseInstance): void {
  const cfn = source.node.defaultChild;
  if (!(cfn instanceof rds.CfnDBInstance)) {
    return; // imported: RDS itself refuses an encrypted replica of an unencrypted source
  }
  const encrypted = Stack.of(cfn).resolve(cfn.storageEncrypted);
  if (encrypted !== true && encrypted !== 'true') {
    throw new KmiValidationError({
      path,
      prop: 'sourceDatabaseInstance',
      given: `${source.node.path}, whose storage is not encrypted`,
      allowed: 'an instance with encrypted storage',
      fix: UNENCRYPTED_SOURCE_FIX,
    });
  }
}
