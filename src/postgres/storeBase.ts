import { ConfigurationError } from '../errors';
import { Connection, type PostgresConnectionOptions } from './connection';
import { TableNames } from './identifiers';
import { migrate, type MigrateMode, type Migration } from './migrations';

/** Where a store keeps its tables and what it does with them at start. */
export interface PostgresSchemaOptions {
  /** Prepended to every table name; default `evento_`. Must match /^[a-z_][a-z0-9_]{0,40}$/. */
  readonly tablePrefix?: string;
  /** The schema holding the tables (created by 'apply' when missing); default: the search_path's. Same rule as tablePrefix. */
  readonly schema?: string;
  /**
   * 'apply' (default): create the tables or run pending migrations at start. 'verify': only check
   * that they are current, failing with a ConfigurationError otherwise (for apps whose database
   * user may not run DDL).
   */
  readonly migrate?: MigrateMode;
}

/** How a store sends its statements. */
export interface PostgresStatementOptions {
  /**
   * Name the statements run on every append and read, so each connection parses and plans them
   * once (default true). Turn it off behind a connection pooler that cannot keep prepared
   * statements (PgBouncer in transaction mode before 1.21).
   */
  readonly preparedStatements?: boolean;
}

/** Options of a PostgreSQL store: how to connect, where the tables are, how statements are sent. */
export type PostgresStoreOptions = PostgresConnectionOptions &
  PostgresSchemaOptions &
  PostgresStatementOptions;

/** What the two PostgreSQL stores share: validated names, the pool, migrating once, closing. */
export abstract class PostgresStoreBase {
  protected readonly names: TableNames;
  protected readonly connection: Connection;
  private readonly mode: MigrateMode;
  private initializing: Promise<void> | undefined;

  protected constructor(
    options: PostgresStoreOptions,
    private readonly component: string,
    private readonly migrations: readonly Migration[],
  ) {
    this.names = new TableNames(options.tablePrefix, options.schema);
    const mode: unknown = options.migrate ?? 'apply';
    if (mode !== 'apply' && mode !== 'verify') {
      throw new ConfigurationError(`migrate must be 'apply' or 'verify' (got ${JSON.stringify(mode)}).`, {
        context: { migrate: mode },
      });
    }
    this.mode = mode;
    if (options.pool === undefined && typeof options.connectionString !== 'string') {
      throw new ConfigurationError('A PostgreSQL store needs either { connectionString } or { pool }.');
    }
    const prepared: unknown = options.preparedStatements ?? true;
    if (typeof prepared !== 'boolean') {
      throw new ConfigurationError(
        `preparedStatements must be true or false (got ${JSON.stringify(prepared)}).`,
        { context: { preparedStatements: prepared } },
      );
    }
    this.connection = new Connection(options, prepared);
  }

  /**
   * Creates or migrates the store's tables ('apply') or checks them ('verify'). Idempotent; every
   * operation calls it first, so calling it yourself only moves the work (and its errors) earlier.
   * A failed attempt is forgotten, so the next call tries again.
   */
  init(): Promise<void> {
    this.initializing ??= migrate(
      this.connection,
      this.names,
      this.component,
      this.migrations,
      this.mode,
    ).catch((error: unknown) => {
      this.initializing = undefined;
      throw error;
    });
    return this.initializing;
  }

  /** Releases the store's connections; ends the pool only if the store created it. */
  async close(): Promise<void> {
    await this.connection.end();
  }
}
