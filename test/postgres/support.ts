/**
 * Helpers for the PostgreSQL integration tests: a fresh schema per test file, pools that tolerate
 * terminated connections, and store factories.
 */
import { randomBytes } from 'node:crypto';
import { Pool, type PoolConfig } from 'pg';
import { PG_URL } from '../support/services';

/** A schema name no other test run uses. */
export function newSchemaName(): string {
  return `evento_test_${randomBytes(6).toString('hex')}`;
}

/** A pool on the test database; idle clients whose connection is killed do not crash the test. */
export function newPool(config: Omit<PoolConfig, 'connectionString'> = {}): Pool {
  const pool = new Pool({ ...config, connectionString: PG_URL });
  pool.on('error', () => undefined);
  return pool;
}

/** Drops `schema` and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const pool = newPool();
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

/** Kills every connection of the test database whose application_name is `applicationName`. */
export async function terminateConnections(applicationName: string): Promise<number> {
  const pool = newPool();
  try {
    const { rows } = await pool.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`,
      [applicationName],
    );
    return rows.filter((row) => row.killed).length;
  } finally {
    await pool.end();
  }
}

/** The first key of the advisory locks tests take (apart from the stores' LOCK_CLASS keys). */
const TEST_LOCK_CLASS = 0x74657374;

/**
 * Runs `body` (PL/pgSQL statements) inside every INSERT into `<schema>.<prefix>events` made by a
 * connection whose application_name is `applicationName`: a statement-level AFTER INSERT trigger,
 * so it runs inside the append after its rows are inserted, before its NOTIFY and COMMIT, while it
 * holds the shared append lock. Resolves to the function that drops the trigger again.
 */
export async function appendTrigger(
  pool: Pool,
  schema: string,
  applicationName: string,
  body: string,
  prefix = 'evento_',
): Promise<() => Promise<void>> {
  if (!/^[a-z0-9_]+$/.test(applicationName)) throw new Error(`bad application name ${applicationName}`);
  const name = `evento_test_trigger_${randomBytes(4).toString('hex')}`;
  const fn = `"${schema}"."${name}"`;
  const table = `"${schema}"."${prefix}events"`;
  await pool.query(
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $trigger$
     BEGIN
       IF current_setting('application_name') = '${applicationName}' THEN
         ${body}
       END IF;
       RETURN NULL;
     END
     $trigger$`,
  );
  await pool.query(
    `CREATE TRIGGER ${name} AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  );
  return async () => {
    await pool.query(`DROP TRIGGER ${name} ON ${table}`);
    await pool.query(`DROP FUNCTION ${fn}()`);
  };
}

/** Appends held inside the database until released; see {@link holdAppends}. */
export interface HeldAppends {
  /** Lets the held appends (and every later one) go on. */
  release(): Promise<void>;
  /** Releases, drops the trigger and returns the admin connection. */
  drop(): Promise<void>;
}

/**
 * Makes every append of `applicationName`'s connections to `<schema>`'s event store wait, after
 * its INSERT and before its COMMIT, until `release()`: the trigger waits for an advisory lock that
 * a connection of `pool` holds. Such a waiting append shows in pg_stat_activity with
 * wait_event_type 'Lock'.
 */
export async function holdAppends(pool: Pool, schema: string, applicationName: string): Promise<HeldAppends> {
  const key = randomBytes(4).readInt32BE(0);
  const holder = await pool.connect();
  let held = false;
  let drop: (() => Promise<void>) | undefined;
  try {
    await holder.query('SELECT pg_advisory_lock($1, $2)', [TEST_LOCK_CLASS, key]);
    held = true;
    drop = await appendTrigger(
      pool,
      schema,
      applicationName,
      `PERFORM pg_advisory_lock(${TEST_LOCK_CLASS}, ${key});
       PERFORM pg_advisory_unlock(${TEST_LOCK_CLASS}, ${key});`,
    );
  } catch (error) {
    if (held) await holder.query('SELECT pg_advisory_unlock($1, $2)', [TEST_LOCK_CLASS, key]);
    holder.release();
    throw error;
  }
  const release = async (): Promise<void> => {
    if (!held) return;
    held = false;
    await holder.query('SELECT pg_advisory_unlock($1, $2)', [TEST_LOCK_CLASS, key]);
  };
  let dropped = false;
  return {
    release,
    async drop() {
      if (dropped) return;
      dropped = true;
      try {
        await release();
      } finally {
        holder.release();
        await drop?.();
      }
    },
  };
}

/**
 * Terminates the backends of `applicationName` that wait for a lock (appends held by
 * {@link holdAppends}); resolves to how many.
 */
export async function terminateWaiting(pool: Pool, applicationName: string): Promise<number> {
  const { rows } = await pool.query<{ killed: boolean }>(
    `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`,
    [applicationName],
  );
  return rows.filter((row) => row.killed).length;
}
