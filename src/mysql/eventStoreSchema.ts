import { tableName } from './identifiers';
import { columnExists, ddlUnless, indexExists, type MigrationSet } from './migrations';

/**
 * A UUID v7 made in SQL from the DATETIME(3) column `column` (UTC): 48 bits of Unix milliseconds,
 * the version, the variant, and 74 bits of MD5 over the sequence number and RAND(), for events
 * stored before event ids existed.
 */
function uuidV7Of(column: string): string {
  const ms = `LPAD(HEX(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ${column}) DIV 1000), 12, '0')`;
  const random = `MD5(CONCAT(sequence_number, '-', RAND()))`;
  return `LOWER(CONCAT(SUBSTR(${ms}, 1, 8), '-', SUBSTR(${ms}, 9, 4), '-7', SUBSTR(${random}, 1, 3), '-',
    HEX(8 + FLOOR(RAND() * 4)), SUBSTR(${random}, 4, 3), '-', SUBSTR(${random}, 7, 12)))`;
}

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
    {
      version: 2,
      description: 'event ids, idempotency keys',
      statements: ({ prefix, collation }) => {
        const events = tableName(prefix, 'events');
        return [
          ...ddlUnless(
            columnExists(`${prefix}events`, 'event_id'),
            `ALTER TABLE ${events} ADD COLUMN event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL`,
          ),
          `UPDATE ${events} SET event_id = ${uuidV7Of('created_at')} WHERE event_id IS NULL`,
          // The framework writes v7 ids; the default serves rows written by anything else (an older
          // release during a rolling upgrade, a hand-made insert), so they are never refused.
          `ALTER TABLE ${events} MODIFY event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT (UUID())`,
          ...ddlUnless(
            indexExists(`${prefix}events`, 'event_id_unique'),
            `ALTER TABLE ${events} ADD UNIQUE KEY event_id_unique (event_id)`,
          ),
          `CREATE TABLE IF NOT EXISTS ${tableName(prefix, 'commands')} (
            idempotency_key VARCHAR(255) NOT NULL,
            command_name VARCHAR(255) NOT NULL,
            fingerprint VARCHAR(255) NOT NULL,
            result_is_array TINYINT(1) NOT NULL,
            sequence_numbers LONGTEXT NOT NULL,
            recorded_at DATETIME(3) NOT NULL,
            PRIMARY KEY (idempotency_key),
            KEY recorded_at (recorded_at)
          ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
        ];
      },
    },
  ],
};
