/**
 * The two databases the SQL consumer tests run on, behind one small interface: each test file gets
 * a place of its own (a fresh PostgreSQL schema, or a fresh MariaDB database) that it drops in
 * afterAll, opens the real stores on it, runs raw SQL for assertions, and kills store connections
 * from the server side.
 */
import { randomBytes } from 'node:crypto';
import { createConnection, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import type { PoolClient } from 'pg';
import type { ConsumerStateStore, EventStore } from '../../src';
import { MysqlConsumerStateStore, MysqlEventStore } from '../../src/mysql';
import { PostgresConsumerStateStore, PostgresEventStore } from '../../src/postgres';
import { dropSchema, newPool, newSchemaName } from '../postgres/support';
import { sleep } from '../support/waiting';
import { MYSQL_URL, PG_URL } from '../support/services';

export type DatabaseKind = 'postgres' | 'mariadb';

/**
 * Where a test's tables live, as plain JSON so a worker process can be told: PostgreSQL tables in
 * `schema` on PG_URL, or MariaDB tables in the database `url` names.
 */
export interface Place {
  readonly kind: DatabaseKind;
  readonly url: string;
  /** The PostgreSQL schema; undefined on MariaDB (the database in `url` plays its part). */
  readonly schema: string | undefined;
  readonly tablePrefix: string;
  /** PostgreSQL application_name of every store pool opened on this place (to find and kill them). */
  readonly applicationName: string;
}

/** `<tablePrefix><name>` on `place`, quoted (and schema-qualified on PostgreSQL). */
export function tableOf(place: Place, name: string): string {
  const table = `${place.tablePrefix}${name}`;
  return place.kind === 'postgres' ? `"${place.schema ?? ''}"."${table}"` : `\`${table}\``;
}

/** A result row of raw SQL. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** The event store and consumer state store on a place. */
export interface Stores {
  readonly eventStore: EventStore;
  readonly stateStore: ConsumerStateStore;
  close(): Promise<void>;
}

/** Options of {@link openStores}. */
export interface StoreOptions {
  /** Connections per store pool (default 5). */
  readonly poolSize?: number;
  /** Wraps the state store class (a counting subclass, say); default the plain store. */
  readonly stateStore?: (place: Place, poolSize: number) => Promise<ConsumerStateStore>;
}

/** The two stores on `place`, migrated. */
export async function openStores(place: Place, options: StoreOptions = {}): Promise<Stores> {
  const poolSize = options.poolSize ?? 5;
  const eventStore =
    place.kind === 'postgres'
      ? await PostgresEventStore.create(postgresOptions(place, poolSize))
      : await MysqlEventStore.create({ ...mysqlOptions(place, poolSize), pollIntervalMs: 50 });
  const stateStore = await (options.stateStore ?? defaultStateStore)(place, poolSize).catch(
    async (error: unknown) => {
      await eventStore.close();
      throw error;
    },
  );
  return {
    eventStore,
    stateStore,
    async close() {
      await eventStore.close();
      await stateStore.close();
    },
  };
}

/** Options of a PostgreSQL store on `place`. */
export function postgresOptions(place: Place, poolSize: number) {
  return {
    connectionString: place.url,
    schema: place.schema as string,
    tablePrefix: place.tablePrefix,
    poolConfig: { application_name: place.applicationName, max: poolSize },
  };
}

/** Options of a MySQL store on `place`. */
export function mysqlOptions(place: Place, poolSize: number) {
  return { uri: place.url, tablePrefix: place.tablePrefix, connectionLimit: poolSize };
}

function defaultStateStore(place: Place, poolSize: number): Promise<ConsumerStateStore> {
  return place.kind === 'postgres'
    ? PostgresConsumerStateStore.create(postgresOptions(place, poolSize))
    : MysqlConsumerStateStore.create(mysqlOptions(place, poolSize));
}

/** A test file's own place on one database, with an admin connection for assertions. */
export interface SqlDatabase {
  readonly place: Place;
  /** `<tablePrefix><name>`, quoted (and schema-qualified on PostgreSQL). */
  table(name: string): string;
  /** Runs raw SQL on the admin connection; placeholders are `$1` on PostgreSQL, `?` on MariaDB. */
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  /** Kills every store connection on this place from the server side; resolves to how many. */
  killStoreConnections(): Promise<number>;
  /**
   * Kills the server side of `client` (a pg PoolClient or mysql2 PoolConnection, as handed to a
   * StoreTransaction) and waits until the driver has noticed.
   */
  killConnectionOf(client: unknown): Promise<void>;
  /**
   * The same database with another table prefix (for the stores and the ledger): a test's own
   * tables, so tests in one file do not see each other's events. `drop()` of the result does nothing.
   */
  scoped(tablePrefix: string): SqlDatabase;
  /** Drops the place and closes the admin connection. */
  drop(): Promise<void>;
}

function scopedTo(db: SqlDatabase, tablePrefix: string): SqlDatabase {
  const place = { ...db.place, tablePrefix };
  return {
    ...db,
    place,
    table: (name) => tableOf(place, name),
    scoped: (prefix) => scopedTo(db, prefix),
    drop: async () => undefined,
  };
}

/** One of the databases the suites run on. */
export interface DatabaseTarget {
  readonly kind: DatabaseKind;
  /** The service name describeWithService reports. */
  readonly service: string;
  readonly url: string;
  /** Creates a place for one test file. */
  create(): Promise<SqlDatabase>;
}

function applicationName(): string {
  return `evento_sql_${randomBytes(4).toString('hex')}`;
}

async function createPostgres(): Promise<SqlDatabase> {
  const place: Place = {
    kind: 'postgres',
    url: PG_URL,
    schema: newSchemaName(),
    tablePrefix: 'evento_',
    applicationName: applicationName(),
  };
  const admin = newPool({ max: 2 });
  await admin.query(`CREATE SCHEMA "${place.schema as string}"`);
  const db: SqlDatabase = {
    place,
    table: (name) => tableOf(place, name),
    scoped: (prefix) => scopedTo(db, prefix),
    async query(sql, params = []) {
      const result = await admin.query<SqlRow>(sql, [...params]);
      return result.rows;
    },
    async killStoreConnections() {
      const { rows } = await admin.query<{ killed: boolean }>(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1`,
        [place.applicationName],
      );
      return rows.filter((row) => row.killed).length;
    },
    async killConnectionOf(client) {
      const { rows } = await (client as PoolClient).query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      await sleep(50);
    },
    async drop() {
      await admin.end();
      await dropSchema(place.schema as string);
    },
  };
  return db;
}

async function createMariadb(): Promise<SqlDatabase> {
  const name = `evento_sql_${randomBytes(6).toString('hex')}`;
  const root = await createConnection(MYSQL_URL);
  try {
    await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await root.end();
  }
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const place: Place = {
    kind: 'mariadb',
    url: url.toString(),
    schema: undefined,
    tablePrefix: 'evento_',
    applicationName: applicationName(),
  };
  const admin = await createConnection({ uri: place.url, dateStrings: true, supportBigNumbers: true });
  const db: SqlDatabase = {
    place,
    table: (table) => tableOf(place, table),
    scoped: (prefix) => scopedTo(db, prefix),
    async query(sql, params = []) {
      const [rows] = await admin.query<RowDataPacket[]>(sql, [...params]);
      return rows;
    },
    async killStoreConnections() {
      const [rows] = await admin.query<RowDataPacket[]>(
        'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
        [name],
      );
      let killed = 0;
      for (const row of rows) {
        try {
          await admin.query(`KILL ${Number(row.id)}`);
          killed++;
        } catch {
          // It ended by itself in the meantime.
        }
      }
      return killed;
    },
    async killConnectionOf(client) {
      const [rows] = await (client as PoolConnection).query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      await admin.query(`KILL ${Number(rows[0]?.id)}`);
      await sleep(50);
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
  return db;
}

/** PostgreSQL and MariaDB, each skipped locally (with a message) when it is not running. */
export const databases: readonly DatabaseTarget[] = [
  { kind: 'postgres', service: 'PostgreSQL', url: PG_URL, create: createPostgres },
  { kind: 'mariadb', service: 'MariaDB', url: MYSQL_URL, create: createMariadb },
];
