/**
 * How `KafkaEventRelay` writes a stored event as a Kafka message: the key, the JSON value and the
 * headers, for readers that are not evento bundles. docs/distributed.md shows an example.
 */
import { unreadableEvent } from '../messages/eventRecords';
import type { StoredEvent } from '../stores/eventStore';
import type { OutgoingMessage } from './kafkaClient';

/** The format version written in every relayed value's `evento` field. */
export const RELAY_FORMAT_VERSION = 1;

/** The names of the headers every relayed message carries (besides the event's metadata). */
export const RelayHeaders = {
  /** The event's stable unique id (a UUID v7): deduplicate on it. */
  eventId: 'evento-event-id',
  /** The payload's registered name (its `@PayloadName`, else its class name). */
  eventName: 'evento-event-name',
  /** The event's position in the store's global stream (a decimal string). */
  sequenceNumber: 'evento-sequence-number',
  /** The aggregate that produced it; absent for a service event. */
  aggregateId: 'evento-aggregate-id',
  /** Its version within the aggregate (a decimal string); absent for a service event. */
  aggregateVersion: 'evento-aggregate-version',
  /** The event's context (`Event.getContext()`). */
  context: 'evento-context',
  /** When the event was decided, in milliseconds since the epoch (a decimal string). */
  timestamp: 'evento-timestamp',
} as const;

/** The JSON value of a relayed message. */
export interface RelayedEvent {
  /** The format version, {@link RELAY_FORMAT_VERSION}. */
  readonly evento: number;
  /** The event's stable unique id (a UUID v7): the same on every delivery of the event. */
  readonly eventId: string;
  /** The payload's registered name. */
  readonly eventName: string;
  /** The event's position in the store's global stream: increasing, possibly with gaps. */
  readonly sequenceNumber: number;
  /** The aggregate that produced it; null for a service event. */
  readonly aggregateId: string | null;
  /** Its version within the aggregate (1, 2, ...); null for a service event. */
  readonly aggregateVersion: number | null;
  /** The event's context. */
  readonly context: string;
  /** When the event was decided, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The message metadata: `messageId`, `correlationId`, `causationId` and the application's keys. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The payload's fields, as the event store keeps them: JSON in which a `Date` is
   * `{"$date": iso}`, a `Map` `{"$map": [[k, v]...]}`, a `Set` `{"$set": [...]}`, and a nested
   * instance of a registered class `{"$type": name, ...fields}`.
   */
  readonly payload: unknown;
}

/**
 * The Kafka message for `event`: keyed by its aggregate id (null for a service event, which the
 * partitioner then spreads), its JSON as the value, its facts and metadata as headers (where a
 * metadata key equals a header name of {@link RelayHeaders}, the header wins). An event whose
 * payload or metadata the store could not read is an UnreadableEventError.
 */
export function relayedMessage(event: StoredEvent): OutgoingMessage {
  let payload: unknown;
  try {
    if (event.unreadableMetadata !== undefined)
      throw new Error(
        `its metadata is not a JSON object of strings: ${event.unreadableMetadata.slice(0, 80)}`,
      );
    payload = JSON.parse(event.payload);
  } catch (cause) {
    throw unreadableEvent(event, cause);
  }
  const timestamp = event.createdAt.getTime();
  const value: RelayedEvent = {
    evento: RELAY_FORMAT_VERSION,
    eventId: event.eventId,
    eventName: event.eventName,
    sequenceNumber: event.sequenceNumber,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    context: event.context,
    timestamp,
    metadata: event.metadata,
    payload,
  };
  const headers: Record<string, string> = {
    ...event.metadata,
    [RelayHeaders.eventId]: event.eventId,
    [RelayHeaders.eventName]: event.eventName,
    [RelayHeaders.sequenceNumber]: String(event.sequenceNumber),
    [RelayHeaders.context]: event.context,
    [RelayHeaders.timestamp]: String(timestamp),
  };
  if (event.aggregateId !== null) headers[RelayHeaders.aggregateId] = event.aggregateId;
  if (event.aggregateVersion !== null)
    headers[RelayHeaders.aggregateVersion] = String(event.aggregateVersion);
  return { key: event.aggregateId, value: JSON.stringify(value), headers };
}
