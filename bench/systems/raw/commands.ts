/**
 * The raw limit of a command. 'raw' issues evento-ts's own statements by hand: read the events
 * (outside the transaction), then the append: on PostgreSQL one autocommit statement calling the
 * append function (the shared advisory lock, the version check, the sequence numbers, the INSERT
 * and the NOTIFY, as evento-ts's `<prefix>append_events`); on MariaDB one transaction with the
 * shared gate row lock, the version check and the INSERT. 'raw-min' is the least any append
 * needs: read and INSERT in one transaction, the unique (aggregate, version) key as the version
 * check.
 */
import type { Pool as MysqlPool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Pool } from 'pg';
import { bulkLoadMysql, bulkLoadPostgres } from '../../harness/bulk';
import { runConcurrently } from '../../harness/concurrency';
import type { RunOutput, StoreKind, SystemName, SystemRun } from '../../harness/types';
import type { CommandsSize } from '../evento/commands';
import { RawMemoryStore } from './memoryStore';
import {
  EVENT_COLUMNS,
  LOCK_KEYS,
  metadata,
  mysqlNow,
  NOTIFY_CHANNEL,
  rawMysql,
  rawPostgres,
  rawTables,
  type RawTables,
  prepared,
} from './schema';
import { apply, decide, emptyState, type RawState } from './state';
import { mysqlTransaction, pgTransaction } from './transactions';

type Command = (id: string) => Promise<void>;

export async function rawCommands(
  store: StoreKind,
  size: CommandsSize,
  system: SystemName = 'raw',
): Promise<SystemRun> {
  const minimal = system === 'raw-min';
  const { command, close } = await open(store, size, minimal);
  const { aggregates, idPrefix } = size.spec;
  return {
    system,
    async run({ warmup }): Promise<RunOutput> {
      const count = warmup ? Math.ceil(size.commands / 5) : size.commands;
      const started = performance.now();
      const latenciesMs = await runConcurrently(count, size.concurrency, (k) =>
        command(`${idPrefix}${k % aggregates}`),
      );
      return { ops: count, durationMs: performance.now() - started, latenciesMs };
    },
    close,
  };
}

async function open(
  store: StoreKind,
  size: CommandsSize,
  minimal: boolean,
): Promise<{ command: Command; close: () => Promise<void> }> {
  if (store === 'memory') {
    const raw = new RawMemoryStore();
    raw.preload(size.spec);
    return { command: async (id) => memoryCommand(raw, id), close: async () => undefined };
  }
  const prefix = minimal ? 'rawmin_' : 'raw_';
  if (store === 'postgres') {
    const t = rawTables(store, prefix);
    const pool = await rawPostgres(t);
    await bulkLoadPostgres(pool, t.events, size.spec);
    const command = minimal ? postgresMinimal : postgresCommand;
    return { command: (id) => command(pool, t, id, 0).then(() => undefined), close: () => pool.end() };
  }
  const t = rawTables(store, prefix);
  const pool = await rawMysql(t);
  await bulkLoadMysql(pool, t.events, size.spec);
  const command = minimal ? mysqlMinimal : mysqlCommand;
  return { command: (id) => command(pool, t, id, 0).then(() => undefined), close: () => pool.end() };
}

export function memoryCommand(raw: RawMemoryStore, id: string): void {
  let state: RawState = emptyState();
  for (const row of raw.read(id)) state = apply(state, row.name, row.payload, row.version);
  raw.append(id, state.version, 'Deposited', decide(state, id, 1, 0), metadata());
}

interface PgRow {
  event_name: string;
  payload: string;
  aggregate_version: number;
}

/** evento-ts's statements for one command on PostgreSQL; resolves to the new event's sequence number. */
export async function postgresCommand(
  pool: Pool,
  t: RawTables,
  id: string,
  sentAt: number,
  state: RawState = emptyState(),
): Promise<number> {
  const { rows } = await pool.query<PgRow>(
    prepared(
      `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE aggregate_id = $1 AND aggregate_version > $2 ORDER BY aggregate_version`,
      [id, state.version],
    ),
  );
  for (const row of rows) state = apply(state, row.event_name, row.payload, row.aggregate_version);
  const payload = decide(state, id, 1, sentAt);
  const result = await pool.query<{ actual_version: number | null; sequence_numbers: string[] | null }>(
    prepared(
      `SELECT actual_version, sequence_numbers FROM ${t.append}(
       $1::int, $2::int, $3::text, $4::int, $5::text[], $6::text[], $7::text[], $8::jsonb[],
       $9::timestamptz[], $10::text, $11::text)`,
      [
        ...LOCK_KEYS,
        id,
        state.version,
        ['Deposited'],
        ['default'],
        [payload],
        [metadata()],
        [new Date()],
        NOTIFY_CHANNEL,
        'raw',
      ],
    ),
  );
  const numbers = result.rows[0]?.sequence_numbers;
  if (numbers === null || numbers === undefined) throw new Error(`conflict on ${id}`);
  return Number(numbers[0]);
}

/** The least a command needs on PostgreSQL. */
export async function postgresMinimal(pool: Pool, t: RawTables, id: string, sentAt: number): Promise<number> {
  return pgTransaction(pool, async (client) => {
    const { rows } = await client.query<PgRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE aggregate_id = $1 ORDER BY aggregate_version`,
      [id],
    );
    let state = emptyState();
    for (const row of rows) state = apply(state, row.event_name, row.payload, row.aggregate_version);
    const inserted = await client.query<{ sequence_number: string }>(
      `INSERT INTO ${t.events} (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at)
       VALUES ($1, $2, 'Deposited', 'default', $3, $4, $5) RETURNING sequence_number`,
      [id, state.version + 1, decide(state, id, 1, sentAt), metadata(), new Date()],
    );
    return Number(inserted.rows[0]?.sequence_number);
  });
}

/** evento-ts's statements for one command on MariaDB. */
export async function mysqlCommand(
  pool: MysqlPool,
  t: RawTables,
  id: string,
  sentAt: number,
  state: RawState = emptyState(),
): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE aggregate_id = ? AND aggregate_version > ? ORDER BY aggregate_version`,
    [id, state.version],
  );
  for (const row of rows)
    state = apply(state, String(row.event_name), String(row.payload), Number(row.aggregate_version));
  const payload = decide(state, id, 1, sentAt);
  return mysqlTransaction(pool, true, async (connection) => {
    await connection.query(`SELECT id FROM ${t.gate} WHERE id = 1 LOCK IN SHARE MODE`);
    const [version] = await connection.query<RowDataPacket[]>(
      `SELECT MAX(aggregate_version) AS version FROM ${t.events} WHERE aggregate_id = ?`,
      [id],
    );
    if (Number(version[0]?.version ?? 0) !== state.version) throw new Error(`conflict on ${id}`);
    return insertDeposit(connection, t, id, state, payload);
  });
}

/** The INSERT of one Deposited event at the version after `state`'s; its sequence number. */
async function insertDeposit(
  connection: PoolConnection,
  t: RawTables,
  id: string,
  state: RawState,
  payload: string,
): Promise<number> {
  const [result] = await connection.query<ResultSetHeader>(
    `INSERT INTO ${t.events} (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at)
     VALUES (?, ?, 'Deposited', 'default', ?, ?, ?)`,
    [id, state.version + 1, payload, metadata(), mysqlNow()],
  );
  return Number(result.insertId);
}

/** The least a command needs on MariaDB. */
export async function mysqlMinimal(
  pool: MysqlPool,
  t: RawTables,
  id: string,
  sentAt: number,
): Promise<number> {
  return mysqlTransaction(pool, false, async (connection) => {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE aggregate_id = ? ORDER BY aggregate_version`,
      [id],
    );
    let state = emptyState();
    for (const row of rows)
      state = apply(state, String(row.event_name), String(row.payload), Number(row.aggregate_version));
    return insertDeposit(connection, t, id, state, decide(state, id, 1, sentAt));
  });
}
