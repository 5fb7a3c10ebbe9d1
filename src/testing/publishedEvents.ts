/** Events as the fixtures publish them to projectors and sagas: numbered and stored as the event store would. */
import { InvalidArgumentError } from '../errors';
import { newEventId } from '../internal/eventId';
import { describe } from '../internal/types';
import { metadataFor } from '../messages/flow';
import type { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { Event } from '../messages/payloads';
import type { StoredEvent } from '../stores/eventStore';
import { serializeChecked } from './roundTrip';

/** How an event is published, beyond its payload. */
export interface PublishedEventOptions {
  /** The aggregate that produced it (default: none, as for a service event). */
  readonly aggregateId?: string;
  /** Its version within the aggregate (default: one more than the aggregate's previous event). */
  readonly aggregateVersion?: number;
  /** Your metadata keys; the message, correlation and causation ids are set as for a new flow. */
  readonly metadata?: Metadata | Readonly<Record<string, string>>;
  /** When it was stored (default: the fixture's current time). */
  readonly timestamp?: Date;
}

/** An event with the facts the event store would have recorded about it. */
export class PublishedEventSpec {
  constructor(
    /** The event. */
    readonly event: Event,
    /** What the store would have recorded with it. */
    readonly options: PublishedEventOptions,
  ) {}
}

/**
 * Describes how an event was published, for fixtures that take published events:
 * `fixture.given(published(new Deposited('a1', 5), { aggregateId: 'a1', metadata: { user: 'ann' } }))`.
 */
export function published(event: Event, options: PublishedEventOptions = {}): PublishedEventSpec {
  return new PublishedEventSpec(event, options);
}

/** An event, or an event with how it was published. */
export type PublishableEvent = Event | PublishedEventSpec;

/** Numbers and serializes events as the store would, for one fixture run. */
export class FixtureEventStream {
  private sequence = 0;
  private readonly versions = new Map<string, number>();

  constructor(private readonly payloads: PayloadRegistry) {}

  /** The stored form of `input`: serialized (checked to read back equal), numbered, with metadata. */
  store(input: PublishableEvent, now: Date, where: string): StoredEvent {
    const spec = input instanceof PublishedEventSpec ? input : new PublishedEventSpec(input, {});
    const event = spec.event;
    if (!(event instanceof Event)) {
      throw new InvalidArgumentError(
        `${where} takes events (instances of an Event subclass), got ${describe(event)}.`,
      );
    }
    const eventName = this.payloads.register(event.constructor as typeof Event);
    const payload = serializeChecked(this.payloads, eventName, event, `${where}: ${event.constructor.name}`);
    const aggregateId = spec.options.aggregateId ?? null;
    let aggregateVersion: number | null = null;
    if (aggregateId !== null) {
      aggregateVersion = spec.options.aggregateVersion ?? (this.versions.get(aggregateId) ?? 0) + 1;
      this.versions.set(aggregateId, aggregateVersion);
    }
    return Object.freeze({
      eventName,
      context: event.getContext(),
      payload,
      metadata: Object.freeze(metadataFor(spec.options.metadata).toRecord()),
      createdAt: spec.options.timestamp ?? now,
      sequenceNumber: ++this.sequence,
      aggregateId,
      aggregateVersion,
      eventId: newEventId(),
    });
  }
}

/** True when a consumer reading `contexts` (its option) sees events of `context`. */
export function consumes(contexts: unknown, context: string): boolean {
  if (!Array.isArray(contexts) || contexts.length === 0) return true;
  return contexts.includes('*') || contexts.includes(context);
}

/** Throws when `input` is neither an event nor a published event. */
export function checkEvent(input: unknown, method: string): void {
  const event = input instanceof PublishedEventSpec ? input.event : input;
  if (!(event instanceof Event)) {
    throw new InvalidArgumentError(
      `${method}() takes events (instances of an Event subclass), got ${describe(event)}.`,
    );
  }
}
