import type { ComponentKind } from '../internal/reflection';
import type { HandlerCall } from './handlerCall';

/**
 * Wraps handler calls, like an Axon `MessageHandlerInterceptor` or a NestJS interceptor: work
 * before `next()`, the handler's result (or error) from it, work after. Throwing, or not calling
 * `next()`, refuses the call: the handling fails as if the handler had thrown (a consumer retries
 * it by the handler's retry policy). What it resolves to is what the handling returns, so return
 * what `next()` gave unless you mean to change it. Call `next()` at most once.
 *
 * `next(metadata)` runs the handler as handling its message with those keys added: the commands
 * and queries it sends and the events it produces carry them (a tracing agent writes its span's
 * trace context this way). The handler's own parameters still see the message as it arrived.
 */
export interface HandlerInterceptor {
  /** Wraps one handler call: `next(metadata?)` runs the rest of the chain and the handler. */
  intercept(call: HandlerCall, next: HandlerNext): unknown;
}

/** Runs the rest of a handler interceptor chain; the keys given are added to what the handler sends and produces. */
export type HandlerNext = (metadata?: Readonly<Record<string, string>>) => Promise<unknown>;

/** A {@link HandlerInterceptor} written as a function. */
export type HandlerInterceptorFn = (call: HandlerCall, next: HandlerNext) => unknown;

/** Where a handler interceptor applies. */
export interface HandlerInterceptorOptions {
  /** The component kinds whose handlers it wraps; default every kind. */
  readonly components?: readonly ComponentKind[];
  /**
   * False: it does not wrap an aggregate's event sourcing handlers (applying its own events, after
   * each command and on every load), which then run on the pipeline's direct path, with no
   * promise per event. Default true.
   */
  readonly eventSourcing?: boolean;
}

/**
 * What an interceptor asks of a call it only passes on: metadata keys for what the handler sends
 * (as `next(metadata)` would add), and what to do when the handler fails.
 */
export interface PassedOnCall {
  /** Keys to add to what the handler sends and produces, as `next(metadata)` adds them. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /**
   * Called with the handler's error (sync throw or rejection) before the caller gets it; it
   * should not throw (what it throws would reach the caller instead).
   */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** A handler interceptor as registered on the builder. */
export interface RegisteredHandlerInterceptor {
  readonly intercept: HandlerInterceptorFn;
  /**
   * Optional: for a call it would only pass on, what it adds (undefined: call `intercept`). When
   * it is the one interceptor of a call and nobody listens on the call's channel, the pipeline
   * then runs the handler on its direct path, with no chain and no promise of its own.
   */
  readonly passOn?: ((call: HandlerCall) => PassedOnCall | undefined) | undefined;
  readonly components: readonly ComponentKind[] | undefined;
  /**
   * False: an aggregate's event sourcing handlers (applying its own events, live and on every
   * replay) run without it, on the pipeline's direct path. Default true.
   */
  readonly eventSourcing?: boolean | undefined;
}

/** The function form of either way of writing an interceptor. */
export function handlerInterceptorFn(
  interceptor: HandlerInterceptor | HandlerInterceptorFn,
): HandlerInterceptorFn {
  return typeof interceptor === 'function' ? interceptor : (call, next) => interceptor.intercept(call, next);
}
