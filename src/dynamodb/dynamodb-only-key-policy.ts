import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KEY_ADMIN_ACTIONS } from '../private/kms-actions';

/** What DynamoDB asks of a table's key on behalf of the principals that read and write the table. */
const DYNAMODB_KEY_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * A key policy that lets the account administer the key through IAM and lets principals of the
 * account use it only through DynamoDB in this Region (`kms:ViaService` `dynamodb.<region>.amazonaws.com`,
 * `kms:CallerAccount` this account), with `kms:CreateGrant` only for AWS resources, and DynamoDB itself
 * describe the key. The shape of the key policy DynamoDB documents for a customer managed key
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html#dynamodb-kms-authz).
 *
 * A principal's IAM policy (such as the statements the table's `grant*` methods add) is then effective
 * only for requests DynamoDB makes on its behalf: the same principal calling KMS directly is refused.
 */
export function dynamoDbOnlyKeyPolicy(stack: Stack): iam.PolicyDocument {
  const account = new iam.AccountRootPrincipal();
  const viaDynamoDb = {
    'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com`,
    'kms:CallerAccount': stack.account,
  };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AllowKeyAdministrationThroughIam',
        principals: [account],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'AllowUseThroughDynamoDbOnly',
        principals: [account],
        actions: DYNAMODB_KEY_USE_ACTIONS,
        resources: ['*'],
        conditions: { StringEquals: viaDynamoDb },
      }),
      new iam.PolicyStatement({
        sid: 'AllowGrantsForDynamoDbThroughDynamoDbOnly',
        principals: [account],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: viaDynamoDb, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      new iam.PolicyStatement({
        // DynamoDB checks the key (that it is a symmetric encryption key, enabled) as itself.
        sid: 'AllowDynamoDbToDescribeTheKey',
        principals: [new iam.ServicePrincipal('dynamodb.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    ],
  });
}
