import type { StoredEvent } from '../stores/eventStore';

/** The event columns as `pg` returns them (bigint as a string, jsonb parsed). */
export interface EventRow {
  sequence_number: string | number;
  aggregate_id: string | null;
  aggregate_version: number | null;
  event_name: string;
  context: string;
  payload: string;
  metadata: Record<string, string> | null;
  created_at: Date;
}

/** The column list matching {@link EventRow}. */
export const EVENT_COLUMNS =
  'sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at';

/** The metadata of rows whose column is NULL (shared, frozen). */
const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A row as a frozen StoredEvent (numbers as JS numbers). `pg` parses each row's jsonb into a new
 * object, so the row's metadata is frozen in place rather than copied.
 */
export function toStoredEvent(row: EventRow): StoredEvent {
  return Object.freeze({
    sequenceNumber: Number(row.sequence_number),
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    eventName: row.event_name,
    context: row.context,
    payload: row.payload,
    metadata: row.metadata === null ? NO_METADATA : Object.freeze(row.metadata),
    createdAt: row.created_at,
  });
}

/** A nullable bigint column as a JS number. */
export function toNumber(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}
