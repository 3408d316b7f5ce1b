/**
 * What the aws-cdk-lib Provider framework passes to custom resource handlers and expects back.
 * Handlers return data or throw; the framework sends the response to CloudFormation.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** Attribute values a handler returns to CloudFormation (never secrets: the framework logs them). */
export type ResponseData = Record<string, string>;

/** What onEvent answers. */
export interface OnEventResult<D extends object = ResponseData> {
  /** The physical id: the real identifier of what the handler manages. */
  readonly PhysicalResourceId: string;
  /** The custom resource's attributes. */
  readonly Data?: D;
}

/** What the Provider framework passes to isComplete: the event merged with the onEvent result. */
export type IsCompleteEvent<D extends object = ResponseData> = CloudFormationCustomResourceEvent & {
  readonly PhysicalResourceId: string;
  readonly Data?: D;
};

/** What isComplete answers. */
export interface IsCompleteResult<D extends object = ResponseData> {
  readonly IsComplete: boolean;
  /** Only when complete: the framework refuses Data on an incomplete answer. */
  readonly Data?: D;
}

/** Not complete yet: ask again at the next interval. */
export const NOT_YET: IsCompleteResult = { IsComplete: false };

/** Complete, with no further data. */
export const DONE: IsCompleteResult = { IsComplete: true };

/**
 * One handler for several custom resource types (one provider serving them): the event goes to the
 * function of its `ResourceType`; an unknown type is refused, naming the types served.
 */
export function byResourceType<E extends { readonly ResourceType: string }, C, R>(
  routes: Record<string, (event: E, clients: C) => Promise<R>>,
): (event: E, clients: C) => Promise<R> {
  return async (event, clients) => {
    const route = routes[event.ResourceType];
    if (!route) {
      throw new Error(`This handler serves ${Object.keys(routes).join(' and ')}, not ${event.ResourceType}.`);
    }
    return route(event, clients);
  };
}
