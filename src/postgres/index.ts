/**
 * `evento-ts/postgres`: the event store and consumer state store on PostgreSQL (15+), using the
 * `pg` driver (a peer dependency).
 *
 * @module evento-ts/postgres
 */
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgresEventStore';
export {
  PostgresConsumerStateStore,
  type PostgresConsumerStateStoreOptions,
} from './postgresConsumerStateStore';
export type { PostgresStoreOptions, PostgresSchemaOptions, PostgresStatementOptions } from './storeBase';
export type { PostgresConnectionOptions } from './connection';
export type { MigrateMode } from './migrations';
export { DEFAULT_TABLE_PREFIX, IDENTIFIER_RULE } from './identifiers';
