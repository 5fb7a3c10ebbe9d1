import { SerializationError, UnreadableEventError } from '../errors';
import { newEventId } from '../internal/eventId';
import type { Class } from '../internal/types';
import type { EventToAppend, StoredEvent } from '../stores/eventStore';
import { stampMetadata } from './flow';
import { PublishedEvent, type Message } from './messages';
import { Metadata, MetadataKeys } from './metadata';
import type { PayloadRegistry } from './payloadRegistry';
import type { Event } from './payloads';

/**
 * The record to append for `event`, produced while handling `cause`: it carries the cause's
 * metadata (your keys travel from command to event), a new message id, the flow's correlation id
 * and the cause as causation. Its metadata is frozen, so messages and stores can share it.
 */
export function eventToAppend(
  event: Event,
  payloads: PayloadRegistry,
  cause: Message,
  createdAt: Date,
): EventToAppend {
  return {
    eventName: payloads.register(event.constructor as Class),
    context: event.getContext(),
    payload: payloads.serialize(event),
    metadata: Object.freeze(stampMetadata(inheritedMetadata(cause), cause)),
    createdAt,
    eventId: newEventId(),
  };
}

/** The keys of the cause's metadata an event takes over: all but its message id and causation id. */
function inheritedMetadata(cause: Message): Record<string, string> {
  return cause.metadata.toRecordWithout(NOT_INHERITED);
}

const NOT_INHERITED: readonly string[] = [MetadataKeys.messageId, MetadataKeys.causationId];

/**
 * A stored event revived as a message, its payload an instance of its own class. A payload or
 * metadata that cannot be revived (damaged, hostile, an unknown class) is an UnreadableEventError
 * naming the event's sequence number, aggregate and version, its cause saying why.
 */
export function publishedEvent(stored: StoredEvent, payloads: PayloadRegistry): PublishedEvent {
  let payload: Event;
  try {
    if (stored.unreadableMetadata !== undefined) {
      throw new SerializationError(
        `its metadata is not a JSON object of strings: ${excerpt(stored.unreadableMetadata)}`,
        { context: { path: 'metadata' } },
      );
    }
    payload = payloads.deserialize<Event>(stored.eventName, stored.payload);
  } catch (cause) {
    throw unreadableEvent(stored, cause);
  }
  return new PublishedEvent(
    payload,
    stored.eventName,
    new Metadata(stored.metadata),
    stored.createdAt,
    stored.sequenceNumber,
    stored.aggregateId,
    stored.aggregateVersion,
    stored.context,
    stored.eventId,
  );
}

/** The UnreadableEventError for `stored`, which could not be revived because of `cause`. */
export function unreadableEvent(stored: StoredEvent, cause: unknown): UnreadableEventError {
  const where =
    stored.aggregateId === null
      ? 'a service event'
      : `aggregate ${JSON.stringify(stored.aggregateId)} version ${stored.aggregateVersion ?? '?'}`;
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new UnreadableEventError(
    `Stored event #${stored.sequenceNumber} (${JSON.stringify(stored.eventName)}, ${where}) cannot be read: ${why} ` +
      'The row was damaged or written outside the framework: fix or delete it in the events table. ' +
      'Consumers send it to their dead events and go on; commands on its aggregate fail until it is fixed.',
    {
      cause,
      context: {
        sequenceNumber: stored.sequenceNumber,
        aggregateId: stored.aggregateId,
        aggregateVersion: stored.aggregateVersion,
        eventName: stored.eventName,
        reason: why,
      },
    },
  );
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
