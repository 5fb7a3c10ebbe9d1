import {
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  type ConsumerStateStore,
  type EventStore,
} from 'evento-ts';
import { MysqlConsumerStateStore, MysqlEventStore } from 'evento-ts/mysql';
import { PostgresConsumerStateStore, PostgresEventStore } from 'evento-ts/postgres';
import { createPool } from 'mysql2/promise';
import { Pool } from 'pg';
import { InMemoryTodoListReadModel } from './domain/todolist/readmodel/InMemoryTodoListReadModel';
import { MysqlTodoListReadModel } from './domain/todolist/readmodel/MysqlTodoListReadModel';
import { PostgresTodoListReadModel } from './domain/todolist/readmodel/PostgresTodoListReadModel';
import type { TodoListReadModel } from './domain/todolist/readmodel/TodoListReadModel';

/** Where the app keeps its events, its consumers' state and its read model. */
export interface TodoListStores {
  readonly eventStore: EventStore;
  readonly consumerStateStore: ConsumerStateStore;
  readonly readModel: TodoListReadModel;
  /** What `npm start` prints about them. */
  readonly description: string;
  close(): Promise<void>;
}

/** Everything in memory: gone when the process ends. */
export function inMemoryStores(): TodoListStores {
  return {
    eventStore: new InMemoryEventStore(),
    consumerStateStore: new InMemoryConsumerStateStore(),
    readModel: new InMemoryTodoListReadModel(),
    description: 'in memory (set EVENTO_PG_URL or EVENTO_MYSQL_URL to keep the data)',
    close: async () => undefined,
  };
}

// #region postgres-stores
/**
 * The event store, the consumer state store and the read model in one PostgreSQL database,
 * sharing one pool: the projector writes the read model in the transaction that commits its offset.
 */
export async function postgresStores(
  url: string,
  options: { schema?: string } = {},
): Promise<TodoListStores> {
  const pool = new Pool({ connectionString: url, application_name: 'evento-todolist' });
  pool.on('error', () => undefined); // an idle connection dropped by the server is replaced by the pool
  const schema = options.schema === undefined ? {} : { schema: options.schema };
  try {
    const eventStore = await PostgresEventStore.create({ pool, ...schema });
    const consumerStateStore = await PostgresConsumerStateStore.create({ pool, ...schema });
    const readModel = await PostgresTodoListReadModel.create(pool, schema);
    return {
      eventStore,
      consumerStateStore,
      readModel,
      description: `in PostgreSQL at ${new URL(url).host}`,
      close: async () => {
        await eventStore.close();
        await consumerStateStore.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
// #endregion postgres-stores

/** The same in one MySQL or MariaDB database; dates travel in UTC. */
export async function mysqlStores(
  url: string,
  options: { tablePrefix?: string } = {},
): Promise<TodoListStores> {
  const pool = createPool({ uri: url, timezone: 'Z' });
  const prefix = options.tablePrefix === undefined ? {} : { tablePrefix: options.tablePrefix };
  try {
    const eventStore = await MysqlEventStore.create({ pool, ...prefix });
    const consumerStateStore = await MysqlConsumerStateStore.create({ pool, ...prefix });
    const readModel = await MysqlTodoListReadModel.create(pool, prefix);
    return {
      eventStore,
      consumerStateStore,
      readModel,
      description: `in MySQL at ${new URL(url).host}`,
      close: async () => {
        await eventStore.close();
        await consumerStateStore.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** PostgreSQL with EVENTO_PG_URL, MySQL with EVENTO_MYSQL_URL, else memory. */
export async function storesFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<TodoListStores> {
  const pg = env.EVENTO_PG_URL;
  const mysql = env.EVENTO_MYSQL_URL;
  if (pg !== undefined && pg !== '' && mysql !== undefined && mysql !== '')
    throw new Error('Set EVENTO_PG_URL or EVENTO_MYSQL_URL, not both');
  if (pg !== undefined && pg !== '') return postgresStores(pg);
  if (mysql !== undefined && mysql !== '') return mysqlStores(mysql);
  return inMemoryStores();
}
