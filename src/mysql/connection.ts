import {
  createPool,
  type Connection,
  type Pool,
  type PoolConnection,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';
import { ConfigurationError, InvalidArgumentError } from '../errors';

/**
 * Where a MySQL store gets its connections: a connection URI (the store creates a pool and ends it
 * in `close()`), or a `mysql2/promise` pool you own (the store never ends it). A pool you pass must
 * use a utf8mb4 charset (mysql2's default); the stores do not depend on its time zone settings.
 */
export type MysqlConnectionOptions =
  | {
      /** e.g. `mysql://user:password@host:3306/database`; the database must be named. */
      readonly uri: string;
      /** Size of the pool the store creates (default 10). */
      readonly connectionLimit?: number;
      /** Who the pool's connections say they are, for a DBA (see {@link ConnectionAttributes}). */
      readonly connectionAttributes?: ConnectionAttributes;
      /** Give either `uri` or `pool`. */
      readonly pool?: never;
    }
  | {
      /** A pool you own: the store uses it and leaves it open in `close()`. */
      readonly pool: Pool;
      /** Give either `uri` or `pool`. */
      readonly uri?: never;
      /** Only with `uri`. */
      readonly connectionLimit?: never;
      /** Only with `uri`: set a pool's attributes where you create it. */
      readonly connectionAttributes?: never;
    };

/**
 * Connection attributes the store's connections send when they connect, so a DBA can tell the
 * framework's connections apart: `program_name` (default `evento-ts`), `evento_bundle` and
 * `evento_instance`. The server shows them in `performance_schema.session_connect_attrs` (when
 * `performance_schema` is on; MariaDB has it off by default).
 */
export interface ConnectionAttributes {
  /** Sent as `program_name`; default `evento-ts`. */
  readonly programName?: string;
  /** Sent as `evento_bundle`: the bundle the store serves. */
  readonly bundleId?: string;
  /** Sent as `evento_instance`: the bundle instance the store serves. */
  readonly instanceId?: string;
}

/** The attributes a pool's connections send for `attributes`. */
export function connectAttributes(attributes: ConnectionAttributes = {}): Record<string, string> {
  const result: Record<string, string> = { program_name: attributes.programName ?? 'evento-ts' };
  if (attributes.bundleId !== undefined) result.evento_bundle = attributes.bundleId;
  if (attributes.instanceId !== undefined) result.evento_instance = attributes.instanceId;
  for (const [name, value] of Object.entries(result)) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
      throw new ConfigurationError(
        `The connection attribute ${name} must be a string of 1 to 255 characters (got ${JSON.stringify(value)}).`,
      );
    }
  }
  return result;
}

/** Anything that runs queries: a pool or one of its connections. */
export type Queryable = Connection;

/** A result row, read without trusting the driver's typings. */
export type Row = Readonly<Record<string, unknown>>;

/** The pool a store uses and whether the store must end it. */
export interface OpenedPool {
  readonly pool: Pool;
  readonly owned: boolean;
}

/** Opens (or adopts) the pool described by `options`. */
export function openPool(options: MysqlConnectionOptions): OpenedPool {
  const candidate = options as {
    uri?: unknown;
    pool?: unknown;
    connectionLimit?: unknown;
    connectionAttributes?: ConnectionAttributes;
  };
  if (candidate.pool !== undefined && candidate.uri !== undefined) {
    throw new ConfigurationError('Give a MySQL store either `uri` or `pool`, not both.');
  }
  if (candidate.pool !== undefined && candidate.connectionAttributes !== undefined) {
    throw new ConfigurationError(
      'connectionAttributes apply to the pool a MySQL store creates from `uri`; set connectAttributes on the pool you pass instead.',
    );
  }
  if (candidate.pool !== undefined) {
    const pool = candidate.pool as Partial<Pool>;
    if (typeof pool.getConnection !== 'function' || typeof pool.query !== 'function') {
      throw new ConfigurationError(
        'The `pool` given to a MySQL store is not a mysql2/promise pool; create it with createPool from "mysql2/promise".',
      );
    }
    return { pool: candidate.pool as Pool, owned: false };
  }
  if (typeof candidate.uri !== 'string' || candidate.uri.length === 0) {
    throw new ConfigurationError(
      'A MySQL store needs `uri` (a mysql:// connection string) or `pool` (a mysql2/promise pool).',
    );
  }
  const limit = candidate.connectionLimit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new ConfigurationError(
      `connectionLimit must be a whole number >= 1 (got ${typeof limit === 'number' ? limit : typeof limit}).`,
    );
  }
  const pool = createPool({
    uri: candidate.uri,
    connectionLimit: limit,
    waitForConnections: true,
    // Times are written and read as UTC strings by the stores; these keep the driver out of it.
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    enableKeepAlive: true,
    connectAttributes: connectAttributes(candidate.connectionAttributes),
  });
  return { pool, owned: true };
}

/** Runs a SELECT (or any statement returning rows) and returns its rows, times as strings. */
export async function selectRows(
  db: Queryable,
  sql: string,
  values: readonly unknown[] = [],
): Promise<Row[]> {
  const [rows] = await db.query<RowDataPacket[]>({ sql, values: [...values], dateStrings: true });
  return rows;
}

/** Runs a statement that returns no rows and returns its result header. */
export async function executeSql(
  db: Queryable,
  sql: string,
  values: readonly unknown[] = [],
): Promise<ResultSetHeader> {
  const [result] = await db.query<ResultSetHeader>({ sql, values: [...values] });
  return result;
}

/**
 * Runs `work` in a READ COMMITTED transaction on one pooled connection: COMMIT when it resolves,
 * ROLLBACK (and rethrow) when it rejects. A connection whose ROLLBACK fails is destroyed, never
 * returned to the pool in an unknown state.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (connection: PoolConnection) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  let reusable = true;
  try {
    await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await connection.query('START TRANSACTION');
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await connection.query('ROLLBACK');
    } catch {
      reusable = false;
    }
    throw error;
  } finally {
    if (reusable) connection.release();
    else connection.destroy();
  }
}

/** A Date as a DATETIME(3) literal in UTC ('YYYY-MM-DD HH:MM:SS.mmm'). */
export function toSqlDateTime(date: Date, what: string): string {
  const time = date instanceof Date ? date.getTime() : Number.NaN;
  const iso = Number.isFinite(time) ? date.toISOString() : '';
  const year = Number(iso.slice(0, 4));
  if (iso.length !== 24 || year < 1000) {
    throw new InvalidArgumentError(
      `${what} must be a valid Date between the years 1000 and 9999 (got ${String(date)}).`,
    );
  }
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** A DATETIME read as a string (dateStrings) and taken as UTC, back to a Date. */
export function fromSqlDateTime(value: unknown): Date {
  if (value instanceof Date) return new Date(value.getTime());
  const text = toText(value);
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new TypeError(`Unexpected DATETIME value from MySQL: ${JSON.stringify(text)}`);
  const millis = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
  return new Date(`${match[1] ?? ''}T${match[2] ?? ''}.${millis}Z`);
}

/** A nullable DATETIME column as a Date or null. */
export function fromNullableSqlDateTime(value: unknown): Date | null {
  return value === null || value === undefined ? null : fromSqlDateTime(value);
}

/** An integer column (number, or string / bigint when the pool returns big numbers so). */
export function toInt(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`Unexpected integer value from MySQL: ${String(value)}`);
}

/** A nullable integer column. */
export function toNullableInt(value: unknown): number | null {
  return value === null || value === undefined ? null : toInt(value);
}

/** A text column (string, or Buffer for binary columns). */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new TypeError(`Unexpected text value from MySQL: ${String(value)}`);
}

/** A nullable text column. */
export function toNullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : toText(value);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
