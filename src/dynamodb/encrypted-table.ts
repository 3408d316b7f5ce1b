import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { dynamoDbOnlyKeyPolicy } from './dynamodb-only-key-policy';
import { KmsKeyWithRotation } from '../kms/kms-key-with-rotation';
import { acknowledgeRule } from '../private/acknowledge';
import { childPath, KmiValidationError } from '../private/errors';

/**
 * Properties of an `EncryptedTable`.
 *
 * All of `dynamodb.TablePropsV2` apply, with these differences:
 * - `encryption`: default `TableEncryptionV2.customerManagedKey` with a new `KmsKeyWithRotation` that
 *   principals of the account may use only through DynamoDB. `customerManagedKey(key, replicaKeyArns)`
 *   with a key of your own (a key in a CloudHSM custom key store gives option 2) and `awsManagedKey()`
 *   are accepted; `dynamoOwnedKey()` (a key AWS owns, outside your account, that you cannot see, audit
 *   or revoke) is refused unless `allowAwsOwnedKey` is true. With a customer managed key the stack needs
 *   an explicit Region.
 * - `pointInTimeRecoverySpecification`: default on (DynamoDB's recovery period, 35 days); off is
 *   refused, and so is the deprecated `pointInTimeRecovery: false`.
 * - `deletionProtection`: default true. `removalPolicy`: default RETAIN (as `TableV2`).
 * - `replicas`: need `encryption` with a key ARN for each replica Region; with the default key they are
 *   refused.
 */
export interface EncryptedTableProps extends dynamodb.TablePropsV2 {
  /**
   * Accept `encryption: TableEncryptionV2.dynamoOwnedKey()`.
   *
   * @default false
   */
  readonly allowAwsOwnedKey?: boolean;
}

/**
 * A DynamoDB table (`TableV2`) encrypted with a customer managed key, with point-in-time recovery and
 * deletion protection on.
 *
 * The key the construct creates rotates every year and lets principals of the account use it only
 * through DynamoDB in this Region (`kms:ViaService` `dynamodb.<region>.amazonaws.com`): the table's
 * `grant*` methods give a role the key actions, and the key policy makes them work only for the
 * requests DynamoDB makes for that role. No principal can decrypt with the key by calling KMS directly.
 *
 * Replicas in other Regions need a key of their own Region each: pass
 * `TableEncryptionV2.customerManagedKey(key, { region: keyArn })`. The stack needs an explicit Region
 * (`env: { region }`): `TableV2` renders a customer managed key per Region.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
 *
 * @example
 * import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
 *
 * declare const app: iam.IRole;
 *
 * const table = new EncryptedTable(this, 'Orders', {
 *   partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
 * });
 * table.grantReadWriteData(app);
 */
export class EncryptedTable extends dynamodb.TableV2 {
  /** The key the construct created for the table, if it created one. */
  public readonly tableKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: EncryptedTableProps) {
    const path = childPath(scope, id);
    validateProps(path, props);
    if (Token.isUnresolved(Stack.of(scope).region) && props.encryption?.type !== dynamodb.TableEncryption.DEFAULT
      && props.encryption?.type !== dynamodb.TableEncryption.AWS_MANAGED) {
      throw new KmiValidationError({
        path,
        prop: 'encryption (the stack\'s region)',
        given: 'a customer managed key in a stack without an explicit Region',
        allowed: 'a stack with env: { region } (a customer managed key, and the table\'s replica settings, are per Region)',
        fix: 'Give the stack an environment: new Stack(app, \'Data\', { env: { account, region } }).',
      });
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const tableKey = props.encryption === undefined
      ? new KmsKeyWithRotation(scope, `${id}Key`, {
        description: `Encrypts the DynamoDB table ${path}; usable only through DynamoDB`,
        policy: dynamoDbOnlyKeyPolicy(Stack.of(scope)),
        // Backups and point-in-time recovery stay readable only while the key exists.
        removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      })
      : undefined;
    // The deprecated pointInTimeRecovery is left out (false is refused above; PITR is always on).
    const { pointInTimeRecovery: _deprecated, allowAwsOwnedKey: _allow, ...tableProps } = props;
    super(scope, id, {
      ...tableProps,
      encryption: props.encryption ?? dynamodb.TableEncryptionV2.customerManagedKey(tableKey!),
      pointInTimeRecoverySpecification: props.pointInTimeRecoverySpecification ?? { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    });
    this.tableKey = tableKey;
    acknowledgeRule(this, 'DynamoDBInBackupPlan',
      'Backup plans are chosen per workload, not per table: add it to an AWS Backup plan (BackupResource.fromConstruct). Point-in-time recovery is always on and the table is retained by default.');
  }
}

function validateProps(path: string, props: EncryptedTableProps): void {
  if (props.encryption?.type === dynamodb.TableEncryption.DEFAULT && props.allowAwsOwnedKey !== true) {
    throw new KmiValidationError({
      path,
      prop: 'encryption',
      given: 'TableEncryptionV2.dynamoOwnedKey()',
      allowed: 'customerManagedKey(key) or awsManagedKey(), or an AWS owned key with allowAwsOwnedKey: true',
      fix: 'An AWS owned key lives outside your account: you cannot see its policy, audit its use in CloudTrail or revoke it.',
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  if (props.pointInTimeRecovery === false) {
    throw new KmiValidationError({ path, prop: 'pointInTimeRecovery', given: 'false', allowed: 'true or unset (point-in-time recovery is always on)' });
  }
  const pitr = props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled;
  if (pitr !== undefined && !Token.isUnresolved(pitr) && pitr !== true) {
    throw new KmiValidationError({
      path,
      prop: 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled',
      given: `${pitr}`,
      allowed: 'true (point-in-time recovery is always on)',
    });
  }
  if (props.encryption === undefined && (props.replicas ?? []).length > 0) {
    throw new KmiValidationError({
      path,
      prop: 'replicas',
      given: `${props.replicas!.length} replica(s) with the default key`,
      allowed: 'replicas with encryption: TableEncryptionV2.customerManagedKey(key, { <region>: <key ARN in that Region> })',
      fix: 'A KMS key is usable only in its own Region: create a key in each replica Region and name it.',
    });
  }
}
