/**
 * Fast set-up of stored events, bypassing every framework: one INSERT ... SELECT on PostgreSQL,
 * multi-row INSERTs on MariaDB, direct appends in memory. The rows follow the evento-ts table
 * layout (which the raw system shares); Emmett's loader is in systems/emmett.
 */
import type { Pool as MysqlPool } from 'mysql2/promise';
import type { Pool } from 'pg';

/** Which events to write: `aggregates` accounts with `perAggregate` events each. */
export interface EventSpec {
  readonly aggregates: number;
  readonly perAggregate: number;
  /** Version 1 of each account is `Opened` (else every event is a `Deposited`). */
  readonly opened: boolean;
  /** 'interleaved': account 0, 1, 2... then their second events (a global stream); 'grouped': one account after another. */
  readonly order: 'interleaved' | 'grouped';
  /** Account ids are `${idPrefix}${n}`. */
  readonly idPrefix: string;
}

/** The event at position `g` (0-based) of the spec. */
export function eventAt(
  spec: EventSpec,
  g: number,
): { id: string; version: number; name: string; payload: string } {
  const n = spec.order === 'interleaved' ? g % spec.aggregates : Math.floor(g / spec.perAggregate);
  const version =
    spec.order === 'interleaved' ? Math.floor(g / spec.aggregates) + 1 : (g % spec.perAggregate) + 1;
  const id = `${spec.idPrefix}${n}`;
  return spec.opened && version === 1
    ? { id, version, name: 'Opened', payload: JSON.stringify({ id }) }
    : { id, version, name: 'Deposited', payload: JSON.stringify({ id, amount: 1, sentAt: 0 }) };
}

export function total(spec: EventSpec): number {
  return spec.aggregates * spec.perAggregate;
}

/** Inserts the spec's events into `table` (evento-ts layout) in one statement, in order. */
export async function bulkLoadPostgres(pool: Pool, table: string, spec: EventSpec): Promise<void> {
  const account = spec.order === 'interleaved' ? `(g % ${spec.aggregates})` : `(g / ${spec.perAggregate})`;
  const version =
    spec.order === 'interleaved' ? `(g / ${spec.aggregates}) + 1` : `(g % ${spec.perAggregate}) + 1`;
  const isOpened = spec.opened ? 'a.v = 1' : 'false';
  await pool.query(
    `INSERT INTO ${table} (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at)
     SELECT a.id, a.v, CASE WHEN ${isOpened} THEN 'Opened' ELSE 'Deposited' END, 'default',
       CASE WHEN ${isOpened} THEN '{"id":"' || a.id || '"}' ELSE '{"id":"' || a.id || '","amount":1,"sentAt":0}' END,
       '{}'::jsonb, now()
     FROM (SELECT g, $1 || ${account} AS id, ${version} AS v FROM generate_series(0, $2::int - 1) g) a
     ORDER BY a.g`,
    [spec.idPrefix, total(spec)],
  );
  await pool.query(`ANALYZE ${table}`);
}

/** Inserts the spec's events into `table` (evento-ts layout) with multi-row INSERTs, in order. */
export async function bulkLoadMysql(pool: MysqlPool, table: string, spec: EventSpec): Promise<void> {
  const createdAt = new Date().toISOString().slice(0, 23).replace('T', ' ');
  const count = total(spec);
  for (let start = 0; start < count; start += 5000) {
    const rows: unknown[][] = [];
    for (let g = start; g < Math.min(count, start + 5000); g++) {
      const e = eventAt(spec, g);
      rows.push([e.id, e.version, e.name, 'default', e.payload, '{}', createdAt]);
    }
    await pool.query(
      `INSERT INTO ${table} (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at) VALUES ?`,
      [rows],
    );
  }
  await pool.query(`ANALYZE TABLE ${table}`);
}
