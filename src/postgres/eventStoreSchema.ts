import type { Migration } from './migrations';

/** The component name the event store's migrations are recorded under. */
export const EVENT_STORE_COMPONENT = 'event store';

/**
 * The event store's tables. `sequence_number` comes from `<prefix>events_seq`; every writer must
 * take numbers from it only while holding the shared append lock (see postgresEventStore.ts), as
 * the function `<prefix>append_events` (version 2), through which the store appends, does.
 * `payload` is `text` so the JSON the framework made comes back byte for byte.
 */
export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, snapshots',
    statements: (n) => [
      `CREATE SEQUENCE ${n.table('events_seq')} AS bigint`,
      `CREATE TABLE ${n.table('events')} (
         sequence_number bigint PRIMARY KEY DEFAULT nextval('${n.table('events_seq')}'),
         aggregate_id text NULL,
         aggregate_version int NULL,
         event_name text NOT NULL,
         context text NOT NULL,
         payload text NOT NULL,
         metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
         created_at timestamptz NOT NULL,
         UNIQUE (aggregate_id, aggregate_version),
         CHECK ((aggregate_id IS NULL) = (aggregate_version IS NULL)))`,
      `ALTER SEQUENCE ${n.table('events_seq')} OWNED BY ${n.table('events')}.sequence_number`,
      `CREATE INDEX ON ${n.table('events')} (context, sequence_number)`,
      `CREATE TABLE ${n.table('snapshots')} (
         aggregate_id text PRIMARY KEY,
         aggregate_version int NOT NULL,
         state_name text NOT NULL,
         state text NOT NULL,
         created_at timestamptz NOT NULL)`,
    ],
  },
  {
    version: 2,
    description: 'append_events function',
    statements: (n) => [
      // The whole append as one statement (see postgresEventStore.ts for the protocol it follows).
      // Returns the aggregate's version the check found (NULL for aggregate-less appends) and the
      // sequence numbers, ascending, one per event; on a version mismatch it inserts nothing and
      // returns NULL numbers. Arguments are checked here too: a call with missing lock keys would
      // otherwise skip the lock (the lock functions are strict) and break gap safety.
      appendEventsFunction(n.table('append_events'), n.table('events'), n.table('events_seq')),
    ],
  },
];

/**
 * The DDL of the append function (`name`) over the events table `events` and its sequence
 * `sequence` (quoted, qualified names). Exported for the benchmark's hand-written baseline,
 * which runs the same statement on tables of its own.
 */
export function appendEventsFunction(name: string, events: string, sequence: string): string {
  return `CREATE FUNCTION ${name}(
         p_lock_class int,
         p_lock_key int,
         p_aggregate_id text,
         p_expected_version int,
         p_event_names text[],
         p_contexts text[],
         p_payloads text[],
         p_metadata jsonb[],
         p_created_at timestamptz[],
         p_channel text,
         p_notify_payload text,
         OUT actual_version int,
         OUT sequence_numbers bigint[])
       LANGUAGE plpgsql VOLATILE
       AS $append$
       DECLARE
         event_count int := cardinality(p_event_names);
       BEGIN
         IF p_lock_class IS NULL OR p_lock_key IS NULL OR p_channel IS NULL THEN
           RAISE EXCEPTION 'append_events: the lock keys and the channel must not be null'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;
         IF event_count IS NULL OR event_count = 0
            OR array_ndims(p_event_names) <> 1
            OR cardinality(p_contexts) IS DISTINCT FROM event_count
            OR cardinality(p_payloads) IS DISTINCT FROM event_count
            OR cardinality(p_metadata) IS DISTINCT FROM event_count
            OR cardinality(p_created_at) IS DISTINCT FROM event_count THEN
           RAISE EXCEPTION 'append_events: needs at least one event and arrays of equal length'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;
         IF p_aggregate_id IS NOT NULL AND (p_expected_version IS NULL OR p_expected_version < 0) THEN
           RAISE EXCEPTION 'append_events: p_expected_version must be >= 0 for an aggregate'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;

         -- The shared append lock before any sequence number is drawn.
         PERFORM pg_advisory_xact_lock_shared(p_lock_class, p_lock_key);

         IF p_aggregate_id IS NOT NULL THEN
           SELECT coalesce(max(e.aggregate_version), 0) INTO actual_version
             FROM ${events} e WHERE e.aggregate_id = p_aggregate_id;
           IF actual_version <> p_expected_version THEN
             RETURN;
           END IF;
         END IF;

         SELECT array_agg(s.n ORDER BY s.n) INTO sequence_numbers
           FROM (SELECT nextval('${sequence}') AS n
                 FROM generate_series(1, event_count)) s;

         INSERT INTO ${events}
           (sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at)
         SELECT sequence_numbers[u.i], p_aggregate_id,
                CASE WHEN p_aggregate_id IS NULL THEN NULL ELSE p_expected_version + u.i::int END,
                u.event_name, u.context, u.payload, u.metadata, u.created_at
           FROM unnest(p_event_names, p_contexts, p_payloads, p_metadata, p_created_at)
                WITH ORDINALITY AS u(event_name, context, payload, metadata, created_at, i);

         PERFORM pg_notify(p_channel, p_notify_payload);
       END
       $append$`;
}
