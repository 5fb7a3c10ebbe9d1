import type { ErrorCode } from './codes';

/** Options every framework error accepts. */
export interface EventoErrorOptions {
  /** The error that caused this one (a driver error, a handler's exception). */
  cause?: unknown;
  /** Facts that help locate the problem: aggregate id, consumer id, class name... */
  context?: Record<string, unknown>;
}

/**
 * Root of the framework's error hierarchy. `code` is stable; `retriable` says whether the same
 * call may succeed if simply tried again (a lost connection, an optimistic-lock conflict).
 */
export abstract class EventoError extends Error {
  /** The stable code of this kind of error (`EVENTO_...`): match on it, never on the message. */
  abstract readonly code: ErrorCode;
  /** True when the same call may succeed if simply tried again. */
  readonly retriable: boolean = false;
  /** Facts that help locate the problem: aggregate id, consumer id, class name... */
  readonly context: Record<string, unknown>;

  constructor(message: string, options: EventoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }
}

/** True when `error` is worth retrying as it is: a retriable framework error. */
export function isRetriable(error: unknown): boolean {
  return error instanceof EventoError && error.retriable;
}
