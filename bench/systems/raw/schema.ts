/**
 * The raw system's tables: the evento-ts layout written out by hand (same columns, keys and
 * indexes), so the raw limit does the same database work on the same shape of data. Each raw
 * system has its own table prefix.
 */
import { createHash } from 'node:crypto';
import { createPool, type Pool as MysqlPool } from 'mysql2/promise';
import type { Pool } from 'pg';
import { appendEventsFunction } from '../../../src/postgres/eventStoreSchema';
import { mysqlUrl, PG_SCHEMA, pgPool, POOL_SIZE } from '../../harness/databases';

export const EVENT_COLUMNS =
  'sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at';

/** The advisory lock keys of the raw append protocol (evento-ts derives its own from schema and prefix). */
export const LOCK_KEYS = [0x65766131, 0x72617731];
export const NOTIFY_CHANNEL = 'raw_events';

/** Table names of one raw system (qualified on PostgreSQL). */
export interface RawTables {
  readonly events: string;
  readonly snapshots: string;
  readonly offsets: string;
  /** PostgreSQL: the events' sequence; MariaDB: the append gate table. */
  readonly sequence: string;
  /** PostgreSQL: the append function (evento-ts's `<prefix>append_events`, by hand). */
  readonly append: string;
  readonly gate: string;
}

export function rawTables(store: 'postgres' | 'mysql', prefix: string): RawTables {
  const q = store === 'postgres' ? `${PG_SCHEMA}.${prefix}` : prefix;
  return {
    events: `${q}events`,
    snapshots: `${q}snapshots`,
    offsets: `${q}offsets`,
    sequence: `${q}events_sequence_number_seq`,
    append: `${q}append_events`,
    gate: `${q}append_gate`,
  };
}

/** A pool on PostgreSQL with the raw tables created. */
export async function rawPostgres(t: RawTables): Promise<Pool> {
  const pool = pgPool({ application_name: 'evento-bench-raw' });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t.events} (
      sequence_number bigserial PRIMARY KEY,
      aggregate_id text NULL,
      aggregate_version int NULL,
      event_name text NOT NULL,
      context text NOT NULL,
      payload text NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      UNIQUE (aggregate_id, aggregate_version))`);
  await pool.query(`CREATE INDEX ON ${t.events} (context, sequence_number)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t.snapshots} (
      aggregate_id text PRIMARY KEY, aggregate_version int NOT NULL, state text NOT NULL, created_at timestamptz NOT NULL)`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${t.offsets} (consumer_id text PRIMARY KEY, "offset" bigint NOT NULL)`,
  );
  // evento-ts's append statement (its migration 2) on the raw tables.
  await pool.query(`DROP FUNCTION IF EXISTS ${t.append}`);
  await pool.query(appendEventsFunction(t.append, t.events, t.sequence));
  return pool;
}

/** A pool on MariaDB with the raw tables created. */
export async function rawMysql(t: RawTables): Promise<MysqlPool> {
  const pool = createPool({ uri: mysqlUrl(), connectionLimit: POOL_SIZE, supportBigNumbers: true });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t.events} (
      sequence_number BIGINT NOT NULL AUTO_INCREMENT,
      aggregate_id VARCHAR(255) NULL,
      aggregate_version INT NULL,
      event_name VARCHAR(255) NOT NULL,
      context VARCHAR(255) NOT NULL,
      payload LONGTEXT NOT NULL,
      metadata LONGTEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (sequence_number),
      UNIQUE KEY aggregate_version_unique (aggregate_id, aggregate_version),
      KEY context_sequence (context, sequence_number)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t.snapshots} (
      aggregate_id VARCHAR(255) NOT NULL PRIMARY KEY, aggregate_version INT NOT NULL, state LONGTEXT NOT NULL,
      created_at DATETIME(3) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t.gate} (id TINYINT NOT NULL PRIMARY KEY) ENGINE=InnoDB`);
  await pool.query(`INSERT IGNORE INTO ${t.gate} (id) VALUES (1)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t.offsets} (
      consumer_id VARCHAR(255) NOT NULL PRIMARY KEY, stream_offset BIGINT NOT NULL) ENGINE=InnoDB`);
  return pool;
}

/** Metadata as evento-ts writes it: a message id and a correlation id. */
export function metadata(): string {
  const id = crypto.randomUUID();
  return JSON.stringify({ messageId: id, correlationId: id });
}

/** Now as a MariaDB DATETIME(3) literal. */
export function mysqlNow(): string {
  return new Date().toISOString().slice(0, 23).replace('T', ' ');
}

/** A named statement, as evento-ts sends its appends and reads: each connection plans it once. */
export function prepared(text: string, values: unknown[]): { name: string; text: string; values: unknown[] } {
  return { name: `raw_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values };
}
