/**
 * The framework's `diagnostics_channel` names, in one place. An APM or a test subscribes to them
 * without changing application code, the way it subscribes to `undici` or `pg`. Each name is a
 * `TracingChannel` (`tracing:<name>:start`, `:end`, `:asyncStart`, `:asyncEnd`, `:error`); the
 * context object published is described in docs/architecture.md. Nothing is built or published
 * while a channel has no subscriber.
 */
import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';

/** Channel names, stable: match on these constants. */
export const EventoChannels = {
  /** A command handler call (aggregate or service); context: the HandlerCall. */
  command: 'evento:command',
  /** A query handler call; context: the HandlerCall. */
  query: 'evento:query',
  /** A projector, saga or observer event handler call; context: the HandlerCall. */
  event: 'evento:event',
  /** An event sourcing handler applying an event to an aggregate's state; context: the HandlerCall. */
  eventSourcing: 'evento:eventSourcing',
  /** An invocation handler call; context: the HandlerCall. */
  invocation: 'evento:invocation',
  /** A gateway sending a command or query; context: the Dispatch. */
  dispatch: 'evento:dispatch',
  /** An append to the event store; context: { bundleId, instanceId, aggregateId, expectedVersion, eventNames }. */
  append: 'evento:append',
  /** A consumer handling one batch of events; context: { bundleId, consumerId, component, firstSequence, lastSequence, size }. */
  consumerBatch: 'evento:consumer:batch',
} as const;

/** One of the {@link EventoChannels} names. */
export type EventoChannelName = (typeof EventoChannels)[keyof typeof EventoChannels];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTracingChannel = TracingChannel<any, any>;

const created = new Map<string, AnyTracingChannel>();

/** The tracing channel of `name` (created once per process). */
export function channel(name: EventoChannelName): AnyTracingChannel {
  let found = created.get(name);
  if (found === undefined) {
    found = tracingChannel(name);
    created.set(name, found);
  }
  return found;
}

/**
 * Runs `work` inside the channel's trace when anyone listens (start, end, asyncStart, asyncEnd,
 * error with `context.error`, `context.result` on success); otherwise just runs it.
 */
export function traced<T>(
  name: EventoChannelName,
  context: () => object,
  work: () => Promise<T>,
): Promise<T> {
  const ch = channel(name);
  if (!ch.hasSubscribers) return work();
  return ch.tracePromise<undefined, [], T>(work, context());
}
