import { ConcurrencyError, HandlerReturnError, IdempotencyKeyConflictError } from '../errors';
import { KeyedMutex } from '../internal/keyedMutex';
import { describe } from '../internal/types';
import { commandRecordOf, recordedResult, recordedResultOf } from '../messages/commandIdempotency';
import { eventToAppend, publishedEvent } from '../messages/eventRecords';
import { isThenable } from '../messages/flow';
import { EventMessage, type CommandMessage, type Message } from '../messages/messages';
import { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { DomainEvent } from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import type { HandlingPipeline } from '../handling/handlingPipeline';
import type { InvocationContext } from '../registry/invocationContext';
import { appendedAsRequested } from '../stores/commandRecords';
import type { AppendRequest, EventStore, EventToAppend } from '../stores/eventStore';
import { AggregateCache } from './aggregateCache';
import { aggregateIdOf, checkEvents, checkLifecycle } from './commandRules';
import { AggregateState } from '../model/aggregateState';
import { checkSnapshotState } from './snapshotCheck';

/** What the runtime needs from the bundle. */
export interface AggregateRuntimeDeps {
  readonly eventStore: EventStore;
  readonly payloads: PayloadRegistry;
  readonly gateways: Pick<InvocationContext, 'commandGateway' | 'queryGateway'>;
  /** Calls the handlers. */
  readonly pipeline: HandlingPipeline;
  /** Times a command is decided again after a ConcurrencyError from another writer. */
  readonly conflictRetries: number;
  /** Aggregate states kept between commands, unless `@Aggregate({ cacheSize })` says otherwise. */
  readonly cacheSize: number;
  readonly onSnapshotError?: (error: unknown, aggregateId: string) => void;
  /** Called with the aggregate's name each time a command is decided again after a ConcurrencyError. */
  readonly onConflictRetry?: (aggregate: string) => void;
}

/** What a command decided: the handler's result, its events (as payloads and as records to append), the new state. */
export interface Decision {
  readonly result: unknown;
  readonly events: readonly DomainEvent[];
  readonly records: readonly EventToAppend[];
  readonly state: AggregateState | undefined;
}

/** An aggregate's state as loaded: the state, its version, and the version of the snapshot used. */
export interface LoadedAggregate {
  readonly state: AggregateState | undefined;
  readonly version: number;
  readonly snapshotVersion: number;
}

/**
 * Runs the commands of one aggregate class: loads the state (the cached state, or the snapshot,
 * plus the events after it), runs the command handler, applies the new events through the event
 * sourcing handlers, appends them with the expected version, and takes a snapshot when due.
 * Commands with one lock id run one at a time.
 */
export class AggregateRuntime {
  /** States left by recent commands (see AggregateCache). */
  readonly cache: AggregateCache;
  private readonly mutex = new KeyedMutex();
  private readonly snapshotFrequency: number;

  constructor(
    readonly descriptor: ComponentDescriptor,
    private readonly instance: object,
    private readonly deps: AggregateRuntimeDeps,
  ) {
    const frequency = descriptor.options.snapshotFrequency;
    this.snapshotFrequency = typeof frequency === 'number' ? frequency : -1;
    const cacheSize = descriptor.options.cacheSize;
    this.cache = new AggregateCache(typeof cacheSize === 'number' ? cacheSize : deps.cacheSize);
  }

  /**
   * Runs a command: decides it on the cached state (or the state loaded from the store) and
   * appends its events with the expected version and the command's idempotency key, in one call
   * to the store. Nothing is read first: the append's version check tells a stale cached state,
   * and its key check tells a command delivered again (the store keeps the first events and the
   * first result comes back). A command that fails on the cached state (a conflict, or a rule the
   * state may break only because it is stale) is decided again at once on the state loaded from
   * the store. When deciding fails there, a recorded key still wins: a command that ran before
   * resolves to its first result even if the aggregate has moved on since.
   */
  async handle(message: CommandMessage, handler: HandlerDescriptor): Promise<unknown> {
    const aggregateId = aggregateIdOf(message);
    return this.mutex.run(message.lockId ?? aggregateId, async () => {
      // The cache is used for the first decision only: any retry decides on the stored state.
      const from = { useCache: true, cache: false };
      for (let attempt = 0; ;) {
        try {
          return await this.decide(message, handler, aggregateId, from);
        } catch (error) {
          // The cached state may be stale (another process appended since): whatever failed on it,
          // its entry is gone, and the command is decided again at once on the state in the store.
          if (from.cache) {
            from.useCache = false;
            if (error instanceof ConcurrencyError) this.deps.onConflictRetry?.(this.descriptor.name);
            continue;
          }
          if (!(error instanceof ConcurrencyError)) return this.firstResultOr(message, error);
          if (attempt >= this.deps.conflictRetries) throw error;
          this.deps.onConflictRetry?.(this.descriptor.name);
          await backoff(attempt++);
        }
      }
    });
  }

  /** The first result of `message` when the store has its key, else throws `error` (what deciding it failed with). */
  private async firstResultOr(message: CommandMessage, error: unknown): Promise<unknown> {
    let first: { readonly result: unknown } | undefined;
    try {
      first = await recordedResultOf(message, this.deps);
    } catch (lookup) {
      // A key used by another command says more than the decision's error; a store error says less.
      if (lookup instanceof IdempotencyKeyConflictError) throw lookup;
      throw error;
    }
    if (first === undefined) throw error;
    return first.result;
  }

  /** Rebuilds the aggregate's state from its snapshot (if any) and later events. */
  async load(aggregateId: string): Promise<LoadedAggregate> {
    const { eventStore, payloads } = this.deps;
    const snapshot = this.snapshotFrequency >= 0 ? await eventStore.loadSnapshot(aggregateId) : undefined;
    const state =
      snapshot === undefined
        ? undefined
        : payloads.deserialize<AggregateState>(snapshot.stateName, snapshot.state);
    const snapshotVersion = snapshot?.aggregateVersion ?? 0;
    return this.catchUp(aggregateId, { state, version: snapshotVersion, snapshotVersion });
  }

  /** Applies the events stored after `from.version` to `from.state` (which it may mutate). */
  private async catchUp(aggregateId: string, from: LoadedAggregate): Promise<LoadedAggregate> {
    const { eventStore, payloads } = this.deps;
    let { state, version } = from;
    for (const stored of await eventStore.readAggregate(aggregateId, version)) {
      // Replays of long streams apply thousands of events: no promise per event unless a handler is async.
      const next = this.applyNow(state, publishedEvent(stored, payloads));
      state = next instanceof Promise ? await next : next;
      version = stored.aggregateVersion ?? version + 1;
    }
    return { state, version, snapshotVersion: from.snapshotVersion };
  }

  /** Applies one event to `state` through its event sourcing handler; resolves to the new state. */
  async apply(state: AggregateState | undefined, message: EventMessage): Promise<AggregateState | undefined> {
    return this.applyNow(state, message);
  }

  /** {@link apply}, returning the new state directly when the handler returns synchronously. */
  private applyNow(
    state: AggregateState | undefined,
    message: EventMessage,
  ): AggregateState | undefined | Promise<AggregateState | undefined> {
    const handler = this.descriptor.byPayload.get(message.payload.constructor);
    if (handler === undefined || handler.kind !== 'eventSourcing') {
      throw new HandlerReturnError(
        `${this.descriptor.name} has no @EventSourcingHandler for ${message.payloadName}; add one (it may leave the state as it is).`,
      );
    }
    const { commandGateway, queryGateway } = this.deps.gateways;
    const result = this.deps.pipeline.call(this.instance, handler, message.payload, {
      commandGateway,
      queryGateway,
      message,
      state,
    });
    return isThenable(result)
      ? Promise.resolve(result).then((value) => this.applied(handler, message, state, value))
      : this.applied(handler, message, state, result);
  }

  /** Checks what an event sourcing handler returned; the new state. */
  private applied(
    handler: HandlerDescriptor,
    message: EventMessage,
    state: AggregateState | undefined,
    result: unknown,
  ): AggregateState | undefined {
    if (result === undefined || result === null) {
      if (state === undefined) {
        throw new HandlerReturnError(
          `${this.descriptor.name}.${handler.method} returned nothing for ${message.payloadName}, and there is no state yet to mutate; ` +
            'return the new state from the handler of the event that creates the aggregate.',
        );
      }
      return state;
    }
    if (!(result instanceof AggregateState)) {
      throw new HandlerReturnError(
        `${this.descriptor.name}.${handler.method} returned ${describe(result)}; an @EventSourcingHandler returns an AggregateState subclass instance, or nothing after mutating the state it got.`,
      );
    }
    return result;
  }

  /**
   * Runs the command on the aggregate as loaded, storing nothing: the lifecycle rules, the
   * handler, and its events applied to the state. `decide` appends the result; the test fixtures
   * use it as it is.
   */
  async execute(
    message: CommandMessage,
    handler: HandlerDescriptor,
    aggregateId: string,
    loaded: LoadedAggregate,
    now: Date,
  ): Promise<Decision> {
    checkLifecycle(handler, aggregateId, loaded.version, loaded.state);
    const { commandGateway, queryGateway } = this.deps.gateways;
    // One literal, not a spread of the gateways (docs/performance.md, "Spreads on hot paths").
    const context = { commandGateway, queryGateway, message: message as Message, state: loaded.state };
    const called = this.deps.pipeline.call(this.instance, handler, message.payload, context);
    const result = isThenable(called) ? await called : called;
    const events = checkEvents(handler, result);
    // context.message: the command with what interceptors added for its events (trace context).
    const records = events.map((event) => eventToAppend(event, this.deps.payloads, context.message, now));
    let state = loaded.state;
    for (const [i, event] of events.entries()) {
      const record = records[i] as EventToAppend;
      // The event's own metadata, as a reload from the store gives it: live and replayed state must agree.
      const next = this.applyNow(
        state,
        new EventMessage(event, record.eventName, new Metadata(record.metadata), record.createdAt),
      );
      state = next instanceof Promise ? await next : next;
    }
    return { result: Array.isArray(result) ? events : events[0], events, records, state };
  }

  /**
   * Decides and appends, on the cached state when `from.useCache` and there is one, else on the
   * stored state; sets `from.cache` to say which.
   */
  private async decide(
    message: CommandMessage,
    handler: HandlerDescriptor,
    aggregateId: string,
    from: { readonly useCache: boolean; cache: boolean },
  ): Promise<unknown> {
    // A taken entry goes back only after success: whatever fails below leaves no cached state.
    const cached = from.useCache ? this.cache.take(aggregateId) : undefined;
    from.cache = cached !== undefined;
    const loaded = cached ?? (await this.load(aggregateId));
    const decision = await this.execute(message, handler, aggregateId, loaded, new Date());
    const version = loaded.version + decision.events.length;
    const { state } = decision;
    const snapshotDue =
      this.snapshotFrequency >= 0 &&
      state !== undefined &&
      version - loaded.snapshotVersion >= this.snapshotFrequency;
    // A state its snapshot would not give back fails the command before anything is stored.
    if (snapshotDue)
      checkSnapshotState(this.descriptor.name, this.snapshotFrequency, state, this.deps.payloads);
    const command = commandRecordOf(message, this.deps.payloads, Array.isArray(decision.result));
    const request: AppendRequest = {
      aggregateId,
      expectedVersion: loaded.version,
      events: decision.records,
      ...(command === undefined ? {} : { command }),
    };
    const stored = await this.deps.pipeline.append(this.deps.eventStore, request);
    // A delivery of the same command recorded its key first: its events are the result, and the
    // state decided here is not the aggregate's (the cache entry stays out).
    if (!appendedAsRequested(request, stored))
      return recordedResult(
        { events: stored, resultIsArray: command?.resultIsArray ?? false },
        this.deps.payloads,
      );
    let { snapshotVersion } = loaded;
    if (snapshotDue && (await this.snapshot(aggregateId, version, state))) {
      snapshotVersion = version;
    }
    this.cache.put(aggregateId, { state, version, snapshotVersion });
    return decision.result;
  }

  /** Stores a snapshot; false (after reporting the error) when that failed. */
  private async snapshot(aggregateId: string, version: number, state: AggregateState): Promise<boolean> {
    const { eventStore, payloads } = this.deps;
    try {
      await eventStore.saveSnapshot({
        aggregateId,
        aggregateVersion: version,
        stateName: payloads.nameOfInstance(state),
        state: payloads.serialize(state),
        createdAt: new Date(),
      });
      return true;
    } catch (error) {
      // The events are stored; a missing snapshot only costs a longer load next time.
      this.deps.onSnapshotError?.(error, aggregateId);
      return false;
    }
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
