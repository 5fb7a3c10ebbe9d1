/**
 * The raw limit on one long aggregate: evento-ts's command statements (see commands.ts), with
 * snapshots read first and written every 100 events, as evento-ts does.
 */
import type { Pool as MysqlPool, RowDataPacket } from 'mysql2/promise';
import { bulkLoadMysql, bulkLoadPostgres, type EventSpec } from '../../harness/bulk';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { memoryCommand, mysqlCommand, postgresCommand } from './commands';
import { RawMemoryStore } from './memoryStore';
import {
  EVENT_COLUMNS,
  metadata,
  mysqlNow,
  prepared,
  rawMysql,
  rawPostgres,
  rawTables,
  type RawTables,
} from './schema';
import { apply, decide, emptyState, type RawState } from './state';

const FREQUENCY = 100;

interface Raw {
  load(id: string): Promise<RawState>;
  command(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function rawLong(
  store: StoreKind,
  snapshots: boolean,
  spec: EventSpec,
  commands: number,
): Promise<SystemRun> {
  const raw = await open(store, snapshots, spec);
  const id = `${spec.idPrefix}0`;
  return {
    system: 'raw',
    async run({ warmup }): Promise<RunOutput> {
      const loadStarted = performance.now();
      await raw.load(id);
      const loadMs = performance.now() - loadStarted;
      const count = warmup ? 1 : commands;
      const started = performance.now();
      for (let i = 0; i < count; i++) await raw.command(id);
      return { ops: count, durationMs: performance.now() - started, extra: { loadMs } };
    },
    close: () => raw.close(),
  };
}

function snapshotDue(state: RawState, snapshotVersion: number): boolean {
  return state.version - snapshotVersion >= FREQUENCY;
}

async function open(store: StoreKind, snapshots: boolean, spec: EventSpec): Promise<Raw> {
  const prefix = snapshots ? 'rawls_' : 'rawln_';
  if (store === 'memory') {
    const raw = new RawMemoryStore();
    raw.preload(spec);
    const load = (id: string): { state: RawState; snapshotVersion: number } => {
      const snapshot = snapshots ? raw.snapshots.get(id) : undefined;
      let state: RawState = snapshot === undefined ? emptyState() : (JSON.parse(snapshot.state) as RawState);
      for (const row of raw.read(id, state.version)) state = apply(state, row.name, row.payload, row.version);
      return { state, snapshotVersion: snapshot?.version ?? 0 };
    };
    return {
      load: async (id) => load(id).state,
      command: async (id) => {
        if (!snapshots) return memoryCommand(raw, id);
        const { state, snapshotVersion } = load(id);
        raw.append(id, state.version, 'Deposited', decide(state, id, 1, 0), metadata());
        state.balance++;
        state.deposits++;
        state.version++;
        if (snapshotDue(state, snapshotVersion))
          raw.snapshots.set(id, { version: state.version, state: JSON.stringify(state) });
      },
      close: async () => undefined,
    };
  }
  if (store === 'postgres') {
    const t = rawTables(store, prefix);
    const pool = await rawPostgres(t);
    await bulkLoadPostgres(pool, t.events, spec);
    return sqlRaw(snapshots, t, {
      snapshot: async (id) => {
        const { rows } = await pool.query<{ aggregate_version: number; state: string }>(
          prepared(
            `SELECT aggregate_id, aggregate_version, state, created_at FROM ${t.snapshots} WHERE aggregate_id = $1`,
            [id],
          ),
        );
        return rows[0] === undefined ? undefined : (JSON.parse(rows[0].state) as RawState);
      },
      events: async (id, after) => {
        const { rows } = await pool.query<{ event_name: string; payload: string; aggregate_version: number }>(
          prepared(
            `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE aggregate_id = $1 AND aggregate_version > $2 ORDER BY aggregate_version`,
            [id, after],
          ),
        );
        return rows.map((r) => [r.event_name, r.payload, r.aggregate_version] as const);
      },
      command: (id, state) => postgresCommand(pool, t, id, 0, state).then(() => undefined),
      save: async (id, state) => {
        await pool.query(
          `INSERT INTO ${t.snapshots} AS s (aggregate_id, aggregate_version, state, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (aggregate_id) DO UPDATE SET aggregate_version = EXCLUDED.aggregate_version, state = EXCLUDED.state,
             created_at = EXCLUDED.created_at WHERE s.aggregate_version < EXCLUDED.aggregate_version`,
          [id, state.version, JSON.stringify(state), new Date()],
        );
      },
      close: () => pool.end(),
    });
  }
  const t = rawTables(store, prefix);
  const pool: MysqlPool = await rawMysql(t);
  await bulkLoadMysql(pool, t.events, spec);
  return sqlRaw(snapshots, t, {
    snapshot: async (id) => {
      const [rows] = await pool.query<RowDataPacket[]>(
        `SELECT aggregate_id, aggregate_version, state, created_at FROM ${t.snapshots} WHERE aggregate_id = ?`,
        [id],
      );
      return rows[0] === undefined ? undefined : (JSON.parse(String(rows[0].state)) as RawState);
    },
    events: async (id, after) => {
      const [rows] = await pool.query<RowDataPacket[]>(
        `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE aggregate_id = ? AND aggregate_version > ? ORDER BY aggregate_version`,
        [id, after],
      );
      return rows.map((r) => [String(r.event_name), String(r.payload), Number(r.aggregate_version)] as const);
    },
    command: (id, state) => mysqlCommand(pool, t, id, 0, state).then(() => undefined),
    save: async (id, state) => {
      await pool.query(
        `INSERT INTO ${t.snapshots} (aggregate_id, aggregate_version, state, created_at) VALUES (?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE state = IF(aggregate_version < VALUES(aggregate_version), VALUES(state), state),
           aggregate_version = GREATEST(aggregate_version, VALUES(aggregate_version))`,
        [id, state.version, JSON.stringify(state), mysqlNow()],
      );
    },
    close: () => pool.end(),
  });
}

interface SqlOps {
  snapshot(id: string): Promise<RawState | undefined>;
  events(id: string, after: number): Promise<(readonly [string, string, number])[]>;
  /** evento-ts's command statements, starting from `state` (reads only the later events). */
  command(id: string, state: RawState): Promise<void>;
  save(id: string, state: RawState): Promise<void>;
  close(): Promise<void>;
}

function sqlRaw(snapshots: boolean, _t: RawTables, ops: SqlOps): Raw {
  return {
    async load(id) {
      let state = (snapshots ? await ops.snapshot(id) : undefined) ?? emptyState();
      for (const [name, payload, version] of await ops.events(id, state.version))
        state = apply(state, name, payload, version);
      return state;
    },
    async command(id) {
      const snapshot = snapshots ? await ops.snapshot(id) : undefined;
      const state = snapshot ?? emptyState();
      const snapshotVersion = state.version;
      await ops.command(id, state);
      state.balance++;
      state.deposits++;
      state.version++;
      if (snapshots && snapshotDue(state, snapshotVersion)) await ops.save(id, state);
    },
    close: () => ops.close(),
  };
}
