/**
 * The posture report and the KmiChecks pack read templates and policies with one reader (src/audit/cfn):
 * on the same statements they agree. These pin the cases where they once disagreed.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { KmiChecks } from '../../../src/audit/nag/kmi-checks';
import { analyzeTemplate, ResourcePosture } from '../../../src/audit/posture';
import { ACCOUNT, newStack, REGION, synth } from '../../util/app';

const SSE = 's3:x-amz-server-side-encryption';

/** The report's row of the one resource of `type`, and whether the pack's rule flags it. */
function both(stack: Stack, type: string, rule: string): { row: ResourcePosture; flagged: boolean } {
  const rows = analyzeTemplate('TestStack', synth(stack).toJSON(), { account: ACCOUNT, region: REGION }).filter((r) => r.type === type);
  expect(rows).toHaveLength(1);
  const violations = new KmiChecks().validateScope(stack).violations;
  expect(violations.filter((v) => /threw an error/.test(v.description))).toEqual([]);
  return { row: rows[0], flagged: violations.some((v) => v.ruleName === rule) };
}

const ids = (row: ResourcePosture) => row.findings.map((f) => f.id);

describe('key policies: KMSKeyDutiesSeparated and the report\'s key-policy-not-separated', () => {
  test('a default aws-cdk-lib key (the account root delegates to IAM): neither flags it', () => {
    const stack = newStack();
    new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const { row, flagged } = both(stack, 'AWS::KMS::Key', 'Kmi-KMSKeyDutiesSeparated');
    expect(flagged).toBe(false);
    expect(ids(row)).not.toContain('key-policy-not-separated');
  });
  test('a role given both administration and use: both flag it', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'Ops', { assumedBy: new iam.AccountRootPrincipal() });
    key.grantAdmin(role);
    key.grantEncryptDecrypt(role);
    const { row, flagged } = both(stack, 'AWS::KMS::Key', 'Kmi-KMSKeyDutiesSeparated');
    expect(flagged).toBe(true);
    expect(ids(row)).toContain('key-policy-not-separated');
  });
  test('Principal * with kms:* and no condition: the pack flags it, the report says high (public access), not low', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:*'], resources: ['*'] }));
    const { row, flagged } = both(stack, 'AWS::KMS::Key', 'Kmi-KMSKeyDutiesSeparated');
    expect(flagged).toBe(true);
    expect(row.findings).toContainEqual(expect.objectContaining({ severity: 'high', id: 'public-access' }));
  });
});

describe('bucket upload rules: S3UploadEncryptionEnforced and the report\'s upload rule', () => {
  const bucketWithDeny = (principal: iam.IPrincipal) => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [principal],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { StringNotEquals: { [SSE]: 'aws:kms' } },
    }));
    return stack;
  };
  test('a Deny to everyone: the pack passes it, the report reads strict', () => {
    const { row, flagged } = both(bucketWithDeny(new iam.AnyPrincipal()), 'AWS::S3::Bucket', 'Kmi-S3UploadEncryptionEnforced');
    expect(flagged).toBe(false);
    expect(row.uploadRule).toBe('strict (aws:kms)');
  });
  test('a Deny on one principal: the pack flags it, the report reads no upload rule (other principals may upload anything)', () => {
    const { row, flagged } = both(bucketWithDeny(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/App`)), 'AWS::S3::Bucket', 'Kmi-S3UploadEncryptionEnforced');
    expect(flagged).toBe(true);
    expect(row.uploadRule).toBe('none');
    expect(ids(row)).toContain('no-upload-rule');
  });
});

describe('RDS encryption in transit: RDSTlsRequired and the report\'s TLS column', () => {
  /** A MySQL 8.0 instance with encrypted storage, on a parameter group of the stack with `parameters` (or on the default group). */
  const mysql = (parameters?: Record<string, string>) => {
    const stack = newStack();
    const group = parameters && new rds.CfnDBParameterGroup(stack, 'Parameters', { description: 'p', family: 'mysql8.0', parameters });
    new rds.CfnDBInstance(stack, 'Db', {
      engine: 'mysql', engineVersion: '8.0.39', dbInstanceClass: 'db.m6i.large', allocatedStorage: '20', storageEncrypted: true, dbParameterGroupName: group?.ref,
    });
    return stack;
  };
  test('require_secure_transport ON: the pack passes it, the report reads TLS required', () => {
    const { row, flagged } = both(mysql({ require_secure_transport: 'ON' }), 'AWS::RDS::DBInstance', 'Kmi-RDSTlsRequired');
    expect(flagged).toBe(false);
    expect(row.tls).toBe('TLS required');
    expect(ids(row)).not.toContain('tls-not-enforced');
  });
  test('the default parameter group of MySQL 8.0 (require_secure_transport OFF): both flag it, the report as medium', () => {
    const { row, flagged } = both(mysql(), 'AWS::RDS::DBInstance', 'Kmi-RDSTlsRequired');
    expect(flagged).toBe(true);
    expect(row.findings).toContainEqual(expect.objectContaining({ severity: 'medium', id: 'tls-not-enforced' }));
  });
  test('another engine\'s parameter (rds.force_ssl on MySQL): both flag it', () => {
    const { row, flagged } = both(mysql({ 'rds.force_ssl': '1' }), 'AWS::RDS::DBInstance', 'Kmi-RDSTlsRequired');
    expect(flagged).toBe(true);
    expect(row.tls).toBe('not enforced');
  });
  test('a parameter group defined elsewhere: the pack does not judge it, the report says unknown', () => {
    const stack = mysql();
    (stack.node.findChild('Db') as rds.CfnDBInstance).dbParameterGroupName = 'shared-params';
    const { row, flagged } = both(stack, 'AWS::RDS::DBInstance', 'Kmi-RDSTlsRequired');
    expect(flagged).toBe(false);
    expect(row.tls).toBe('unknown');
  });
});
