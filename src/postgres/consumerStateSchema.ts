import type { Migration } from './migrations';

/** The component name the consumer state store's migrations are recorded under. */
export const CONSUMER_STATE_COMPONENT = 'consumer state store';

/**
 * The consumer state store's tables. Leases are rows compared with the database clock, never
 * session locks, so they do not pin a pooled connection. Saga associations are a jsonb object with
 * a GIN index, looked up with `saga_name = $1 AND associations @> {"property": "value"}`.
 */
export const CONSUMER_STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'consumers, leases, saga instances, dead events',
    statements: (n) => [
      `CREATE TABLE ${n.table('consumers')} (
         consumer_id text PRIMARY KEY,
         "offset" bigint NOT NULL,
         version int NOT NULL DEFAULT 0,
         enabled boolean NOT NULL DEFAULT true,
         error_since timestamptz NULL,
         error_last_at timestamptz NULL,
         error_count int NULL,
         error_message text NULL,
         updated_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE ${n.table('leases')} (
         consumer_id text PRIMARY KEY,
         owner text NOT NULL,
         expires_at timestamptz NOT NULL)`,
      `CREATE TABLE ${n.table('saga_instances')} (
         saga_name text NOT NULL,
         saga_id text NOT NULL,
         state_name text NOT NULL,
         state text NOT NULL,
         associations jsonb NOT NULL DEFAULT '{}'::jsonb,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (saga_name, saga_id))`,
      `CREATE INDEX ON ${n.table('saga_instances')} USING gin (associations jsonb_path_ops)`,
      `CREATE TABLE ${n.table('dead_events')} (
         consumer_id text NOT NULL,
         sequence_number bigint NOT NULL,
         aggregate_id text NULL,
         aggregate_version int NULL,
         event_name text NOT NULL,
         context text NOT NULL,
         payload text NOT NULL,
         metadata jsonb NOT NULL,
         created_at timestamptz NOT NULL,
         error_name text NOT NULL,
         error_message text NOT NULL,
         error_stack text NULL,
         dead_at timestamptz NOT NULL,
         retries int NOT NULL DEFAULT 0,
         PRIMARY KEY (consumer_id, sequence_number))`,
    ],
  },
  {
    version: 2,
    description: 'dead events keep their event id',
    // Null for the events that died before this version.
    statements: (n) => [`ALTER TABLE ${n.table('dead_events')} ADD COLUMN event_id text NULL`],
  },
];
