import type { Class } from '../internal/types';
import type { EventToAppend, StoredEvent } from '../stores/eventStore';
import { metadataFor } from './flow';
import { PublishedEvent, type Message } from './messages';
import { Metadata, MetadataKeys } from './metadata';
import type { PayloadRegistry } from './payloadRegistry';
import type { Event } from './payloads';

/**
 * The record to append for `event`, produced while handling `cause`: it carries the cause's
 * metadata (your keys travel from command to event), a new message id, the flow's correlation id
 * and the cause as causation.
 */
export function eventToAppend(
  event: Event,
  payloads: PayloadRegistry,
  cause: Message,
  createdAt: Date,
): EventToAppend {
  const {
    [MetadataKeys.messageId]: _id,
    [MetadataKeys.causationId]: _cause,
    ...inherited
  } = cause.metadata.toRecord();
  return {
    eventName: payloads.register(event.constructor as Class),
    context: event.getContext(),
    payload: payloads.serialize(event),
    metadata: metadataFor(inherited, cause).toRecord(),
    createdAt,
  };
}

/** A stored event revived as a message, its payload an instance of its own class. */
export function publishedEvent(stored: StoredEvent, payloads: PayloadRegistry): PublishedEvent {
  return new PublishedEvent(
    payloads.deserialize<Event>(stored.eventName, stored.payload),
    stored.eventName,
    new Metadata(stored.metadata),
    stored.createdAt,
    stored.sequenceNumber,
    stored.aggregateId,
    stored.aggregateVersion,
    stored.context,
  );
}
