/**
 * `evento-ts/mysql`: the event store and consumer state store on MySQL 8 or MariaDB 10.11+,
 * through `mysql2/promise`.
 *
 * @module evento-ts/mysql
 */
export { MysqlEventStore, type MysqlEventStoreOptions } from './mysqlEventStore';
export { MysqlConsumerStateStore, type MysqlConsumerStateStoreOptions } from './mysqlConsumerStateStore';
export type { ConnectionAttributes, MysqlConnectionOptions } from './connection';
export type { MigrateMode } from './migrations';
export { DEFAULT_TABLE_PREFIX, TABLE_PREFIX_PATTERN } from './identifiers';
