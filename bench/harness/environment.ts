import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { cpus, loadavg, totalmem } from 'node:os';
import { MYSQL_URL, PG_URL } from './config';
import { pgPool } from './databases';

/** The machine and software a run was measured on; every JSON line carries it. */
export interface Environment {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly postgres: string | undefined;
  readonly mariadb: string | undefined;
  /** 1-minute load average when the run started. */
  readonly loadAtStart: number;
}

export async function describeEnvironment(stores: readonly string[]): Promise<Environment> {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    postgres: stores.includes('postgres') ? await postgresVersion() : undefined,
    mariadb: stores.includes('mysql') ? await mysqlVersion() : undefined,
    loadAtStart: loadavg()[0] ?? 0,
  };
}

async function postgresVersion(): Promise<string> {
  const pool = pgPool({ max: 1 }, PG_URL);
  try {
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await pool.end();
  }
}

async function mysqlVersion(): Promise<string> {
  const connection = await createConnection(MYSQL_URL);
  try {
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
    return String(rows[0]?.version ?? 'unknown');
  } finally {
    await connection.end();
  }
}
