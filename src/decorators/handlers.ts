import { addHandler, type HandlerKind } from '../internal/reflection';
import { isClass, type Class } from '../internal/types';

/** Options every handler decorator accepts. */
export interface HandlerOptions {
  /** The payload class, for toolchains that emit no decorator metadata (esbuild, tsx). */
  payload?: Class;
  /** The types of the parameters after the payload, for the same toolchains. */
  inject?: readonly unknown[];
}

/** Options of `@AggregateCommandHandler`. */
export interface AggregateCommandHandlerOptions extends HandlerOptions {
  /** This command creates the aggregate; it is rejected when the aggregate already exists. */
  init?: boolean;
}

/** Options of `@EventHandler`. */
export interface EventHandlerOptions extends HandlerOptions {
  /** Retries after a failure before the event goes to the dead events; -1: forever. Default 3. */
  retry?: number;
  /** Delay before the first retry in milliseconds, doubled on each next one. Default 100. */
  retryDelay?: number;
}

/** Options of `@SagaEventHandler`. */
export interface SagaEventHandlerOptions extends EventHandlerOptions {
  /** This event starts a new saga instance. */
  init?: boolean;
  /** The event property whose value finds the saga instance among its associations. */
  associationProperty: string;
}

type Args<O> = [payloadOrOptions?: Class | O, options?: O];

function handler<O extends HandlerOptions>(kind: HandlerKind, args: Args<O>): MethodDecorator {
  const [first, second] = args;
  const explicit = isClass(first) ? first : undefined;
  const options = ((isClass(first) ? second : first) ?? {}) as O;
  return (prototype, method) => {
    const payload = explicit ?? options.payload;
    const { payload: _p, inject, ...rest } = options;
    addHandler(prototype, {
      kind,
      method: String(method),
      ...(payload === undefined ? {} : { payload }),
      ...(inject === undefined ? {} : { inject }),
      options: rest,
    });
  };
}

/** Handles a domain command in an `@Aggregate`; returns the event(s) to append. */
export function AggregateCommandHandler(...args: Args<AggregateCommandHandlerOptions>): MethodDecorator {
  return handler('aggregateCommand', args);
}

/** Applies a domain event to the aggregate state; returns the new state or mutates the one given. */
export function EventSourcingHandler(...args: Args<HandlerOptions>): MethodDecorator {
  return handler('eventSourcing', args);
}

/** Handles a service command in a `@Service`; returns a service event or nothing. */
export function CommandHandler(...args: Args<HandlerOptions>): MethodDecorator {
  return handler('command', args);
}

/** Answers a query in a `@Projection`; returns `Single.of(view)` or `Multiple.of(views)`. */
export function QueryHandler(...args: Args<HandlerOptions>): MethodDecorator {
  return handler('query', args);
}

/** Handles an event in a `@Projector` or `@Observer`. */
export function EventHandler(...args: Args<EventHandlerOptions>): MethodDecorator {
  return handler('event', args);
}

/** Handles an event in a `@Saga`. */
export function SagaEventHandler(
  payloadOrOptions: Class | SagaEventHandlerOptions,
  options?: SagaEventHandlerOptions,
): MethodDecorator {
  return handler<SagaEventHandlerOptions>('sagaEvent', [
    payloadOrOptions,
    options,
  ] as Args<SagaEventHandlerOptions>);
}

/**
 * Marks an `@Invoker` method as an entry point: each call starts a new flow, so the commands and
 * queries it sends share one fresh correlation id.
 */
export function InvocationHandler(): MethodDecorator {
  return (prototype, method) =>
    addHandler(prototype, { kind: 'invocation', method: String(method), options: {} });
}
