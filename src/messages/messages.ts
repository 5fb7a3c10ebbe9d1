import type { Metadata } from './metadata';
import type { Command, DomainCommand, Event, Query } from './payloads';

/** An envelope: the payload, its registered name, when it was created, and its metadata. */
export class Message<P = unknown> {
  constructor(
    readonly payload: P,
    readonly payloadName: string,
    readonly metadata: Metadata,
    readonly timestamp: Date,
  ) {}

  get messageId(): string {
    return this.metadata.messageId;
  }
}

/** A command on its way to its handler. */
export class CommandMessage<P extends Command = Command> extends Message<P> {
  /** The aggregate id for a domain command, undefined for a service command. */
  get aggregateId(): string | undefined {
    const payload = this.payload as unknown as Partial<DomainCommand>;
    return typeof payload.getAggregateId === 'function' ? payload.getAggregateId() : undefined;
  }

  get lockId(): string | undefined {
    const payload = this.payload as unknown as { getLockId?: () => string | undefined };
    return typeof payload.getLockId === 'function' ? payload.getLockId() : undefined;
  }
}

/** A query on its way to its projection. */
export class QueryMessage<P extends Query = Query> extends Message<P> {}

/** An event, as produced by a handler or read back from the store. */
export class EventMessage<P extends Event = Event> extends Message<P> {
  get context(): string {
    return this.payload.getContext();
  }
}

/** An event read from the event store, with its place in the global stream. */
export class PublishedEvent<P extends Event = Event> extends EventMessage<P> {
  constructor(
    payload: P,
    payloadName: string,
    metadata: Metadata,
    timestamp: Date,
    readonly sequenceNumber: number,
    readonly aggregateId: string | null,
    readonly aggregateVersion: number | null,
    readonly storedContext: string,
  ) {
    super(payload, payloadName, metadata, timestamp);
  }

  get eventName(): string {
    return this.payloadName;
  }

  get createdAt(): Date {
    return this.timestamp;
  }

  override get context(): string {
    return this.storedContext;
  }
}
