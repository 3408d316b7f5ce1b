import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { checkDays, checkNoPublicSubnets, checkRemovalPolicy, selectPrivateSubnetsAcrossZones } from '../../src/private/prop-checks';

describe('checkDays', () => {
  test.each([[Duration.days(7)], [Duration.days(30)], [Duration.hours(24 * 10)], [undefined]])('accepts %s', (value) => {
    expect(() => checkDays('S/C', 'pendingWindow', value, 7, 30)).not.toThrow();
  });

  test.each([
    [Duration.days(6), '6 days'],
    [Duration.days(31), '31 days'],
    [Duration.hours(36), '1.5 days'],
  ])('refuses %s, naming the path, the prop, the value and the range', (value, given) => {
    expect(() => checkDays('S/C', 'pendingWindow', value, 7, 30))
      .toThrow(`S/C: invalid pendingWindow: got ${given}; allowed: a whole number of days from 7 to 30.`);
  });

  test('a value that is a token passes: it is checked where it resolves', () => {
    const stack = new Stack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    expect(() => checkDays('S/C', 'pendingWindow', Duration.days(days), 7, 30)).not.toThrow();
  });

  test('words the refusal as asked', () => {
    expect(() => checkDays('S/C', 'expiration', Duration.days(400), 1, 365, {
      given: (d) => `after(${d} days)`, allowed: 'after() up to 365 days', fix: 'Fix it.',
    })).toThrow('S/C: invalid expiration: got after(400 days); allowed: after() up to 365 days. Fix it.');
  });
});

describe('checkRemovalPolicy', () => {
  test('answers RETAIN when none is given, and RETAIN or DESTROY when given', () => {
    expect(checkRemovalPolicy('S/C', undefined)).toBe(RemovalPolicy.RETAIN);
    expect(checkRemovalPolicy('S/C', RemovalPolicy.RETAIN)).toBe(RemovalPolicy.RETAIN);
    expect(checkRemovalPolicy('S/C', RemovalPolicy.DESTROY)).toBe(RemovalPolicy.DESTROY);
  });

  test.each([RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('refuses %s', (policy) => {
    expect(() => checkRemovalPolicy('S/C', policy, { fix: 'No snapshot.' }))
      .toThrow(`S/C: invalid removalPolicy: got ${policy}; allowed: RemovalPolicy.RETAIN or RemovalPolicy.DESTROY. No snapshot.`);
  });
});

describe('subnets', () => {
  const wording = { maxSubnets: 3, publicFix: 'No public.', perZoneFix: 'One per zone.', zonesFix: 'Two zones.' };
  const vpcWith = (maxAzs: number) => new ec2.Vpc(new Stack(undefined, 'S', { env: { account: '111111111111', region: 'us-east-1' } }), 'Vpc', { maxAzs });

  test('private subnets in two zones or more are selected, one per zone', () => {
    const vpc = vpcWith(2);
    const ids = selectPrivateSubnetsAcrossZones('S/C', vpc, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true }, wording);
    expect(ids).toEqual(vpc.privateSubnets.map((s) => s.subnetId));
  });

  test('public subnets are refused', () => {
    expect(() => selectPrivateSubnetsAcrossZones('S/C', vpcWith(2), { subnetType: ec2.SubnetType.PUBLIC }, wording))
      .toThrow(/^S\/C: invalid vpcSubnets: got 2 public subnet\(s\); allowed: private or isolated subnets .* at most 3\. No public\.$/);
    expect(() => checkNoPublicSubnets('S/C', 'vpcSubnets', vpcWith(2), { subnetType: ec2.SubnetType.PUBLIC }, 'private subnets', 'Fix.'))
      .toThrow('S/C: invalid vpcSubnets: got public subnets; allowed: private subnets. Fix.');
  });

  test('one zone is refused', () => {
    expect(() => selectPrivateSubnetsAcrossZones('S/C', vpcWith(1), { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, wording))
      .toThrow(/got subnets in 1 Availability Zone; .* Two zones\.$/);
  });

  test('more subnets than allowed are refused', () => {
    expect(() => selectPrivateSubnetsAcrossZones('S/C', vpcWith(3), { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { ...wording, maxSubnets: 2 }))
      .toThrow(/got 3 subnets; .* Select at most 2 zones\.$/);
  });

  test('private subnets do not trouble the public-subnet check', () => {
    expect(() => checkNoPublicSubnets('S/C', 'vpcSubnets', vpcWith(2), { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, 'a', 'b')).not.toThrow();
  });
});
