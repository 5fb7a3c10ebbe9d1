import { ConcurrencyError, HandlerReturnError, InvalidArgumentError } from '../errors';
import { KeyedMutex } from '../internal/keyedMutex';
import { describe } from '../internal/types';
import { eventToAppend, publishedEvent } from '../messages/eventRecords';
import { EventMessage, type CommandMessage } from '../messages/messages';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { DomainEvent } from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import type { InvocationContext } from '../registry/invocationContext';
import { invoke } from '../registry/invoke';
import type { EventStore } from '../stores/eventStore';
import { alreadyInitialized, deleted, notInitialized } from './aggregateErrors';
import { AggregateState } from './aggregateState';

/** What the runtime needs from the bundle. */
export interface AggregateRuntimeDeps {
  readonly eventStore: EventStore;
  readonly payloads: PayloadRegistry;
  readonly gateways: Pick<InvocationContext, 'commandGateway' | 'queryGateway'>;
  /** Times a command is decided again after a ConcurrencyError from another writer. */
  readonly conflictRetries: number;
  readonly onSnapshotError?: (error: unknown) => void;
}

/** An aggregate's state as loaded: the state, its version, and the version of the snapshot used. */
export interface LoadedAggregate {
  readonly state: AggregateState | undefined;
  readonly version: number;
  readonly snapshotVersion: number;
}

/**
 * Runs the commands of one aggregate class: loads the state (snapshot plus later events), runs the
 * command handler, applies the new events through the event sourcing handlers, appends them with
 * the expected version, and takes a snapshot when due. Commands with one lock id run one at a time.
 */
export class AggregateRuntime {
  private readonly mutex = new KeyedMutex();
  private readonly snapshotFrequency: number;

  constructor(
    readonly descriptor: ComponentDescriptor,
    private readonly instance: object,
    private readonly deps: AggregateRuntimeDeps,
  ) {
    const frequency = descriptor.options.snapshotFrequency;
    this.snapshotFrequency = typeof frequency === 'number' ? frequency : -1;
  }

  async handle(message: CommandMessage, handler: HandlerDescriptor): Promise<unknown> {
    const aggregateId = message.aggregateId;
    if (typeof aggregateId !== 'string' || aggregateId.length === 0) {
      throw new InvalidArgumentError(
        `${message.payloadName}.getAggregateId() returned ${JSON.stringify(aggregateId)}; a domain command needs a non-empty aggregate id.`,
      );
    }
    return this.mutex.run(message.lockId ?? aggregateId, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.decide(message, handler, aggregateId);
        } catch (error) {
          if (!(error instanceof ConcurrencyError) || attempt >= this.deps.conflictRetries) throw error;
          await backoff(attempt);
        }
      }
    });
  }

  /** Rebuilds the aggregate's state from its snapshot (if any) and later events. */
  async load(aggregateId: string): Promise<LoadedAggregate> {
    const { eventStore, payloads } = this.deps;
    const snapshot = this.snapshotFrequency >= 0 ? await eventStore.loadSnapshot(aggregateId) : undefined;
    let state =
      snapshot === undefined
        ? undefined
        : payloads.deserialize<AggregateState>(snapshot.stateName, snapshot.state);
    const snapshotVersion = snapshot?.aggregateVersion ?? 0;
    let version = snapshotVersion;
    for (const stored of await eventStore.readAggregate(aggregateId, snapshotVersion)) {
      state = await this.apply(state, publishedEvent(stored, payloads));
      version = stored.aggregateVersion ?? version + 1;
    }
    return { state, version, snapshotVersion };
  }

  /** Applies one event to `state` through its event sourcing handler; resolves to the new state. */
  async apply(state: AggregateState | undefined, message: EventMessage): Promise<AggregateState | undefined> {
    const handler = this.descriptor.byPayload.get(message.payload.constructor);
    if (handler === undefined || handler.kind !== 'eventSourcing') {
      throw new HandlerReturnError(
        `${this.descriptor.name} has no @EventSourcingHandler for ${message.payloadName}; add one (it may leave the state as it is).`,
      );
    }
    const result = await invoke(this.instance, handler, message.payload, {
      ...this.deps.gateways,
      message,
      state,
    });
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

  private async decide(
    message: CommandMessage,
    handler: HandlerDescriptor,
    aggregateId: string,
  ): Promise<unknown> {
    const { state, version, snapshotVersion } = await this.load(aggregateId);
    const init = handler.options.init === true;
    if (version === 0 && !init) throw notInitialized(handler, aggregateId);
    if (version > 0 && init) throw alreadyInitialized(handler, aggregateId, version);
    if (state?.isDeleted() === true) throw deleted(handler, aggregateId);

    const result = await invoke(this.instance, handler, message.payload, {
      ...this.deps.gateways,
      message,
      state,
    });
    const events = this.checkEvents(handler, result);
    const now = new Date();
    const records = events.map((event) => eventToAppend(event, this.deps.payloads, message, now));
    let next = state;
    for (const [i, event] of events.entries()) {
      const record = records[i];
      if (record === undefined) continue;
      next = await this.apply(next, new EventMessage(event, record.eventName, message.metadata, now));
    }
    await this.deps.eventStore.append({ aggregateId, expectedVersion: version, events: records });
    const newVersion = version + events.length;
    if (
      this.snapshotFrequency >= 0 &&
      next !== undefined &&
      newVersion - snapshotVersion >= this.snapshotFrequency
    ) {
      await this.snapshot(aggregateId, newVersion, next);
    }
    return Array.isArray(result) ? events : events[0];
  }

  private checkEvents(handler: HandlerDescriptor, result: unknown): DomainEvent[] {
    const where = `${this.descriptor.name}.${handler.method}`;
    const events = Array.isArray(result)
      ? (result as unknown[])
      : result === undefined || result === null
        ? []
        : [result];
    if (events.length === 0) {
      throw new HandlerReturnError(
        `${where} returned no event; an @AggregateCommandHandler returns the event (or events) to append, or throws to reject the command.`,
      );
    }
    for (const event of events) {
      if (!(event instanceof DomainEvent)) {
        throw new HandlerReturnError(`${where} returned ${describe(event)}; return DomainEvent instances.`);
      }
      if (!this.descriptor.byPayload.has(event.constructor)) {
        throw new HandlerReturnError(
          `${where} returned ${event.constructor.name}, which has no @EventSourcingHandler in ${this.descriptor.name}; add one.`,
        );
      }
    }
    return events as DomainEvent[];
  }

  private async snapshot(aggregateId: string, version: number, state: AggregateState): Promise<void> {
    const { eventStore, payloads } = this.deps;
    try {
      await eventStore.saveSnapshot({
        aggregateId,
        aggregateVersion: version,
        stateName: payloads.nameOfInstance(state),
        state: payloads.serialize(state),
        createdAt: new Date(),
      });
    } catch (error) {
      // The events are stored; a missing snapshot only costs a longer load next time.
      this.deps.onSnapshotError?.(error);
    }
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
