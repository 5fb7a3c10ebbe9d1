import { tableName } from './identifiers';
import type { MigrationSet } from './migrations';

/** The event store's tables, by version. See mysqlEventStore.ts for how `append_gate` is used. */
export const EVENT_STORE_MIGRATIONS: MigrationSet = {
  component: 'event_store',
  migrations: [
    {
      version: 1,
      description: 'events, snapshots and append_gate tables',
      statements: ({ prefix, collation }) => [
        `CREATE TABLE IF NOT EXISTS ${tableName(prefix, 'events')} (
          sequence_number BIGINT NOT NULL AUTO_INCREMENT,
          aggregate_id VARCHAR(255) NULL,
          aggregate_version INT NULL,
          event_name VARCHAR(255) NOT NULL,
          context VARCHAR(255) NOT NULL,
          payload LONGTEXT NOT NULL,
          metadata LONGTEXT NOT NULL,
          created_at DATETIME(3) NOT NULL,
          PRIMARY KEY (sequence_number),
          UNIQUE KEY aggregate_version_unique (aggregate_id, aggregate_version),
          KEY context_sequence (context, sequence_number)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
        `CREATE TABLE IF NOT EXISTS ${tableName(prefix, 'snapshots')} (
          aggregate_id VARCHAR(255) NOT NULL,
          aggregate_version INT NOT NULL,
          state_name VARCHAR(255) NOT NULL,
          state LONGTEXT NOT NULL,
          created_at DATETIME(3) NOT NULL,
          PRIMARY KEY (aggregate_id)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
        `CREATE TABLE IF NOT EXISTS ${tableName(prefix, 'append_gate')} (
          id TINYINT NOT NULL,
          PRIMARY KEY (id)
        ) ENGINE=InnoDB`,
        `INSERT IGNORE INTO ${tableName(prefix, 'append_gate')} (id) VALUES (1)`,
      ],
    },
  ],
};
