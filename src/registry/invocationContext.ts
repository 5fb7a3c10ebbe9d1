import type { CommandGateway } from '../gateway/commandGateway';
import type { QueryGateway } from '../gateway/queryGateway';
import type { Message } from '../messages/messages';

/** Everything a handler's parameters can be filled from, for one invocation. */
export interface InvocationContext {
  message: Message;
  /** The aggregate or saga state, when the handler has one. */
  state?: unknown;
  commandGateway: CommandGateway;
  queryGateway: QueryGateway;
  /** Extra injectable values keyed by their type token (projector status, a store's transaction). */
  resources?: ReadonlyMap<unknown, unknown>;
}

/** Fills one parameter from the invocation context. */
export type ParamResolver = (context: InvocationContext) => unknown;
