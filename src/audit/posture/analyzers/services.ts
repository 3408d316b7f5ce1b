/**
 * Posture of application services that keep data: SQS queues, SNS topics, Kinesis data streams,
 * Firehose delivery streams, CloudWatch Logs log groups, Secrets Manager secrets.
 */
import { awsManagedKey, awsOwnedKey, describeKey } from '../keys';
import { isUndecided } from '../read/template';
import { allowsAnyone, Analyzer, encryptedWith, inherited, tlsFromPolicy, unencrypted, undecided } from '../rows';

/** `AWS::SQS::Queue`: SSE-KMS, SSE-SQS (the default for new queues) or none; TLS and public access from its queue policies. */
export const analyzeQueue: Analyzer = (ctx, logicalId, props) => {
  const policies = ctx.policyStatements('AWS::SQS::QueuePolicy', 'Queues', logicalId);
  const transport = tlsFromPolicy(policies, 'queue');
  const extras = { tls: transport.tls, findings: [...transport.findings, ...allowsAnyone(policies.statements, 'queue')] };
  if (isUndecided(props.KmsMasterKeyId) || isUndecided(props.SqsManagedSseEnabled)) {
    return undecided(ctx, isUndecided(props.KmsMasterKeyId) ? props.KmsMasterKeyId : props.SqsManagedSseEnabled, extras);
  }
  if (props.KmsMasterKeyId !== undefined) {
    return encryptedWith('SSE-KMS', describeKey(ctx, props.KmsMasterKeyId, awsManagedKey('aws/sqs')), extras);
  }
  if (props.SqsManagedSseEnabled === false || props.SqsManagedSseEnabled === 'false') {
    return unencrypted('queue not encrypted (SqsManagedSseEnabled false, no KMS key)', extras);
  }
  return encryptedWith(props.SqsManagedSseEnabled === undefined ? 'SSE-SQS (SQS default)' : 'SSE-SQS', awsOwnedKey('SSE-SQS'), extras);
};

/** `AWS::SNS::Topic`: a topic without `KmsMasterKeyId` is not encrypted at rest. */
export const analyzeTopic: Analyzer = (ctx, logicalId, props) => {
  const policies = ctx.policyStatements('AWS::SNS::TopicPolicy', 'Topics', logicalId);
  const transport = tlsFromPolicy(policies, 'topic');
  const extras = { tls: transport.tls, findings: [...transport.findings, ...allowsAnyone(policies.statements, 'topic')] };
  if (isUndecided(props.KmsMasterKeyId)) {
    return undecided(ctx, props.KmsMasterKeyId, extras);
  }
  if (props.KmsMasterKeyId === undefined) {
    return unencrypted('topic not encrypted (no KmsMasterKeyId)', extras);
  }
  return encryptedWith('SSE-KMS', describeKey(ctx, props.KmsMasterKeyId, awsManagedKey('aws/sns')), extras);
};

/** `AWS::Kinesis::Stream`: `StreamEncryption` KMS, or none. */
export const analyzeStream: Analyzer = (ctx, _logicalId, props) => {
  const encryption = props.StreamEncryption;
  if (isUndecided(encryption)) {
    return undecided(ctx, encryption);
  }
  if (encryption?.EncryptionType !== 'KMS') {
    return unencrypted('Kinesis data stream not encrypted (no StreamEncryption)');
  }
  return encryptedWith('Kinesis (KMS)', describeKey(ctx, encryption.KeyId, awsManagedKey('aws/kinesis')));
};

/** `AWS::KinesisFirehose::DeliveryStream`: server-side encryption, or its source stream's when it reads one. */
export const analyzeDeliveryStream: Analyzer = (ctx, _logicalId, props) => {
  const sse = props.DeliveryStreamEncryptionConfigurationInput;
  if (isUndecided(sse)) {
    return undecided(ctx, sse);
  }
  if (sse?.KeyType === 'CUSTOMER_MANAGED_CMK') {
    return encryptedWith('Firehose (KMS)', describeKey(ctx, sse.KeyARN, awsOwnedKey('Firehose')));
  }
  if (sse?.KeyType === 'AWS_OWNED_CMK') {
    return encryptedWith('Firehose (AWS owned key)', awsOwnedKey('Firehose'));
  }
  if (props.KinesisStreamSourceConfiguration !== undefined || props.MSKSourceConfiguration !== undefined) {
    return inherited('its source stream\'s', 'reads a Kinesis or MSK stream: data at rest is protected as the source stream is');
  }
  return unencrypted('Firehose delivery stream without server-side encryption');
};

/**
 * `AWS::Logs::LogGroup`: a customer managed key, or CloudWatch Logs' own server-side encryption
 * (keys CloudWatch Logs owns: an AWS owned key, not an `aws/*` key of the account).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export const analyzeLogGroup: Analyzer = (ctx, _logicalId, props) => {
  if (props.KmsKeyId === undefined) {
    return encryptedWith('CloudWatch Logs (service encryption)', awsOwnedKey('CloudWatch Logs'));
  }
  return encryptedWith('CloudWatch Logs (KMS)', describeKey(ctx, props.KmsKeyId, awsOwnedKey('CloudWatch Logs')));
};

/** `AWS::SecretsManager::Secret`: a customer managed key, or `aws/secretsmanager`. */
export const analyzeSecret: Analyzer = (ctx, _logicalId, props) =>
  encryptedWith('Secrets Manager (KMS)', describeKey(ctx, props.KmsKeyId, awsManagedKey('aws/secretsmanager')));
