/**
 * The query side of the distributed workload: a balance per account in a PostgreSQL table (filled
 * once, before the runs), answered by a projection's query handler with a primary-key lookup.
 */
import type { Pool } from 'pg';
import { Projection, Query, QueryHandler, Single } from '../../../../src';
import { PG_SCHEMA, pgPool } from '../../../harness/databases';

export interface BalanceView {
  readonly id: string;
  readonly balance: number;
}

export class GetBalance extends Query<Single<BalanceView>> {
  constructor(
    readonly id: string,
    /** When the query was sent, ms since the epoch. */
    readonly sentAt: number,
  ) {
    super();
  }
}

/** The balances table `<prefix>balances` and a pool of its own. */
export class BalanceTable {
  readonly table: string;

  constructor(
    prefix: string,
    readonly pool: Pool = pgPool({ idleTimeoutMillis: 1000, application_name: 'evento-bench-queries' }),
  ) {
    this.table = `"${PG_SCHEMA}"."${prefix}balances"`;
  }

  /** Creates the table with `accounts` rows, ids `${idPrefix}${n}`. */
  async fill(accounts: number, idPrefix: string): Promise<void> {
    await this.pool.query(`CREATE TABLE ${this.table} (id text PRIMARY KEY, balance bigint NOT NULL)`);
    await this.pool.query(
      `INSERT INTO ${this.table} (id, balance) SELECT $1 || g, 100 FROM generate_series(0, $2::int - 1) g`,
      [idPrefix, accounts],
    );
    await this.pool.query(`ANALYZE ${this.table}`);
  }

  async find(id: string): Promise<BalanceView | undefined> {
    const { rows } = await this.pool.query<{ balance: string }>({
      name: `balance-${this.table}`,
      text: `SELECT balance FROM ${this.table} WHERE id = $1`,
      values: [id],
    });
    const row = rows[0];
    return row === undefined ? undefined : { id, balance: Number(row.balance) };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

@Projection()
export class BalanceQueries {
  constructor(private readonly balances: BalanceTable) {}

  @QueryHandler()
  async balance(query: GetBalance): Promise<Single<BalanceView>> {
    const view = await this.balances.find(query.id);
    if (view === undefined) throw new Error(`no account ${query.id}`);
    return Single.of(view);
  }
}
