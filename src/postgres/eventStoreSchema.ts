import type { Migration } from './migrations';

/** The component name the event store's migrations are recorded under. */
export const EVENT_STORE_COMPONENT = 'event store';

/**
 * The event store's tables. `sequence_number` comes from `<prefix>events_seq`; every writer must
 * take numbers from it only while holding the shared append lock (see postgresEventStore.ts).
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
];
