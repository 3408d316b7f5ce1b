import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RedshiftEncryptedCluster } from '../../src';
import { ACCOUNT, newStack, synth } from '../util/app';
import { TemplateResolver } from '../util/resolve';
import { evaluate } from '../util/simulate';

/**
 * The default audit log bucket's policy, evaluated for Redshift's log delivery: the service principal
 * `redshift.amazonaws.com` puts log objects under the prefix and reads the bucket ACL
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html#db-auditing-bucket-permissions),
 * with `aws:SourceAccount` the cluster's account, over TLS.
 */
const stack = newStack();
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
const cluster = new RedshiftEncryptedCluster(stack, 'Warehouse', { vpc });
const resolver = new TemplateResolver(synth(stack).toJSON());
const bucketLogicalId = resolver.logicalId('AWS::S3::Bucket', 'WarehouseAuditLogs');
const bucketPolicy = resolver.properties(resolver.logicalId('AWS::S3::BucketPolicy', 'WarehouseAuditLogsPolicy')).PolicyDocument;
const prefix = `redshift/${cluster.node.addr}/`;

function redshift(action: string, resource: string, sourceAccount = ACCOUNT) {
  return evaluate({
    principal: 'redshift.amazonaws.com',
    action,
    resource,
    resourcePolicy: bucketPolicy,
    context: { 'aws:SourceAccount': sourceAccount, 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': 'redshift.amazonaws.com' },
  });
}

test('Redshift may put log objects under the prefix', async () => {
  const key = `${prefix}AWSLogs/${ACCOUNT}/redshift/us-east-1/2026/12/02/${ACCOUNT}_redshift_us-east-1_warehouse_userlog_2026-12-02T06:00.gz`;
  expect(await redshift('s3:PutObject', `${resolver.bucketArn(bucketLogicalId)}/${key}`)).toEqual('Allowed');
});
test('Redshift may read the bucket ACL, which it checks when logging is enabled', async () => {
  expect(await redshift('s3:GetBucketAcl', resolver.bucketArn(bucketLogicalId))).toEqual('Allowed');
});
test('Redshift may not write outside the prefix', async () => {
  expect(await redshift('s3:PutObject', `${resolver.bucketArn(bucketLogicalId)}/elsewhere/log.gz`)).toEqual('ImplicitlyDenied');
});
test('Redshift acting for another account may not write', async () => {
  expect(await redshift('s3:PutObject', `${resolver.bucketArn(bucketLogicalId)}/${prefix}x.gz`, '222222222222')).toEqual('ImplicitlyDenied');
});
