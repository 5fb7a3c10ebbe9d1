/** Row <-> object mapping of the consumer state store's tables. */
import { InvalidArgumentError } from '../errors';
import type {
  ConsumerCommit,
  ConsumerErrorState,
  ConsumerState,
  DeadEvent,
  StoredSagaInstance,
} from '../stores/consumerStateStore';
import { metadataText, readStoredMetadata } from '../stores/storedMetadata';
import {
  fromNullableSqlDateTime,
  fromSqlDateTime,
  toInt,
  toNullableInt,
  toNullableText,
  toSqlDateTime,
  toText,
  type Row,
} from './connection';

/** Columns of `consumers` that {@link toConsumerState} reads. */
export const CONSUMER_COLUMNS =
  'consumer_id, stream_offset, version, enabled, error_since, error_last_at, error_count, error_message';

/** Columns of `saga_instances` that {@link toSagaInstance} reads. */
export const SAGA_COLUMNS = 'saga_name, saga_id, state_name, state, associations';

/** Columns of `dead_events`, in the order of {@link deadEventValues}. */
export const DEAD_EVENT_COLUMNS =
  'consumer_id, sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at, ' +
  'error_name, error_message, error_stack, dead_at, retries, event_id';

/** A `consumers` row as a frozen ConsumerState. */
export function toConsumerState(row: Row): ConsumerState {
  const since = fromNullableSqlDateTime(row.error_since);
  const error: ConsumerErrorState | null =
    since === null
      ? null
      : Object.freeze({
          since,
          lastErrorAt: fromSqlDateTime(row.error_last_at),
          count: toInt(row.error_count),
          message: toText(row.error_message),
        });
  return Object.freeze({
    consumerId: toText(row.consumer_id),
    offset: toInt(row.stream_offset),
    version: toInt(row.version),
    enabled: toInt(row.enabled) !== 0,
    error,
  });
}

/** The values of the four error columns (since, last_at, count, message) for `error`. */
export function errorValues(
  error: ConsumerErrorState | null,
): [string | null, string | null, number | null, string | null] {
  if (error === null) return [null, null, null, null];
  return [
    toSqlDateTime(error.since, 'error.since'),
    toSqlDateTime(error.lastErrorAt, 'error.lastErrorAt'),
    error.count,
    error.message,
  ];
}

/** A `saga_instances` row as a frozen StoredSagaInstance. */
export function toSagaInstance(row: Row): StoredSagaInstance {
  return Object.freeze({
    sagaName: toText(row.saga_name),
    sagaId: toText(row.saga_id),
    stateName: toText(row.state_name),
    state: toText(row.state),
    associations: Object.freeze(JSON.parse(toText(row.associations)) as Record<string, string>),
  });
}

/** The values of one `dead_events` row, in the order of {@link DEAD_EVENT_COLUMNS}. */
export function deadEventValues(dead: DeadEvent): unknown[] {
  const { event } = dead;
  return [
    dead.consumerId,
    event.sequenceNumber,
    event.aggregateId,
    event.aggregateVersion,
    event.eventName,
    event.context,
    event.payload,
    metadataText(event),
    toSqlDateTime(event.createdAt, 'A dead event createdAt'),
    dead.errorName,
    dead.errorMessage,
    dead.errorStack ?? null,
    toSqlDateTime(dead.deadAt, 'A dead event deadAt'),
    dead.retries,
    event.eventId || null,
  ];
}

/** A `dead_events` row as a frozen DeadEvent. */
export function toDeadEvent(row: Row): DeadEvent {
  const { metadata, unreadableMetadata } = readStoredMetadata(toText(row.metadata));
  return Object.freeze({
    consumerId: toText(row.consumer_id),
    event: Object.freeze({
      sequenceNumber: toInt(row.sequence_number),
      aggregateId: toNullableText(row.aggregate_id),
      aggregateVersion: toNullableInt(row.aggregate_version),
      eventName: toText(row.event_name),
      context: toText(row.context),
      payload: toText(row.payload),
      metadata,
      createdAt: fromSqlDateTime(row.created_at),
      // Null for the events that died before the consumer state store's version 2.
      eventId: toNullableText(row.event_id) ?? '',
      ...(unreadableMetadata === undefined ? {} : { unreadableMetadata }),
    }),
    errorName: toText(row.error_name),
    errorMessage: toText(row.error_message),
    errorStack: toNullableText(row.error_stack) ?? undefined,
    deadAt: fromSqlDateTime(row.dead_at),
    retries: toInt(row.retries),
  });
}

/** Throws InvalidArgumentError unless `offset` is a whole number >= 0. */
export function requireOffset(offset: number, where: string): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidArgumentError(
      `${where} needs a whole offset >= 0 (got ${offset}); pass the sequence number of the last event handled.`,
    );
  }
}

/** Rejects a commit no store should accept, before anything is read or written. */
export function validateCommit(commit: ConsumerCommit): void {
  requireOffset(commit.offset, `commit('${commit.consumerId}')`);
  for (const dead of commit.deadEvents ?? []) {
    if (dead.consumerId !== commit.consumerId) {
      throw new InvalidArgumentError(
        `commit('${commit.consumerId}') got a dead event of consumer '${dead.consumerId}'; a consumer can only send events to its own dead event queue.`,
      );
    }
  }
}

/** Orders strings by code unit, whatever the database collation. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
