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

/** A row as a frozen StoredEvent (numbers as JS numbers). */
export function toStoredEvent(row: EventRow): StoredEvent {
  return Object.freeze({
    sequenceNumber: Number(row.sequence_number),
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    eventName: row.event_name,
    context: row.context,
    payload: row.payload,
    metadata: Object.freeze({ ...(row.metadata ?? {}) }),
    createdAt: row.created_at,
  });
}

/** A nullable bigint column as a JS number. */
export function toNumber(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}
