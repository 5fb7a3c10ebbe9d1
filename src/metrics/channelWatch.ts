import { channel, EventoChannels, type EventoChannelName } from '../diagnostics/channels';
import type { HandlerCall } from '../handling/handlerCall';

/** A bundle instance, as named in the channels' contexts. */
export interface WatchedBundle {
  readonly bundleId: string;
  readonly instanceId: string;
}

/** A consumer batch, as the `evento:consumer:batch` channel publishes it. */
export interface BatchContext {
  readonly consumerId: string;
  readonly component: string;
  readonly owner: string;
  readonly size: number;
}

/**
 * The handler channels watched. Not `evento:eventSourcing`: it runs once per event of every
 * aggregate load, and a subscriber there would put every replayed event on the traced path.
 */
const handlerChannels: readonly EventoChannelName[] = [
  EventoChannels.command,
  EventoChannels.query,
  EventoChannels.event,
  EventoChannels.invocation,
];

/** Node 20's `TracingChannel.subscribe` takes all five events. */
const ignore = (): void => undefined;

/** What the watcher reports. */
export interface HandlerCallListener {
  /** A call of one of the bundle's handlers started. */
  started(call: HandlerCall): void;
  /** It ended after `seconds`, failed or not. */
  finished(call: HandlerCall, seconds: number, failed: boolean): void;
}

/**
 * Subscribes to the handler channels and tells `listener` about the calls of `bundle` (the
 * channels are process-wide: other bundles' calls are skipped). Returns the unsubscribe.
 */
export function watchHandlerCalls(bundle: WatchedBundle, listener: HandlerCallListener): () => void {
  const started = new WeakMap<object, bigint>();
  const ours = (call: HandlerCall): boolean =>
    call.bundleId === bundle.bundleId && call.instanceId === bundle.instanceId;
  const finish = (context: unknown): void => {
    const call = context as HandlerCall & { error?: unknown };
    const start = started.get(call);
    if (start === undefined) return;
    started.delete(call);
    listener.finished(call, Number(process.hrtime.bigint() - start) / 1e9, 'error' in call);
  };
  const handlers = {
    start: (context: unknown): void => {
      const call = context as HandlerCall;
      if (!ours(call)) return;
      started.set(call, process.hrtime.bigint());
      listener.started(call);
    },
    // A synchronous throw ends with `error` and `end`, and no `asyncEnd`.
    end: (context: unknown): void => {
      if ('error' in (context as object)) finish(context);
    },
    asyncStart: ignore,
    asyncEnd: finish,
    error: ignore,
  };
  for (const name of handlerChannels) channel(name).subscribe(handlers);
  return () => {
    for (const name of handlerChannels) channel(name).unsubscribe(handlers);
  };
}

/** Subscribes to `evento:consumer:batch` and tells `onBatch` about the batches of `bundle`. Returns the unsubscribe. */
export function watchBatches(bundle: WatchedBundle, onBatch: (batch: BatchContext) => void): () => void {
  const owner = `${bundle.bundleId}:${bundle.instanceId}`;
  const handlers = {
    start: (context: unknown): void => {
      const batch = context as BatchContext;
      if (batch.owner === owner) onBatch(batch);
    },
    end: ignore,
    asyncStart: ignore,
    asyncEnd: ignore,
    error: ignore,
  };
  const batches = channel(EventoChannels.consumerBatch);
  batches.subscribe(handlers);
  return () => void batches.unsubscribe(handlers);
}
