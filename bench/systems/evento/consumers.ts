/**
 * evento-ts consumers for the catch-up and latency workloads: the AccountProjector upserting one
 * read-model row per event, exactly-once (through the commit's transaction) or plain (through a
 * pool of its own, committing each statement).
 */
import type { Pool as MysqlPool, PoolConnection } from 'mysql2/promise';
import { createPool } from 'mysql2/promise';
import type { Pool, PoolClient } from 'pg';
import type { EventoBundle } from '../../../src';
import { mysqlUrl, PG_SCHEMA, pgPool } from '../../harness/databases';
import type { DeliveryTracker } from '../../harness/delivery';
import type { StoreKind } from '../../harness/types';
import { AccountProjector, ReadModelSink, type Deposited } from './domain';
import { startBundle, type EventoStores } from './stores';

export type ProjectionMode = 'exactly-once' | 'plain';

/** The read model: one row per account, its balance and the last sequence number applied. */
export class ReadModel {
  private readonly memory = new Map<string, { balance: number; lastSeq: number }>();

  private constructor(
    readonly kind: StoreKind,
    readonly table: string,
    private readonly pg: Pool | undefined,
    private readonly mysql: MysqlPool | undefined,
  ) {}

  static async create(kind: StoreKind, name: string): Promise<ReadModel> {
    if (kind === 'postgres') {
      const table = `${PG_SCHEMA}.${name}`;
      const pool = pgPool({ max: 2, application_name: 'evento-bench-rm' });
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, balance bigint NOT NULL, last_seq bigint NOT NULL)`,
      );
      return new ReadModel(kind, table, pool, undefined);
    }
    if (kind === 'mysql') {
      const pool = createPool({ uri: mysqlUrl(), connectionLimit: 2 });
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${name} (id VARCHAR(255) PRIMARY KEY, balance BIGINT NOT NULL, last_seq BIGINT NOT NULL) ENGINE=InnoDB`,
      );
      return new ReadModel(kind, name, undefined, pool);
    }
    return new ReadModel(kind, name, undefined, undefined);
  }

  /** Upserts the account's row through `transaction` (the store's handle), or through the read model's own pool. */
  async upsert(event: Deposited, sequenceNumber: number, transaction: unknown): Promise<void> {
    if (this.kind === 'postgres') {
      const db = (transaction as PoolClient | undefined) ?? (this.pg as Pool);
      await db.query(
        `INSERT INTO ${this.table} AS r (id, balance, last_seq) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET balance = r.balance + EXCLUDED.balance, last_seq = EXCLUDED.last_seq`,
        [event.id, event.amount, sequenceNumber],
      );
    } else if (this.kind === 'mysql') {
      const db = (transaction as PoolConnection | undefined) ?? (this.mysql as MysqlPool);
      await db.query(
        `INSERT INTO ${this.table} (id, balance, last_seq) VALUES (?, ?, ?)
         ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance), last_seq = VALUES(last_seq)`,
        [event.id, event.amount, sequenceNumber],
      );
    } else {
      const row = this.memory.get(event.id);
      this.memory.set(event.id, { balance: (row?.balance ?? 0) + event.amount, lastSeq: sequenceNumber });
    }
  }

  async truncate(): Promise<void> {
    if (this.pg !== undefined) await this.pg.query(`TRUNCATE ${this.table}`);
    if (this.mysql !== undefined) await this.mysql.query(`TRUNCATE TABLE ${this.table}`);
    this.memory.clear();
  }

  async close(): Promise<void> {
    await this.pg?.end();
    await this.mysql?.end();
  }
}

/**
 * Starts a bundle whose AccountProjector (a new consumer, named by `bundleId`) writes `model` and
 * tells `tracker` about every event it handled.
 */
export function startProjector(
  stores: EventoStores,
  bundleId: string,
  model: ReadModel,
  mode: ProjectionMode,
  tracker: DeliveryTracker,
): Promise<EventoBundle> {
  const sink = new ReadModelSink(async (event, sequenceNumber, transaction) => {
    await model.upsert(event, sequenceNumber, mode === 'exactly-once' ? transaction : undefined);
    tracker.record(sequenceNumber, event.sentAt);
  });
  return startBundle(stores, bundleId, [AccountProjector], [[ReadModelSink, sink]]);
}
