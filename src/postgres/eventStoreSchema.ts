import type { Migration } from './migrations';

/** The component name the event store's migrations are recorded under. */
export const EVENT_STORE_COMPONENT = 'event store';

/**
 * The event store's tables. `sequence_number` comes from `<prefix>events_seq`; every writer must
 * take numbers from it only while holding the shared append lock (see postgresEventStore.ts), as
 * the functions `<prefix>append_events` (version 2) and `<prefix>append_events_v3` (version 3,
 * through which the store appends) do. Version 3 adds event ids and the idempotency keys.
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
  {
    version: 3,
    description: 'event ids, idempotency keys, append_events_v3 function',
    statements: (n) => [
      // A UUID v7 for the time given: 48 bits of Unix milliseconds, version 7, the rest random.
      `CREATE FUNCTION ${n.table('uuid_v7')}(p_time timestamptz) RETURNS uuid
         LANGUAGE sql VOLATILE
         AS $uuid$
           SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
             PLACING substring(int8send(floor(extract(epoch FROM p_time) * 1000)::bigint) FROM 3)
             FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
         $uuid$`,
      `ALTER TABLE ${n.table('events')} ADD COLUMN event_id uuid NULL`,
      // Events stored before this version get ids from their own created_at.
      `UPDATE ${n.table('events')} SET event_id = ${n.table('uuid_v7')}(created_at)`,
      // The default serves processes of the previous version still appending through append_events
      // during a rolling upgrade; this version passes its own ids.
      `ALTER TABLE ${n.table('events')}
         ALTER COLUMN event_id SET DEFAULT ${n.table('uuid_v7')}(clock_timestamp()),
         ALTER COLUMN event_id SET NOT NULL`,
      `CREATE UNIQUE INDEX ON ${n.table('events')} (event_id)`,
      `CREATE TABLE ${n.table('commands')} (
         idempotency_key text PRIMARY KEY,
         command_name text NOT NULL,
         fingerprint text NOT NULL,
         result_is_array boolean NOT NULL,
         sequence_numbers bigint[] NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      `CREATE INDEX ON ${n.table('commands')} (recorded_at)`,
      appendEventsV3Function(
        n.table('append_events_v3'),
        n.table('events'),
        n.table('events_seq'),
        n.table('commands'),
      ),
    ],
  },
];

/**
 * The DDL of version 3 of the append function: the protocol of {@link appendEventsFunction}, plus
 * event ids and the command's idempotency key, recorded in the same transaction. With a key
 * already recorded it inserts nothing and returns what was recorded (command name, fingerprint
 * and the events' sequence numbers). The key is looked up first, then inserted right before the
 * events with ON CONFLICT DO NOTHING: a concurrent append of the same key waits there for the
 * first to end, and then finds the key recorded.
 */
export function appendEventsV3Function(
  name: string,
  events: string,
  sequence: string,
  commands: string,
): string {
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
         p_event_ids uuid[],
         p_idempotency_key text,
         p_command_name text,
         p_fingerprint text,
         p_result_is_array boolean,
         p_channel text,
         p_notify_payload text,
         OUT actual_version int,
         OUT sequence_numbers bigint[],
         OUT recorded_command_name text,
         OUT recorded_fingerprint text)
       LANGUAGE plpgsql VOLATILE
       AS $append$
       DECLARE
         event_count int := cardinality(p_event_names);
       BEGIN
         IF p_lock_class IS NULL OR p_lock_key IS NULL OR p_channel IS NULL THEN
           RAISE EXCEPTION 'append_events_v3: the lock keys and the channel must not be null'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;
         IF event_count IS NULL OR event_count = 0
            OR array_ndims(p_event_names) <> 1
            OR cardinality(p_contexts) IS DISTINCT FROM event_count
            OR cardinality(p_payloads) IS DISTINCT FROM event_count
            OR cardinality(p_metadata) IS DISTINCT FROM event_count
            OR cardinality(p_created_at) IS DISTINCT FROM event_count
            OR cardinality(p_event_ids) IS DISTINCT FROM event_count THEN
           RAISE EXCEPTION 'append_events_v3: needs at least one event and arrays of equal length'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;
         IF p_aggregate_id IS NOT NULL AND (p_expected_version IS NULL OR p_expected_version < 0) THEN
           RAISE EXCEPTION 'append_events_v3: p_expected_version must be >= 0 for an aggregate'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;
         IF p_idempotency_key IS NOT NULL
            AND (p_command_name IS NULL OR p_fingerprint IS NULL OR p_result_is_array IS NULL) THEN
           RAISE EXCEPTION 'append_events_v3: a key needs its command name, fingerprint and result shape'
             USING ERRCODE = 'invalid_parameter_value';
         END IF;

         -- The shared append lock before any sequence number is drawn.
         PERFORM pg_advisory_xact_lock_shared(p_lock_class, p_lock_key);

         IF p_idempotency_key IS NOT NULL THEN
           SELECT c.command_name, c.fingerprint, c.sequence_numbers
             INTO recorded_command_name, recorded_fingerprint, sequence_numbers
             FROM ${commands} c WHERE c.idempotency_key = p_idempotency_key;
           IF FOUND THEN
             RETURN;
           END IF;
         END IF;

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

         IF p_idempotency_key IS NOT NULL THEN
           INSERT INTO ${commands}
             (idempotency_key, command_name, fingerprint, result_is_array, sequence_numbers)
             VALUES (p_idempotency_key, p_command_name, p_fingerprint, p_result_is_array, sequence_numbers)
             ON CONFLICT (idempotency_key) DO NOTHING;
           IF NOT FOUND THEN
             -- Recorded by an append that committed while this one waited: a new statement sees it.
             SELECT c.command_name, c.fingerprint, c.sequence_numbers
               INTO recorded_command_name, recorded_fingerprint, sequence_numbers
               FROM ${commands} c WHERE c.idempotency_key = p_idempotency_key;
             RETURN;
           END IF;
         END IF;

         INSERT INTO ${events}
           (sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata,
            created_at, event_id)
         SELECT sequence_numbers[u.i], p_aggregate_id,
                CASE WHEN p_aggregate_id IS NULL THEN NULL ELSE p_expected_version + u.i::int END,
                u.event_name, u.context, u.payload, u.metadata, u.created_at, u.event_id
           FROM unnest(p_event_names, p_contexts, p_payloads, p_metadata, p_created_at, p_event_ids)
                WITH ORDINALITY AS u(event_name, context, payload, metadata, created_at, event_id, i);

         PERFORM pg_notify(p_channel, p_notify_payload);
       END
       $append$`;
}

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
