/**
 * EncryptedTable and FieldLevelEncryptionKeys, deployed: the table is encrypted with its own key and
 * has point-in-time recovery; the field key rotates; the blind-index key is an HMAC_256 key; the
 * branch key store is a table keyed by branch-key-id and type. Deploy with `npx projen integ:deploy`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { EncryptedTable, FieldLevelEncryptionKeys, SearchableFieldKeys } from '../src';

const app = new App();
// EncryptedTable needs a Region: the customer managed key of a TableV2 is rendered per Region. The
// assertions stack shares the environment, so it can read the tables' names.
const env = { region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' };
const stack = new Stack(app, 'KmiFieldLevelEncryptionKeysInteg', { env });

const table = new EncryptedTable(stack, 'Records', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  deletionProtection: false,
  removalPolicy: RemovalPolicy.DESTROY,
});
const hmacKeys = new FieldLevelEncryptionKeys(stack, 'HmacFields', {
  encryptionContext: { purpose: 'integ-records' },
  removalPolicy: RemovalPolicy.DESTROY,
});
const storeKeys = new FieldLevelEncryptionKeys(stack, 'StoreFields', {
  encryptionContext: { purpose: 'integ-records' },
  searchableFields: SearchableFieldKeys.BRANCH_KEY_STORE,
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'FieldLevelEncryptionKeys', {
  testCases: [stack],
  assertionStack: new Stack(app, 'KmiFieldLevelEncryptionKeysAssertions', { env }),
});

integ.assertions
  .awsApiCall('DynamoDB', 'describeTable', { TableName: table.tableName })
  .expect(ExpectedResult.objectLike({
    Table: Match.objectLike({ SSEDescription: Match.objectLike({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: table.tableKey!.keyArn }) }),
  }));

integ.assertions
  .awsApiCall('DynamoDB', 'describeContinuousBackups', { TableName: table.tableName })
  .expect(ExpectedResult.objectLike({
    ContinuousBackupsDescription: Match.objectLike({ PointInTimeRecoveryDescription: Match.objectLike({ PointInTimeRecoveryStatus: 'ENABLED' }) }),
  }));

integ.assertions
  .awsApiCall('KMS', 'getKeyRotationStatus', { KeyId: hmacKeys.fieldKey.keyArn })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true }));

integ.assertions
  .awsApiCall('KMS', 'describeKey', { KeyId: hmacKeys.macKey!.keyArn })
  .expect(ExpectedResult.objectLike({
    KeyMetadata: Match.objectLike({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', MacAlgorithms: Match.arrayWith(['HMAC_SHA_256']) }),
  }));

integ.assertions
  .awsApiCall('DynamoDB', 'describeTable', { TableName: storeKeys.branchKeyStore!.tableName })
  .expect(ExpectedResult.objectLike({
    Table: Match.objectLike({
      KeySchema: [{ AttributeName: 'branch-key-id', KeyType: 'HASH' }, { AttributeName: 'type', KeyType: 'RANGE' }],
    }),
  }));
