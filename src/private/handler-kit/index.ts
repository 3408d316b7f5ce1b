/**
 * The handler kit: what every custom resource handler of the library uses, once. AWS SDK clients
 * with one retry policy, the clock, the Provider framework's event and result shapes, API calls whose
 * errors name the missing permission, and logging that never prints a secret.
 *
 * Plain TypeScript without CDK imports: the handlers bundle it.
 */
export * from './clients';
export * from './clock';
export * from './errors';
export * from './log';
export * from './removal-policy';
export * from './results';
