/**
 * The handler that turns EBS encryption by default on in each account and Region of the StackSet,
 * as inline code (`AWS::Lambda::Function` `Code.ZipFile`, at most 4,096 characters): member accounts
 * cannot read the management account's CDK asset bucket, so the code travels in the template. It uses
 * the AWS SDK for JavaScript v3 that the Node.js runtime includes, and answers CloudFormation itself
 * (an HTTPS PUT of the response object to the pre-signed `ResponseURL`).
 *
 * - Create and Update: checks the key (enabled, symmetric, for encryption: EC2 accepts a bad key and
 *   fails launches later), sets it as the default key, then turns encryption by default on, so that
 *   there is no moment when new volumes get `aws/ebs`.
 * - Delete: changes nothing. Removing the stack instance never weakens the account (RETAIN).
 * - Any error answers FAILED with the error's message, so the stack instance fails visibly.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html (SDK v3 in the runtime)
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html (ZipFile limit)
 */
export const EBS_DEFAULT_INLINE_HANDLER = `const { EC2Client, EnableEbsEncryptionByDefaultCommand, ModifyEbsDefaultKmsKeyIdCommand } = require('@aws-sdk/client-ec2');
const { KMSClient, DescribeKeyCommand } = require('@aws-sdk/client-kms');
const https = require('https');
const respond = (e, status, reason, data) => new Promise((resolve, reject) => {
  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: 'ebs-encryption-by-default',
    StackId: e.StackId, RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId, Data: data });
  const url = new URL(e.ResponseURL);
  const req = https.request({ hostname: url.hostname, path: url.pathname + url.search, method: 'PUT',
    headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
  req.on('error', reject);
  req.end(body);
});
exports.handler = async (e) => {
  try {
    let data = {};
    if (e.RequestType !== 'Delete') {
      const keyId = e.ResourceProperties.KmsKeyId;
      const k = (await new KMSClient({}).send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
      if (k.KeyState !== 'Enabled' || k.KeySpec !== 'SYMMETRIC_DEFAULT' || k.KeyUsage !== 'ENCRYPT_DECRYPT') {
        throw new Error('key ' + keyId + ' is ' + [k.KeyState, k.KeySpec, k.KeyUsage].join(' ') + '; EBS needs an enabled symmetric encryption key');
      }
      const ec2 = new EC2Client({});
      await ec2.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: k.Arn }));
      await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
      data = { KmsKeyArn: k.Arn };
    }
    await respond(e, 'SUCCESS', 'EBS encryption by default is on', data);
  } catch (err) {
    console.error(err);
    await respond(e, 'FAILED', String((err && err.message) || err).slice(0, 500), {});
  }
};
`;

/** The most characters CloudFormation accepts in `Code.ZipFile`. */
export const ZIP_FILE_MAX_CHARACTERS = 4096;
