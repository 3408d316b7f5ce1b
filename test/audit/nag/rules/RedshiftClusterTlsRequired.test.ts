import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as redshift from 'aws-cdk-lib/aws-redshift';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { check } from './check';
import { encryptedCluster, plainCluster } from './redshift';
import { RedshiftClusterTlsRequired } from '../../../../src/audit/nag/rules/RedshiftClusterTlsRequired';
import { newStack } from '../../../util/app';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** A plain cluster on a parameter group of the stack with the given parameters. */
function clusterWithParameters(parameters: Record<string, string>, stack: Stack = newStack()) {
  const group = new redshift.CfnClusterParameterGroup(stack, 'Parameters', {
    description: 'cluster parameters',
    parameterGroupFamily: 'redshift-1.0',
    parameters: Object.entries(parameters).map(([parameterName, parameterValue]) => ({ parameterName, parameterValue })),
  });
  return plainCluster(stack, { encrypted: true, clusterParameterGroupName: group.ref });
}

describe('RedshiftClusterTlsRequired', () => {
  describe('compliant', () => {
    test('a RedshiftEncryptedCluster with defaults', () => {
      expect(check(RedshiftClusterTlsRequired, encryptedCluster())).toBe(COMPLIANT);
    });
    test('a CfnCluster on a parameter group of the stack with require_ssl true, in any case', () => {
      expect(check(RedshiftClusterTlsRequired, clusterWithParameters({ REQUIRE_SSL: 'TRUE' }))).toBe(COMPLIANT);
    });
    test('a CfnCluster naming by its literal name a parameter group of the stack with require_ssl true', () => {
      const stack = newStack();
      new redshift.CfnClusterParameterGroup(stack, 'Parameters', {
        description: 'cluster parameters',
        parameterGroupFamily: 'redshift-1.0',
        parameterGroupName: 'tls-only',
        parameters: [{ parameterName: 'require_ssl', parameterValue: 'true' }],
      });
      expect(check(RedshiftClusterTlsRequired, plainCluster(stack, { encrypted: true, clusterParameterGroupName: 'tls-only' }))).toBe(COMPLIANT);
    });
  });

  describe('non-compliant', () => {
    test('a CfnCluster without a parameter group (the default group does not require TLS)', () => {
      expect(check(RedshiftClusterTlsRequired, plainCluster(newStack(), { encrypted: true }))).toBe(NON_COMPLIANT);
    });
    test('a CfnCluster on the default parameter group named explicitly', () => {
      expect(check(RedshiftClusterTlsRequired, plainCluster(newStack(), { encrypted: true, clusterParameterGroupName: 'default.redshift-1.0' }))).toBe(NON_COMPLIANT);
    });
    test('a CfnCluster on a parameter group with require_ssl false', () => {
      expect(check(RedshiftClusterTlsRequired, clusterWithParameters({ require_ssl: 'false' }))).toBe(NON_COMPLIANT);
    });
    test('a CfnCluster on a parameter group that does not set require_ssl', () => {
      expect(check(RedshiftClusterTlsRequired, clusterWithParameters({ enable_user_activity_logging: 'true' }))).toBe(NON_COMPLIANT);
    });
  });

  test('is not applicable to other resources', () => {
    expect(check(RedshiftClusterTlsRequired, new s3.Bucket(newStack(), 'Bucket'))).toBe(NOT_APPLICABLE);
  });

  test('cannot judge a parameter group defined outside the stack, and says so', () => {
    const cluster = plainCluster(newStack(), { encrypted: true, clusterParameterGroupName: 'shared-parameters' });
    expect(() => check(RedshiftClusterTlsRequired, cluster)).toThrow(/ClusterParameterGroupName of Cluster is "shared-parameters", a parameter group not defined in this stack: whether the resource complies cannot be told/);
  });

  test('cannot judge require_ssl set by a parameter, and says so', () => {
    const stack = newStack();
    const requireSsl = new CfnParameter(stack, 'RequireSsl', { type: 'String' });
    expect(() => check(RedshiftClusterTlsRequired, clusterWithParameters({ require_ssl: requireSsl.valueAsString }, stack)))
      .toThrow(/require_ssl of Parameters is \{"Ref":"RequireSsl"\}, known only at deployment/);
  });
});
