import type { CommandMessage, QueryMessage } from '../messages/messages';
import type { Metadata } from '../messages/metadata';

/** A command or query on its way from a gateway to the bus, as dispatch interceptors see it. */
export interface Dispatch {
  /** Whether a command or a query is sent. */
  readonly kind: 'command' | 'query';
  /** The payload's registered name. */
  readonly payloadName: string;
  /** The command or query. */
  readonly payload: unknown;
  /** The message as it will be sent (with what earlier interceptors added to its metadata). */
  readonly message: CommandMessage | QueryMessage;
  /** The message's metadata. */
  readonly metadata: Metadata;
  /** How long the caller waits for the handler. */
  readonly timeoutMs: number;
}

/**
 * Runs when a gateway sends a command or query, like an Axon `MessageDispatchInterceptor`:
 * `next(metadata)` sends it on with those keys added to its metadata (`next()` as it is) and
 * resolves to the handler's result; throwing, or not calling `next`, refuses the message (the
 * caller's `send`/`query` rejects with that error and nothing is sent). Leave the framework's
 * keys (messageId, correlationId, causationId) as they are.
 */
export interface DispatchInterceptor {
  /** Runs around one send: `next(metadata?)` sends the message on and resolves to the handler's result. */
  intercept(
    dispatch: Dispatch,
    next: (metadata?: Metadata | Readonly<Record<string, string>>) => Promise<unknown>,
  ): unknown;
}

/** A {@link DispatchInterceptor} written as a function. */
export type DispatchInterceptorFn = DispatchInterceptor['intercept'];
