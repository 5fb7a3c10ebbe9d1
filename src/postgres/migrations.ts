import { ConfigurationError } from '../errors';
import type { Connection } from './connection';
import { LOCK_CLASS, type TableNames } from './identifiers';

/** What a store does with its schema when it starts. */
export type MigrateMode = 'apply' | 'verify';

/** One versioned step of a store's schema; versions start at 1 and have no gaps. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** The DDL, given the (validated, quoted) table names. */
  readonly statements: (names: TableNames) => readonly string[];
}

/**
 * Brings `component`'s tables to the newest migration ('apply') or checks that they are there
 * ('verify'). Applied versions are recorded in `<prefix>migrations`, one row per (component,
 * version). Applying happens in one transaction holding a transaction-level advisory lock for the
 * schema, so stores starting at the same time apply each migration exactly once.
 */
export async function migrate(
  connection: Connection,
  names: TableNames,
  component: string,
  migrations: readonly Migration[],
  mode: MigrateMode,
): Promise<void> {
  const latest = migrations.length;
  const current = await readVersion(connection, names, component);
  if (current === latest) return;
  if (current !== undefined && current > latest) throw newerSchema(names, component, current, latest);
  if (mode === 'verify') {
    const state = current === undefined || current === 0 ? 'missing' : `at version ${current} of ${latest}`;
    throw new ConfigurationError(
      `The PostgreSQL tables of the ${component} (${names.describe()}) are ${state} and migrate is 'verify'; ` +
        "run once with migrate: 'apply' (the default) to create or upgrade them.",
      { context: { component, current: current ?? 0, latest } },
    );
  }
  const migrationsTable = names.table('migrations');
  await connection.transaction(`migrating the ${component} schema`, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [
      LOCK_CLASS.migrate,
      names.lockKey('migrate', 'schema'),
    ]);
    if (names.schema !== undefined) {
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
      if (found.rowCount === 0) await client.query(`CREATE SCHEMA "${names.schema}"`);
    }
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${migrationsTable} (
         component text NOT NULL,
         version int NOT NULL,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (component, version))`,
    );
    const result = await client.query<{ version: number }>(
      `SELECT coalesce(max(version), 0)::int AS version FROM ${migrationsTable} WHERE component = $1`,
      [component],
    );
    const applied = result.rows[0]?.version ?? 0;
    if (applied > latest) throw newerSchema(names, component, applied, latest);
    for (const migration of migrations.slice(applied)) {
      for (const statement of migration.statements(names)) await client.query(statement);
      await client.query(
        `INSERT INTO ${migrationsTable} (component, version, description) VALUES ($1, $2, $3)`,
        [component, migration.version, migration.description],
      );
    }
  });
}

/** The newest applied version of `component`, 0 when none, undefined when there is no migrations table. */
async function readVersion(
  connection: Connection,
  names: TableNames,
  component: string,
): Promise<number | undefined> {
  const table = names.table('migrations');
  const [exists] = await connection.query<{ found: boolean }>(
    'reading the schema version',
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [table],
  );
  if (exists?.found !== true) return undefined;
  const [row] = await connection.query<{ version: number }>(
    'reading the schema version',
    `SELECT coalesce(max(version), 0)::int AS version FROM ${table} WHERE component = $1`,
    [component],
  );
  return row?.version ?? 0;
}

function newerSchema(
  names: TableNames,
  component: string,
  current: number,
  latest: number,
): ConfigurationError {
  return new ConfigurationError(
    `The PostgreSQL tables of the ${component} (${names.describe()}) are at version ${current}, newer than the ` +
      `${latest} this evento-ts knows; upgrade evento-ts or point it at another schema or tablePrefix.`,
    { context: { component, current, latest } },
  );
}
