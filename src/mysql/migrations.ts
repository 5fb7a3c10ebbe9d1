import { createHash } from 'node:crypto';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { ConfigurationError, StoreUnavailableError } from '../errors';
import { executeSql, selectRows, toInt, toNullableText } from './connection';
import { mapDriverError } from './errors';
import { tableName } from './identifiers';

/** What a store does with its schema at start: create/upgrade it, or only check it is current. */
export type MigrateMode = 'apply' | 'verify';

/** What a migration's statements are built from. */
export interface SchemaContext {
  /** The validated table prefix. */
  readonly prefix: string;
  /** A binary, NO PAD collation of utf8mb4 ('a' and 'a ' differ), or utf8mb4_bin where there is none. */
  readonly collation: string;
}

/**
 * One schema version. MySQL commits DDL implicitly, so a migration cut short is run again from its
 * first statement: write statements that can run twice (CREATE TABLE IF NOT EXISTS...).
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: (context: SchemaContext) => readonly string[];
}

/** A store's migrations, recorded in `<prefix>migrations` under `component`. */
export interface MigrationSet {
  readonly component: string;
  readonly migrations: readonly Migration[];
}

const LOCK_TIMEOUT_SECONDS = 60;

/**
 * Brings the schema of `set` up to date (`apply`) or checks it is (`verify`). Applying holds a
 * server-wide named lock (GET_LOCK) for the database and prefix, so stores starting at once migrate
 * one after the other; the second finds the versions recorded and does nothing.
 */
export async function migrate(
  pool: Pool,
  prefix: string,
  mode: MigrateMode,
  set: MigrationSet,
): Promise<void> {
  let connection: PoolConnection | undefined;
  try {
    connection = await pool.getConnection();
    if (mode === 'verify') await verify(connection, prefix, set);
    else await apply(connection, prefix, set);
  } catch (error) {
    throw mapDriverError(error, `migrating the ${set.component} schema`);
  } finally {
    connection?.release();
  }
}

async function currentDatabase(connection: PoolConnection): Promise<string> {
  const [row] = await selectRows(connection, 'SELECT DATABASE() AS db');
  const db = toNullableText(row?.db);
  if (db === null) {
    throw new ConfigurationError(
      'The MySQL connection has no default database; name one in the URI (mysql://host/database) or the pool options.',
    );
  }
  return db;
}

async function appliedVersions(
  connection: PoolConnection,
  prefix: string,
  component: string,
): Promise<Set<number> | undefined> {
  const tables = await selectRows(
    connection,
    'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [`${prefix}migrations`],
  );
  if (tables.length === 0) return undefined;
  const rows = await selectRows(
    connection,
    `SELECT version FROM ${tableName(prefix, 'migrations')} WHERE component = ?`,
    [component],
  );
  return new Set(rows.map((row) => toInt(row.version)));
}

async function verify(connection: PoolConnection, prefix: string, set: MigrationSet): Promise<void> {
  await currentDatabase(connection);
  const applied = await appliedVersions(connection, prefix, set.component);
  const missing = set.migrations.filter((m) => !(applied?.has(m.version) ?? false));
  if (missing.length === 0) return;
  const what = applied === undefined || applied.size === 0 ? 'is missing' : 'is outdated';
  const list = missing.map((m) => `${m.version} (${m.description})`).join(', ');
  throw new ConfigurationError(
    `The MySQL ${set.component} schema with table prefix "${prefix}" ${what}: migration(s) ${list} not applied. ` +
      "Run the store once with migrate: 'apply' (the default) to create or upgrade it, then start with migrate: 'verify'.",
    { context: { component: set.component, tablePrefix: prefix, missing: missing.map((m) => m.version) } },
  );
}

async function apply(connection: PoolConnection, prefix: string, set: MigrationSet): Promise<void> {
  const db = await currentDatabase(connection);
  const lockName = `evento_migrate_${createHash('sha256').update(`${db}\u0000${prefix}`).digest('hex').slice(0, 40)}`;
  const [lock] = await selectRows(connection, 'SELECT GET_LOCK(?, ?) AS got', [
    lockName,
    LOCK_TIMEOUT_SECONDS,
  ]);
  if (lock === undefined || lock.got === null || toInt(lock.got) !== 1) {
    throw new StoreUnavailableError(
      `Another process held the migration lock for database "${db}" and prefix "${prefix}" for ${LOCK_TIMEOUT_SECONDS}s; retry once it has finished.`,
    );
  }
  try {
    await executeSql(
      connection,
      `CREATE TABLE IF NOT EXISTS ${tableName(prefix, 'migrations')} (
        component VARCHAR(64) NOT NULL,
        version INT NOT NULL,
        description VARCHAR(255) NOT NULL,
        applied_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component, version)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    );
    const applied = (await appliedVersions(connection, prefix, set.component)) ?? new Set<number>();
    const pending = [...set.migrations]
      .filter((m) => !applied.has(m.version))
      .sort((a, b) => a.version - b.version);
    if (pending.length === 0) return;
    const context: SchemaContext = { prefix, collation: await binaryCollation(connection) };
    for (const migration of pending) {
      for (const statement of migration.statements(context)) await executeSql(connection, statement);
      await executeSql(
        connection,
        `INSERT INTO ${tableName(prefix, 'migrations')} (component, version, description, applied_at) VALUES (?, ?, ?, UTC_TIMESTAMP(3))`,
        [set.component, migration.version, migration.description],
      );
    }
  } finally {
    await selectRows(connection, 'SELECT RELEASE_LOCK(?) AS released', [lockName]);
  }
}

/** MySQL 8 has utf8mb4_0900_bin, MariaDB utf8mb4_nopad_bin: both compare bytes, trailing spaces included. */
async function binaryCollation(connection: PoolConnection): Promise<string> {
  const rows = await selectRows(
    connection,
    "SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')",
  );
  const names = new Set(rows.map((row) => toNullableText(row.name)));
  if (names.has('utf8mb4_0900_bin')) return 'utf8mb4_0900_bin';
  if (names.has('utf8mb4_nopad_bin')) return 'utf8mb4_nopad_bin';
  return 'utf8mb4_bin';
}

/**
 * Statements that run `ddl` only when `exists` (a query counting rows of information_schema)
 * finds nothing, so a migration that adds a column or an index can run twice (MySQL 8 has no
 * `ADD COLUMN IF NOT EXISTS`). They use the session variable `@evento_ddl` and the prepared
 * statement `evento_ddl` of the migration's connection.
 */
export function ddlUnless(exists: string, ddl: string): string[] {
  const quoted = `'${ddl.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return [
    `SET @evento_ddl = IF((${exists}) > 0, 'DO 0', ${quoted})`,
    'PREPARE evento_ddl FROM @evento_ddl',
    'EXECUTE evento_ddl',
    'DEALLOCATE PREPARE evento_ddl',
  ];
}

/** The query {@link ddlUnless} takes for "table `table` has a column (or index) named `name`". */
export function columnExists(table: string, column: string): string {
  return `SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND COLUMN_NAME = '${column}'`;
}

/** The query {@link ddlUnless} takes for "table `table` has an index named `index`". */
export function indexExists(table: string, index: string): string {
  return `SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND INDEX_NAME = '${index}'`;
}
