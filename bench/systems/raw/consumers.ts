/**
 * The raw limit of a projector, with evento-ts's statements by hand: per page, the safe head
 * (PostgreSQL: exclusive advisory lock and max; MariaDB: gate row FOR UPDATE and MAX), a keyset
 * SELECT of up to 1,000 events, then one transaction that locks the offset row, upserts one
 * read-model row per event (in it: exactly-once; through another connection: plain) and moves
 * the offset once.
 */
import type { Pool as MysqlPool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Pool, PoolClient } from 'pg';
import { bulkLoadMysql, bulkLoadPostgres, type EventSpec } from '../../harness/bulk';
import { sleep } from '../../harness/concurrency';
import { DeliveryTracker } from '../../harness/delivery';
import { liveSystem, type LiveOptions, type LiveTarget } from '../../harness/live';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import type { ProjectionMode } from '../evento/consumers';
import { mysqlCommand, postgresCommand } from './commands';
import { RawMemoryStore } from './memoryStore';
import { mysqlTransaction, pgTransaction } from './transactions';
import {
  EVENT_COLUMNS,
  LOCK_KEYS,
  NOTIFY_CHANNEL,
  rawMysql,
  rawPostgres,
  rawTables,
  type RawTables,
  prepared,
} from './schema';

const PAGE = 1000;

interface Page {
  readonly events: readonly { seq: number; id: string; amount: number; sentAt: number }[];
}

/** One raw consumer: reads pages after its offset and applies them. */
interface RawProjector {
  /** Handles the next page; resolves to how many events it had (0: at the head). */
  step(): Promise<number>;
  reset(): Promise<void>;
  head(): Promise<number>;
  close(): Promise<void>;
}

function parse(rows: readonly { seq: number; payload: string }[]): Page {
  return {
    events: rows.map((r) => {
      const e = JSON.parse(r.payload) as { id: string; amount: number; sentAt: number };
      return { seq: r.seq, id: e.id, amount: e.amount, sentAt: e.sentAt };
    }),
  };
}

/** Upserts a page's events one by one, recording each delivery; the page's last sequence number. */
async function upsertAll(
  page: Page,
  tracker: () => DeliveryTracker,
  upsert: (event: Page['events'][number]) => Promise<unknown>,
): Promise<number> {
  let last = 0;
  for (const e of page.events) {
    await upsert(e);
    tracker().record(e.seq, e.sentAt);
    last = e.seq;
  }
  return last;
}

function postgresProjector(
  pool: Pool,
  t: RawTables,
  rm: string,
  mode: ProjectionMode,
  tracker: () => DeliveryTracker,
): RawProjector {
  let offset = 0;
  const upsert = (db: Pool | PoolClient, e: Page['events'][number]) =>
    db.query(
      `INSERT INTO ${rm} AS r (id, balance, last_seq) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET balance = r.balance + EXCLUDED.balance, last_seq = EXCLUDED.last_seq`,
      [e.id, e.amount, e.seq],
    );
  const head = async (): Promise<number> => {
    return pgTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', LOCK_KEYS);
      const { rows } = await client.query<{ head: string }>(
        `SELECT coalesce(max(sequence_number), 0) AS head FROM ${t.events}`,
      );
      return Number(rows[0]?.head ?? 0);
    });
  };
  return {
    head,
    async reset() {
      offset = 0;
      await pool.query(`TRUNCATE ${rm}`);
      await pool.query(
        `INSERT INTO ${t.offsets} (consumer_id, "offset") VALUES ('rm', 0) ON CONFLICT (consumer_id) DO UPDATE SET "offset" = 0`,
      );
    },
    async step() {
      const upTo = await head();
      const { rows } = await pool.query<{ seq: string; payload: string }>(
        prepared(
          `SELECT ${EVENT_COLUMNS.replace('sequence_number', 'sequence_number AS seq')} FROM ${t.events}
         WHERE sequence_number > $1 AND sequence_number <= $2 ORDER BY sequence_number LIMIT $3`,
          [offset, upTo, PAGE],
        ),
      );
      if (rows.length === 0) return 0;
      const page = parse(rows.map((r) => ({ seq: Number(r.seq), payload: r.payload })));
      offset = await pgTransaction(pool, async (client) => {
        await client.query(`SELECT "offset" FROM ${t.offsets} WHERE consumer_id = 'rm' FOR UPDATE`);
        const last = await upsertAll(page, tracker, (e) =>
          upsert(mode === 'exactly-once' ? client : pool, e),
        );
        await client.query(`UPDATE ${t.offsets} SET "offset" = $1 WHERE consumer_id = 'rm'`, [last]);
        return last;
      });
      return page.events.length;
    },
    close: async () => undefined,
  };
}

function mysqlProjector(
  pool: MysqlPool,
  t: RawTables,
  rm: string,
  mode: ProjectionMode,
  tracker: () => DeliveryTracker,
): RawProjector {
  let offset = 0;
  const upsert = (db: MysqlPool | PoolConnection, e: Page['events'][number]) =>
    db.query(
      `INSERT INTO ${rm} (id, balance, last_seq) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance), last_seq = VALUES(last_seq)`,
      [e.id, e.amount, e.seq],
    );
  const head = async (): Promise<number> => {
    return mysqlTransaction(pool, true, async (connection) => {
      await connection.query(`SELECT id FROM ${t.gate} WHERE id = 1 FOR UPDATE`);
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT MAX(sequence_number) AS head FROM ${t.events}`,
      );
      return Number(rows[0]?.head ?? 0);
    });
  };
  return {
    head,
    async reset() {
      offset = 0;
      await pool.query(`TRUNCATE TABLE ${rm}`);
      await pool.query(`REPLACE INTO ${t.offsets} (consumer_id, stream_offset) VALUES ('rm', 0)`);
    },
    async step() {
      const upTo = await head();
      const [rows] = await pool.query<RowDataPacket[]>(
        `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE sequence_number > ? AND sequence_number <= ? ORDER BY sequence_number LIMIT ?`,
        [offset, upTo, PAGE],
      );
      if (rows.length === 0) return 0;
      const page = parse(rows.map((r) => ({ seq: Number(r.sequence_number), payload: String(r.payload) })));
      offset = await mysqlTransaction(pool, true, async (connection) => {
        await connection.query(`SELECT stream_offset FROM ${t.offsets} WHERE consumer_id = 'rm' FOR UPDATE`);
        const last = await upsertAll(page, tracker, (e) =>
          upsert(mode === 'exactly-once' ? connection : pool, e),
        );
        await connection.query(`UPDATE ${t.offsets} SET stream_offset = ? WHERE consumer_id = 'rm'`, [last]);
        return last;
      });
      return page.events.length;
    },
    close: async () => undefined,
  };
}

function memoryProjector(raw: RawMemoryStore, tracker: () => DeliveryTracker): RawProjector {
  let offset = 0;
  const model = new Map<string, { balance: number; lastSeq: number }>();
  return {
    head: async () => raw.events.length,
    async reset() {
      offset = 0;
      model.clear();
    },
    async step() {
      const rows = raw.events.slice(offset, offset + PAGE);
      for (const e of parse(rows.map((r) => ({ seq: r.sequenceNumber, payload: r.payload }))).events) {
        model.set(e.id, { balance: (model.get(e.id)?.balance ?? 0) + e.amount, lastSeq: e.seq });
        tracker().record(e.seq, e.sentAt);
      }
      offset += rows.length;
      return rows.length;
    },
    close: async () => undefined,
  };
}

interface Opened {
  readonly projector: RawProjector;
  readonly write: (w: number, k: number, sentAt: number) => Promise<void>;
  /** Resolves when new events may be there (NOTIFY on PostgreSQL, a 100 ms poll otherwise). */
  readonly wait: () => Promise<void>;
  /** Ends the current wait now (a stopping loop need not sit out its timeout). */
  readonly interrupt: () => void;
  readonly close: () => Promise<void>;
}

async function openRaw(
  store: StoreKind,
  prefix: string,
  mode: ProjectionMode,
  tracker: () => DeliveryTracker,
  spec?: EventSpec,
): Promise<Opened> {
  const account = (w: number, k: number): string => `live-${w}-${k % 10}`;
  if (store === 'memory') {
    const raw = new RawMemoryStore();
    if (spec !== undefined) raw.preload(spec);
    return {
      projector: memoryProjector(raw, tracker),
      write: async (w, k, sentAt) => {
        const id = account(w, k);
        raw.append(id, raw.read(id).length, 'Deposited', JSON.stringify({ id, amount: 1, sentAt }), '{}');
      },
      wait: () => sleep(1),
      interrupt: () => undefined,
      close: async () => undefined,
    };
  }
  if (store === 'postgres') {
    const t = rawTables(store, prefix);
    const pool = await rawPostgres(t);
    const rm = `${t.events.replace(/events$/, 'rm')}`;
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${rm} (id text PRIMARY KEY, balance bigint NOT NULL, last_seq bigint NOT NULL)`,
    );
    if (spec !== undefined) await bulkLoadPostgres(pool, t.events, spec);
    const listener = await pool.connect();
    let wake: (() => void) | undefined;
    let pending = false;
    listener.on('notification', () => {
      pending = true;
      wake?.();
    });
    await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    return {
      projector: postgresProjector(pool, t, rm, mode, tracker),
      write: (w, k, sentAt) => postgresCommand(pool, t, account(w, k), sentAt).then(() => undefined),
      wait: () =>
        new Promise<void>((resolve) => {
          const done = (): void => {
            pending = false;
            wake = undefined;
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, 1000);
          if (pending) done();
          else wake = done;
        }),
      interrupt: () => {
        pending = true;
        wake?.();
      },
      close: async () => {
        listener.release();
        await pool.end();
      },
    };
  }
  const t = rawTables(store, prefix);
  const pool = await rawMysql(t);
  const rm = `${prefix}rm`;
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${rm} (id VARCHAR(255) PRIMARY KEY, balance BIGINT NOT NULL, last_seq BIGINT NOT NULL) ENGINE=InnoDB`,
  );
  if (spec !== undefined) await bulkLoadMysql(pool, t.events, spec);
  return {
    projector: mysqlProjector(pool, t, rm, mode, tracker),
    write: (w, k, sentAt) => mysqlCommand(pool, t, account(w, k), sentAt).then(() => undefined),
    wait: () => sleep(100),
    interrupt: () => undefined,
    close: () => pool.end(),
  };
}

export async function rawCatchup(
  store: StoreKind,
  mode: ProjectionMode,
  spec: EventSpec,
): Promise<SystemRun> {
  let tracker = new DeliveryTracker();
  const raw = await openRaw(store, 'rawc_', mode, () => tracker, spec);
  return {
    system: 'raw',
    prepare: () => raw.projector.reset(),
    async run({ warmup }): Promise<RunOutput> {
      tracker = new DeliveryTracker();
      const total = spec.aggregates * spec.perAggregate;
      const started = performance.now();
      while ((await raw.projector.step()) > 0 && !(warmup && tracker.delivered >= total / 10));
      return {
        ops: tracker.delivered,
        durationMs: performance.now() - started,
        extra: { deliveredRatio: tracker.delivered / total },
      };
    },
    close: () => raw.close(),
  };
}

/** A raw consumer running live (woken by NOTIFY or polling) while writers append. */
export async function rawLive(store: StoreKind, options: LiveOptions): Promise<SystemRun> {
  const target: LiveTarget = {
    tracker: new DeliveryTracker(),
    head: async () => 0,
    write: async () => undefined,
  };
  const raw = await openRaw(store, 'rawl_', 'exactly-once', () => target.tracker);
  await raw.projector.reset();
  target.head = () => raw.projector.head();
  target.write = raw.write;
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      try {
        if ((await raw.projector.step()) === 0) await raw.wait();
      } catch {
        await sleep(10);
      }
    }
  })();
  return liveSystem('raw', target, options, async () => {
    stopping = true;
    raw.interrupt();
    await loop;
    await raw.close();
  });
}
