import { tableName } from './identifiers';
import { columnExists, ddlUnless, type MigrationSet } from './migrations';

/** The consumer state store's tables, by version. */
export const CONSUMER_STATE_MIGRATIONS: MigrationSet = {
  component: 'consumer_state',
  migrations: [
    {
      version: 1,
      description: 'consumers, leases, saga instances and associations, dead events',
      statements: ({ prefix, collation }) => {
        const table = (name: string) => tableName(prefix, name);
        const options = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
        return [
          `CREATE TABLE IF NOT EXISTS ${table('consumers')} (
            consumer_id VARCHAR(255) NOT NULL,
            stream_offset BIGINT NOT NULL,
            version BIGINT NOT NULL,
            enabled TINYINT(1) NOT NULL,
            error_since DATETIME(3) NULL,
            error_last_at DATETIME(3) NULL,
            error_count INT NULL,
            error_message LONGTEXT NULL,
            updated_at DATETIME(3) NOT NULL,
            PRIMARY KEY (consumer_id)
          ) ${options}`,
          `CREATE TABLE IF NOT EXISTS ${table('leases')} (
            consumer_id VARCHAR(255) NOT NULL,
            owner VARCHAR(255) NOT NULL,
            expires_at DATETIME(3) NOT NULL,
            PRIMARY KEY (consumer_id)
          ) ${options}`,
          `CREATE TABLE IF NOT EXISTS ${table('saga_instances')} (
            saga_name VARCHAR(191) NOT NULL,
            saga_id VARCHAR(255) NOT NULL,
            state_name VARCHAR(255) NOT NULL,
            state LONGTEXT NOT NULL,
            associations LONGTEXT NOT NULL,
            updated_at DATETIME(3) NOT NULL,
            PRIMARY KEY (saga_name, saga_id)
          ) ${options}`,
          `CREATE TABLE IF NOT EXISTS ${table('saga_associations')} (
            saga_name VARCHAR(191) NOT NULL,
            saga_id VARCHAR(255) NOT NULL,
            property VARCHAR(191) NOT NULL,
            value VARCHAR(255) NOT NULL,
            PRIMARY KEY (saga_name, saga_id, property),
            KEY lookup (saga_name, property, value)
          ) ${options}`,
          `CREATE TABLE IF NOT EXISTS ${table('dead_events')} (
            consumer_id VARCHAR(255) NOT NULL,
            sequence_number BIGINT NOT NULL,
            aggregate_id VARCHAR(255) NULL,
            aggregate_version INT NULL,
            event_name VARCHAR(255) NOT NULL,
            context VARCHAR(255) NOT NULL,
            payload LONGTEXT NOT NULL,
            metadata LONGTEXT NOT NULL,
            created_at DATETIME(3) NOT NULL,
            error_name VARCHAR(255) NOT NULL,
            error_message LONGTEXT NOT NULL,
            error_stack LONGTEXT NULL,
            dead_at DATETIME(3) NOT NULL,
            retries INT NOT NULL,
            PRIMARY KEY (consumer_id, sequence_number)
          ) ${options}`,
        ];
      },
    },
    {
      version: 2,
      description: 'dead events keep their event id',
      statements: ({ prefix }) =>
        ddlUnless(
          columnExists(`${prefix}dead_events`, 'event_id'),
          `ALTER TABLE ${tableName(prefix, 'dead_events')} ADD COLUMN event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL`,
        ),
    },
  ],
};
