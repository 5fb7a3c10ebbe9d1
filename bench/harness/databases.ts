/**
 * Where benchmark data lives, apart from everything else on the servers: a PostgreSQL database and
 * a MariaDB database of their own (named after the namespace, `evento_bench` by default), created
 * at the start and dropped at the end. In the PostgreSQL one, schema `evento_bench` holds the
 * evento-ts and raw tables (told apart by table prefix) and schema `evento_bench_emmett` Emmett's
 * (reached through search_path; Emmett checks for its functions database-wide, hence a database
 * of its own per run). Each case starts from empty schemas.
 */
import { createConnection } from 'mysql2/promise';
import { Pool, type PoolConfig } from 'pg';
import { MYSQL_URL, PG_URL } from './config';

export const PG_SCHEMA = 'evento_bench';
export const EMMETT_SCHEMA = 'evento_bench_emmett';

/** Connections each system gets (the largest concurrency is 16). */
export const POOL_SIZE = 20;

let namespace = 'evento_bench';

/** Names the databases of this run (the CI test uses its own, so it never meets a bench run). */
export function setNamespace(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name)) throw new Error(`Bad bench namespace ${JSON.stringify(name)}`);
  namespace = name;
}

/** The name of this run's databases (processes of the run pass it on to `setNamespace`). */
export function benchNamespace(): string {
  return namespace;
}

/** The benchmark database on PG_URL's server. */
export function pgUrl(): string {
  const url = new URL(PG_URL);
  url.pathname = `/${namespace}`;
  return url.toString();
}

/** A pg pool on the benchmark database; idle connections that drop do not crash the process. */
export function pgPool(config: Omit<PoolConfig, 'connectionString'> = {}, url = pgUrl()): Pool {
  const pool = new Pool({ max: POOL_SIZE, ...config, connectionString: url });
  pool.on('error', () => undefined);
  return pool;
}

/** The benchmark database with `search_path` set to Emmett's schema (its SQL names tables unqualified). */
export function emmettUrl(): string {
  const url = new URL(pgUrl());
  url.searchParams.set('options', `-c search_path=${EMMETT_SCHEMA}`);
  return url.toString();
}

/** MYSQL_URL pointing at the benchmark database. */
export function mysqlUrl(): string {
  const url = new URL(MYSQL_URL);
  url.pathname = `/${namespace}`;
  return url.toString();
}

/** Empties the PostgreSQL schemas (creating the database first if needed). */
export async function resetPostgres(): Promise<void> {
  const admin = pgPool({ max: 1 }, PG_URL);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [namespace]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${namespace}`);
  } finally {
    await admin.end();
  }
  const pool = pgPool({ max: 1 });
  try {
    for (const schema of [PG_SCHEMA, EMMETT_SCHEMA]) {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.query(`CREATE SCHEMA ${schema}`);
    }
  } finally {
    await pool.end();
  }
}

/** Empties the MariaDB database (drops and creates it). */
export async function resetMysql(): Promise<void> {
  const connection = await createConnection(MYSQL_URL);
  try {
    await connection.query(`DROP DATABASE IF EXISTS ${namespace}`);
    await connection.query(`CREATE DATABASE ${namespace} CHARACTER SET utf8mb4`);
  } finally {
    await connection.end();
  }
}

/** Drops the databases the run created. */
export async function dropAll(stores: readonly string[]): Promise<void> {
  if (stores.includes('postgres')) {
    const admin = pgPool({ max: 1 }, PG_URL);
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${namespace} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  if (stores.includes('mysql')) {
    const connection = await createConnection(MYSQL_URL);
    try {
      await connection.query(`DROP DATABASE IF EXISTS ${namespace}`);
    } finally {
      await connection.end();
    }
  }
}

/** Resets the place of `store` before a case (nothing to do in memory). */
export async function resetStore(store: string): Promise<void> {
  if (store === 'postgres') await resetPostgres();
  if (store === 'mysql') await resetMysql();
}
