import type { Metadata } from './metadata';
import type { Command, DomainCommand, Event, Query } from './payloads';

/** An envelope: the payload, its registered name, when it was created, and its metadata. */
export class Message<P = unknown> {
  constructor(
    /** The command, query or event itself, an instance of its own class. */
    readonly payload: P,
    /** The payload's registered name (the class name unless `@PayloadName` says otherwise). */
    readonly payloadName: string,
    /** Ids of the flow plus your own keys; see `Metadata`. */
    readonly metadata: Metadata,
    /** When the message was created (for a stored event: when it was appended). */
    readonly timestamp: Date,
  ) {}

  /** This message's own id (a UUID), the same as `metadata.messageId`. */
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

  /** The lock id: commands sharing one never run at the same time (see `DomainCommand.getLockId`). */
  get lockId(): string | undefined {
    const payload = this.payload as unknown as { getLockId?: () => string | undefined };
    return typeof payload.getLockId === 'function' ? payload.getLockId() : undefined;
  }
}

/** A query on its way to its projection. */
export class QueryMessage<P extends Query = Query> extends Message<P> {}

/** An event, as produced by a handler or read back from the store. */
export class EventMessage<P extends Event = Event> extends Message<P> {
  /** The event's context, from `Event.getContext()`. */
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
    /** The event's position in the store's global stream, from 1; what consumers keep as their offset. */
    readonly sequenceNumber: number,
    /** The aggregate that produced it, or null for a service event. */
    readonly aggregateId: string | null,
    /** The aggregate's version after this event (1 for its first), or null for a service event. */
    readonly aggregateVersion: number | null,
    /** The context the event was stored under. */
    readonly storedContext: string,
    /** The event's stable unique id (a UUID v7) as stored: names the event across systems, logs and traces. */
    readonly eventId: string,
  ) {
    super(payload, payloadName, metadata, timestamp);
  }

  /** The registered name the event was stored under (the same as `payloadName`). */
  get eventName(): string {
    return this.payloadName;
  }

  /** When the event was appended (the same as `timestamp`). */
  get createdAt(): Date {
    return this.timestamp;
  }

  /** The context the event was stored under, which consumers subscribe to. */
  override get context(): string {
    return this.storedContext;
  }
}

/** A copy of `message` (of its own class, with all its fields) carrying `metadata` instead. */
export function withMetadata<M extends Message>(message: M, metadata: Metadata): M {
  // Made by their constructors, the copies keep the shape of the messages they copy: code that
  // reads messages stays on its fast path whether an interceptor added metadata or not.
  const type = message.constructor;
  if (type === PublishedEvent) {
    const event = message as unknown as PublishedEvent;
    return new PublishedEvent(
      event.payload,
      event.payloadName,
      metadata,
      event.timestamp,
      event.sequenceNumber,
      event.aggregateId,
      event.aggregateVersion,
      event.storedContext,
      event.eventId,
    ) as unknown as M;
  }
  if (type === CommandMessage || type === QueryMessage || type === EventMessage || type === Message) {
    const Type = type as new (payload: unknown, name: string, metadata: Metadata, timestamp: Date) => M;
    return new Type(message.payload, message.payloadName, metadata, message.timestamp);
  }
  return Object.assign(Object.create(Object.getPrototypeOf(message) as object) as M, message, { metadata });
}
