import { PG_SCHEMA, pgPool } from '../../../harness/databases';

/** Counts the rows of a system's events table (tables prefixed `prefix`) on a pool of its own. */
export class EventCounter {
  private readonly pool = pgPool({ max: 1, idleTimeoutMillis: 1000 });

  constructor(private readonly prefix: string) {}

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${PG_SCHEMA}"."${this.prefix}events"`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
