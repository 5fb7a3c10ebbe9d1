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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds or `timeoutMs` passes; resolves to whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Polls the async `condition` until it holds or `timeoutMs` passes; resolves to whether it held. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
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
