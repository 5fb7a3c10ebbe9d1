import type { StoredEvent } from '../stores/eventStore';
import { metadataText, readStoredMetadata } from '../stores/storedMetadata';

/** The event columns as `pg` returns them (bigint as a string, jsonb parsed). */
export interface EventRow {
  sequence_number: string | number;
  aggregate_id: string | null;
  aggregate_version: number | null;
  event_name: string;
  context: string;
  payload: string;
  metadata: unknown;
  created_at: Date;
  /** Null only in a dead event recorded before the consumer state store's version 2. */
  event_id: string | null;
}

/** The column list matching {@link EventRow}. */
export const EVENT_COLUMNS =
  'sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at, event_id';

/**
 * A row as a frozen StoredEvent (numbers as JS numbers). `pg` parses each row's jsonb into a new
 * object, so the row's metadata is frozen in place rather than copied; metadata that is not an
 * object of strings is kept raw (see readStoredMetadata).
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  const { metadata, unreadableMetadata } = readStoredMetadata(row.metadata);
  return Object.freeze({
    sequenceNumber: Number(row.sequence_number),
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    eventName: row.event_name,
    context: row.context,
    payload: row.payload,
    metadata,
    createdAt: row.created_at,
    eventId: row.event_id ?? '',
    ...(unreadableMetadata === undefined ? {} : { unreadableMetadata }),
  });
}

/** A nullable bigint column as a JS number. */
export function toNumber(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * The jsonb text to write for `event`'s metadata (as a dead event): its raw stored value when it
 * was unreadable, as a JSON string if that raw value is not even JSON (jsonb would refuse it).
 */
export function metadataJsonb(event: StoredEvent): string {
  const text = metadataText(event);
  if (event.unreadableMetadata === undefined) return text;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
