import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig, type QueryConfig, type QueryResultRow } from 'pg';
import { StoreUnavailableError } from '../errors';
import { isConnectionError, mapDriverError } from './errors';

/**
 * How a store reaches PostgreSQL: a connection string (the store creates, owns and ends its pool)
 * or a pool you own (the store never ends it, and never adds listeners to it: give it an 'error'
 * listener, as `pg` requires, or a dropped idle connection crashes the process).
 */
export type PostgresConnectionOptions =
  | {
      /** e.g. `postgres://user:password@host:5432/database`: the store creates a pool from it and ends it in `close()`. */
      readonly connectionString: string;
      /** Extra settings for the pool the store creates (size, timeouts, application_name...). */
      readonly poolConfig?: Omit<PoolConfig, 'connectionString'>;
      /** Give either `connectionString` or `pool`. */
      readonly pool?: never;
    }
  | {
      /** A pool you own: the store uses it and never ends it (give it an 'error' listener). */
      readonly pool: Pool;
      /** Give either `connectionString` or `pool`. */
      readonly connectionString?: never;
      /** Only with `connectionString`: configure a pool you own yourself. */
      readonly poolConfig?: never;
    };

/** How many times a transaction is started again when the connection fails before BEGIN succeeds. */
const BEGIN_ATTEMPTS = 3;

/**
 * A pool plus the rules the stores follow when using it: connection errors become
 * StoreUnavailableError, a client that saw one is destroyed rather than reused, and a checked-out
 * client always has an 'error' listener (an unhandled one would crash the process).
 */
export class Connection {
  readonly pool: Pool;
  private readonly ownsPool: boolean;
  /** Statement names by SQL text, when statements are prepared. */
  private readonly statementNames: Map<string, string> | undefined;
  private ended = false;

  /** @param prepare whether {@link queryPrepared} names its statements (see `preparedStatements`). */
  constructor(options: PostgresConnectionOptions, prepare = true) {
    this.statementNames = prepare ? new Map() : undefined;
    if (options.pool !== undefined) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      this.pool = new Pool({
        application_name: 'evento-ts',
        ...options.poolConfig,
        connectionString: options.connectionString,
      });
      this.ownsPool = true;
      // Idle clients whose connection drops are removed by the pool; without a listener the
      // 'error' it emits would crash the process.
      this.pool.on('error', () => undefined);
      // An idle client's listener removes itself at the first error; a second one from the same
      // dying connection (the server's FATAL, then the socket's end) would be unhandled.
      this.pool.on('connect', (client) => client.on('error', () => undefined));
    }
  }

  /** Runs one statement on any pooled connection. */
  async query<R extends QueryResultRow>(
    operation: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    return this.run(operation, { text: sql, values: params });
  }

  /**
   * {@link query} for the statements run again and again with other parameters (appends, reads):
   * the statement gets a name derived from its text, so each connection parses and plans it once.
   * Only for SQL whose text comes from a fixed set (table names and shape, never values).
   */
  async queryPrepared<R extends QueryResultRow>(
    operation: string,
    sql: string,
    params: unknown[],
  ): Promise<R[]> {
    if (this.statementNames === undefined) return this.query(operation, sql, params);
    let name = this.statementNames.get(sql);
    if (name === undefined) {
      name = `evento_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.statementNames.set(sql, name);
    }
    return this.run(operation, { name, text: sql, values: params });
  }

  private async run<R extends QueryResultRow>(operation: string, query: QueryConfig): Promise<R[]> {
    try {
      const result = await this.pool.query<R>(query);
      return result.rows;
    } catch (error) {
      throw mapDriverError(error, operation);
    }
  }

  /**
   * Runs `work` with a checked-out client and releases it afterwards (destroying it when its
   * connection failed).
   */
  async withClient<T>(
    operation: string,
    work: (client: PoolClient, discard: (reason: Error) => void) => Promise<T>,
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw mapDriverError(error, operation);
    }
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      return await work(client, onError);
    } catch (error) {
      if (isConnectionError(error)) broken ??= error instanceof Error ? error : new Error(String(error));
      throw mapDriverError(error, operation);
    } finally {
      // A destroyed client can still report its connection's end: keep the listener on it then,
      // or that late 'error' event would be unhandled and crash the process.
      if (broken === undefined) client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /**
   * Runs `work` inside BEGIN ... COMMIT on one client; on any error rolls back and rethrows
   * (connection errors as StoreUnavailableError). When the connection fails before BEGIN has
   * succeeded nothing was done, so it tries again on another connection (a pool may hold several
   * connections that died together).
   */
  async transaction<T>(operation: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const state = { begun: false };
      try {
        return await this.withClient(operation, async (client, discard) => {
          await client.query('BEGIN');
          state.begun = true;
          try {
            const result = await work(client);
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await rollback(client, discard);
            throw error;
          }
        });
      } catch (error) {
        if (!state.begun && attempt < BEGIN_ATTEMPTS && error instanceof StoreUnavailableError) continue;
        throw error;
      }
    }
  }

  /** Ends the pool if this store created it; a pool that was passed in is left open. */
  async end(): Promise<void> {
    if (!this.ownsPool || this.ended) return;
    this.ended = true;
    await this.pool.end();
  }
}

/** Rolls back; if that fails the connection is unusable and the client is discarded, not reused. */
async function rollback(client: PoolClient, discard: (reason: Error) => void): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch (error) {
    discard(error instanceof Error ? error : new Error(String(error)));
  }
}
