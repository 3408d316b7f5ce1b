/**
 * The prop checks that several constructs share: a whole number of days in a range, a removal policy
 * of RETAIN or DESTROY, and private subnets across Availability Zones. Each refuses with a
 * KmiValidationError that names the construct path, the prop, the value given and what is allowed;
 * values that are unresolved tokens pass (they are checked where they resolve).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { isResolved, KmiValidationError } from './errors';

/** How a check words its refusal where the default wording does not fit. */
export interface CheckWording {
  /** The value given, for humans, from the number of days. @default `<days> days` */
  readonly given?: (days: number) => string;
  /** What is allowed. @default `a whole number of days from <min> to <max>` */
  readonly allowed?: string;
  /** How to fix it. */
  readonly fix?: string;
}

/** Refuses a duration that is not a whole number of days from `min` to `max` (unresolved values pass). */
export function checkDays(path: string, prop: string, value: Duration | undefined, min: number, max: number, wording: CheckWording = {}): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new KmiValidationError({
      path,
      prop,
      given: wording.given?.(days) ?? `${days} days`,
      allowed: wording.allowed ?? `a whole number of days from ${min} to ${max}`,
      fix: wording.fix,
    });
  }
}

/**
 * Refuses a removal policy other than RETAIN and DESTROY (a custom resource has no snapshot to take),
 * and answers it, RETAIN when none is given.
 */
export function checkRemovalPolicy(
  path: string, policy: RemovalPolicy | undefined, wording: Pick<CheckWording, 'allowed' | 'fix'> = {},
): RemovalPolicy {
  if (policy !== undefined && policy !== RemovalPolicy.RETAIN && policy !== RemovalPolicy.DESTROY) {
    throw new KmiValidationError({
      path,
      prop: 'removalPolicy',
      given: policy,
      allowed: wording.allowed ?? 'RemovalPolicy.RETAIN or RemovalPolicy.DESTROY',
      fix: wording.fix,
    });
  }
  return policy ?? RemovalPolicy.RETAIN;
}

/** What `selectPrivateSubnetsAcrossZones` says in its refusals. */
export interface SubnetWording {
  /** At most this many subnets. */
  readonly maxSubnets: number;
  /** Why no public subnet, and what to select instead. */
  readonly publicFix: string;
  /** Why one subnet per zone. */
  readonly perZoneFix: string;
  /** Why two zones or more. */
  readonly zonesFix: string;
}

/**
 * The ids of the selected subnets, refused unless they are private or isolated, in at least two
 * Availability Zones, one subnet per zone and at most `maxSubnets`.
 */
export function selectPrivateSubnetsAcrossZones(path: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, wording: SubnetWording): string[] {
  const refuse = (given: string, fix: string): never => {
    throw new KmiValidationError({
      path,
      prop: 'vpcSubnets',
      given,
      allowed: `private or isolated subnets of the VPC in at least two Availability Zones, one subnet per zone, at most ${wording.maxSubnets}`,
      fix,
    });
  };
  let chosen: ec2.SelectedSubnets;
  try {
    chosen = vpc.selectSubnets(selection);
  } catch (error) {
    return refuse(`a selection the VPC cannot satisfy (${(error as Error).message})`, 'Select subnets the VPC has.');
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId));
  const publicChosen = chosen.subnets.filter((s) => publicIds.has(s.subnetId));
  if (publicChosen.length > 0) {
    refuse(`${publicChosen.length} public subnet(s)`, wording.publicFix);
  }
  if (chosen.subnetIds.length === 0) {
    refuse('a selection with no subnets', 'Give the VPC private or isolated subnets in two or more Availability Zones.');
  }
  const zones = chosen.subnets.map((s) => s.availabilityZone);
  if (zones.every((z) => isResolved(z))) {
    const distinct = new Set(zones);
    if (distinct.size !== zones.length) {
      refuse(`${zones.length} subnets in ${distinct.size} Availability Zone(s)`, wording.perZoneFix);
    }
    if (distinct.size < 2) {
      refuse(`subnets in ${distinct.size} Availability Zone`, wording.zonesFix);
    }
  }
  if (chosen.subnetIds.length > wording.maxSubnets) {
    refuse(`${chosen.subnetIds.length} subnets`, `Select at most ${wording.maxSubnets} zones.`);
  }
  return chosen.subnetIds;
}

/** Refuses a subnet selection that includes public subnets. */
export function checkNoPublicSubnets(path: string, prop: string, vpc: ec2.IVpc, selection: ec2.SubnetSelection, allowed: string, fix: string): void {
  if (vpc.selectSubnets(selection).hasPublic) {
    throw new KmiValidationError({ path, prop, given: 'public subnets', allowed, fix });
  }
}
