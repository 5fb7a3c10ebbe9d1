/**
 * The two sides of the append gate, which keeps readers from skipping events that commit out of
 * sequence order. The protocol and the argument for it are at the top of mysqlEventStore.ts.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';
import { inTransaction, selectRows, toInt } from './connection';
import { tableName } from './identifiers';

/** Appender's side: first statement of every append transaction; shared locks do not block each other. */
export async function enterAppendGate(connection: PoolConnection, prefix: string): Promise<void> {
  await selectRows(
    connection,
    `SELECT id FROM ${tableName(prefix, 'append_gate')} WHERE id = 1 LOCK IN SHARE MODE`,
  );
}

/**
 * Reader's side: the safe head, the highest sequence number below which no event can still appear.
 * The value only grows and stays safe for ever, so it is kept and reused; `fresh()` computes a new
 * one, sharing a computation with concurrent callers when it started after they called.
 */
export class SafeHead {
  private known = 0;
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly prefix: string,
  ) {}

  /** The last safe head computed (0 before the first): safe to read up to, possibly behind. */
  get cached(): number {
    return this.known;
  }

  /** A safe head computed by a query that started after this call. */
  fresh(): Promise<number> {
    if (this.running === undefined) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<number> {
    const run = this.compute().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async compute(): Promise<number> {
    const events = tableName(this.prefix, 'events');
    // Cheap, lock-free check first: without a committed event above the known head there is
    // nothing new to read, so the gate (which briefly holds appenders back) is not needed.
    const [latest] = await selectRows(this.pool, `SELECT MAX(sequence_number) AS head FROM ${events}`);
    if (toInt(latest?.head ?? 0) <= this.known) return this.known;
    const head = await inTransaction(this.pool, async (connection) => {
      await selectRows(
        connection,
        `SELECT id FROM ${tableName(this.prefix, 'append_gate')} WHERE id = 1 FOR UPDATE`,
      );
      const [row] = await selectRows(connection, `SELECT MAX(sequence_number) AS head FROM ${events}`);
      return toInt(row?.head ?? 0);
    });
    this.known = Math.max(this.known, head);
    return this.known;
  }
}
