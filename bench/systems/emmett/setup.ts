/**
 * Emmett 0.42 as documented: its PostgreSQL event store (tables in their own schema through
 * search_path, on a pg pool of the same size as the other systems) and its in-memory store.
 */
import type { Event } from '@event-driven-io/emmett';
import { getInMemoryEventStore, type InMemoryEventStore } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import type { Pool } from 'pg';
import { eventAt, total, type EventSpec } from '../../harness/bulk';
import { emmettUrl, pgPool } from '../../harness/databases';

export type Opened = Event<'Opened', { id: string }>;
export type Deposited = Event<'Deposited', { id: string; amount: number; sentAt: number }>;
export type AccountEvent = Opened | Deposited;

export interface EmmettAccount {
  balance: number;
  deposits: number;
}

export const initialState = (): EmmettAccount => ({ balance: 0, deposits: 0 });

export const evolve = (state: EmmettAccount, event: AccountEvent): EmmettAccount =>
  event.type === 'Deposited'
    ? { balance: state.balance + event.data.amount, deposits: state.deposits + 1 }
    : state;

/** Emmett's stream name of an account. */
export const streamOf = (id: string): string => `account-${id}`;

export interface EmmettPostgres {
  readonly store: PostgresEventStore;
  readonly pool: Pool;
  readonly url: string;
  close(): Promise<void>;
}

/** Emmett's PostgreSQL store, its schema migrated. */
export async function emmettPostgres(): Promise<EmmettPostgres> {
  const url = emmettUrl();
  const pool = pgPool({ application_name: 'evento-bench-emmett' }, url);
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  return {
    store,
    pool,
    url,
    close: async () => {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** Writes the spec's events into Emmett's tables (streams and messages) in two statements. */
export async function bulkLoadEmmett(pool: Pool, spec: EventSpec): Promise<void> {
  const account = spec.order === 'interleaved' ? `(g % ${spec.aggregates})` : `(g / ${spec.perAggregate})`;
  const version =
    spec.order === 'interleaved' ? `(g / ${spec.aggregates}) + 1` : `(g % ${spec.perAggregate}) + 1`;
  const isOpened = spec.opened ? 'a.v = 1' : 'false';
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata, is_archived)
       SELECT 'account-' || $1 || n, $2::int, 'emt:default', 'account', '{}'::jsonb, false
       FROM generate_series(0, $3::int - 1) n`,
      [spec.idPrefix, spec.perAggregate, spec.aggregates],
    );
    await client.query(
      `INSERT INTO emt_messages (stream_position, transaction_id, message_kind, stream_id, partition,
         message_schema_version, message_id, message_type, message_data, message_metadata)
       SELECT a.v, pg_current_xact_id(), 'E', 'account-' || a.id, 'emt:default', '1', gen_random_uuid()::text,
         CASE WHEN ${isOpened} THEN 'Opened' ELSE 'Deposited' END,
         CASE WHEN ${isOpened} THEN jsonb_build_object('id', a.id) ELSE jsonb_build_object('id', a.id, 'amount', 1, 'sentAt', 0) END,
         '{}'::jsonb
       FROM (SELECT g, $1 || ${account} AS id, ${version} AS v FROM generate_series(0, $2::int - 1) g) a
       ORDER BY a.g`,
      [spec.idPrefix, total(spec)],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE emt_messages');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Emmett's in-memory store with the spec's events appended through its API. */
export async function emmettMemory(spec: EventSpec): Promise<InMemoryEventStore> {
  const store = getInMemoryEventStore();
  const byStream = new Map<string, AccountEvent[]>();
  for (let g = 0; g < total(spec); g++) {
    const e = eventAt(spec, g);
    const events = byStream.get(e.id) ?? [];
    events.push(
      e.name === 'Opened'
        ? { type: 'Opened', data: { id: e.id } }
        : { type: 'Deposited', data: { id: e.id, amount: 1, sentAt: 0 } },
    );
    byStream.set(e.id, events);
  }
  for (const [id, events] of byStream) await store.appendToStream(streamOf(id), events);
  return store;
}
