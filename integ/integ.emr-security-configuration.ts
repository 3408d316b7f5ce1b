/**
 * EmrSecurityConfiguration, deployed: EMR stores the security configuration with the settings the
 * construct rendered — S3 objects and local disks (EBS volumes included) encrypted with the key the
 * construct created, TLS with the PEM certificates in the artifacts bucket, IMDSv2 only with a hop
 * limit of 1 — and that key rotates. No cluster is started: creating a security configuration does
 * not read the certificates zip, so the bucket stays empty. Deploy with `npx projen integ:deploy`.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessLogsBucket, EmrArtifact, EmrInTransitEncryption, EmrSecurityConfiguration, EncryptedBucket } from '../src';

const app = new App();
const stack = new Stack(app, 'KmiEmrSecurityConfigurationInteg');

const logs = new AccessLogsBucket(stack, 'Logs', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
const artifacts = new EncryptedBucket(stack, 'Artifacts', {
  serverAccessLogsBucket: logs,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});
const certificates = EmrArtifact.fromBucket(artifacts, 'emr/certs.zip');

const config = new EmrSecurityConfiguration(stack, 'SecurityConfiguration', {
  inTransitEncryption: EmrInTransitEncryption.pemCertificates(certificates),
});
// Retained by default so that data written with it stays readable; the test cleans up after itself.
config.defaultKey!.applyRemovalPolicy(RemovalPolicy.DESTROY);

// The roles a cluster would use, so the grants deploy as they would for a real cluster.
const instanceRole = new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
const serviceRole = new iam.Role(stack, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com') });
config.grantInstanceRole(instanceRole);
config.grantServiceRole(serviceRole);

const integ = new IntegTest(app, 'EmrSecurityConfiguration', { testCases: [stack] });

const keyArn = config.defaultKey!.keyArn;

integ.assertions
  .awsApiCall('EMR', 'describeSecurityConfiguration', { Name: config.securityConfigurationName })
  .expect(ExpectedResult.objectLike({
    Name: config.securityConfigurationName,
    SecurityConfiguration: Match.serializedJson(Match.objectLike({
      EncryptionConfiguration: Match.objectLike({
        EnableInTransitEncryption: true,
        EnableAtRestEncryption: true,
        InTransitEncryptionConfiguration: Match.objectLike({
          TLSCertificateConfiguration: Match.objectLike({ CertificateProviderType: 'PEM', S3Object: certificates.s3Uri }),
        }),
        AtRestEncryptionConfiguration: Match.objectLike({
          S3EncryptionConfiguration: Match.objectLike({ EncryptionMode: 'SSE-KMS', AwsKmsKey: keyArn }),
          LocalDiskEncryptionConfiguration: Match.objectLike({
            EncryptionKeyProviderType: 'AwsKms',
            AwsKmsKey: keyArn,
            EnableEbsEncryption: true,
          }),
        }),
      }),
      InstanceMetadataServiceConfiguration: Match.objectLike({
        MinimumInstanceMetadataServiceVersion: 2,
        HttpPutResponseHopLimit: 1,
      }),
    })),
  }));

integ.assertions
  .awsApiCall('KMS', 'getKeyRotationStatus', { KeyId: keyArn })
  .expect(ExpectedResult.objectLike({ KeyRotationEnabled: true }));
