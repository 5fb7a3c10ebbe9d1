/**
 * The consumer state store on MySQL 8 / MariaDB 10.11+ (InnoDB).
 *
 * Leases are rows (`<prefix>leases`) whose expiry is measured with the database clock in UTC
 * (UTC_TIMESTAMP(3): the same clock as NOW(3), but independent of each session's time_zone), so
 * instances with skewed clocks agree; nothing is held on a connection between calls.
 *
 * A commit is one READ COMMITTED transaction on one connection: it locks the consumer row and the
 * lease row (SELECT ... FOR UPDATE), so a lease cannot change hands and a concurrent commit cannot
 * interleave until it ends; checks lease, version and offset; runs `work` with that connection
 * (a mysql2/promise PoolConnection: write projections through it to make them exactly-once, never
 * COMMIT, ROLLBACK or release it); writes sagas, dead events and the consumer row; and commits.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';
import { ConcurrencyError, ConsumerNotFoundError, InvalidArgumentError, LeaseLostError } from '../errors';
import type {
  ConsumerCommit,
  ConsumerErrorState,
  ConsumerState,
  ConsumerStateStore,
  DeadEvent,
  Lease,
  StoredSagaInstance,
  TransactionalWork,
} from '../stores/consumerStateStore';
import {
  executeSql,
  fromSqlDateTime,
  inTransaction,
  openPool,
  selectRows,
  sleep,
  toInt,
  toText,
  type MysqlConnectionOptions,
  type Queryable,
} from './connection';
import { CONSUMER_STATE_MIGRATIONS } from './consumerStateSchema';
import {
  compareStrings,
  CONSUMER_COLUMNS,
  DEAD_EVENT_COLUMNS,
  deadEventValues,
  errorValues,
  requireOffset,
  SAGA_COLUMNS,
  toConsumerState,
  toDeadEvent,
  toSagaInstance,
  validateCommit,
} from './consumerRows';
import { isConnectionError, isDuplicateKey, isLockConflict, mapDriverError } from './errors';
import { tableName, validateTablePrefix } from './identifiers';
import { migrate, type MigrateMode } from './migrations';
import { validateMigrateMode } from './options';

/** Settings of a {@link MysqlConsumerStateStore}. */
export type MysqlConsumerStateStoreOptions = MysqlConnectionOptions & {
  /** Prefix of every table name (default `evento_`); must match /^[a-z_][a-z0-9_]{0,40}$/. */
  readonly tablePrefix?: string;
  /** `apply` (default) creates or upgrades the schema at start; `verify` only checks it is current. */
  readonly migrate?: MigrateMode;
};

const LEASE_ATTEMPTS = 5;

/** Consumer offsets, leases, saga instances and dead events in MySQL 8 or MariaDB 10.11+. */
export class MysqlConsumerStateStore implements ConsumerStateStore {
  /**
   * `work` runs in the commit's transaction: when it throws, its writes are rolled back too, so
   * consumers handle a whole batch in one commit.
   */
  readonly atomicWork = true;
  private readonly prefix: string;
  private readonly migrateMode: MigrateMode;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readying: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  /** Creates the store and brings its schema up to date (or verifies it, with `migrate: 'verify'`). */
  static async create(options: MysqlConsumerStateStoreOptions): Promise<MysqlConsumerStateStore> {
    const store = new MysqlConsumerStateStore(options);
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Validates the options and opens the pool; the schema is handled by `init()` or the first call. */
  constructor(options: MysqlConsumerStateStoreOptions) {
    this.prefix = validateTablePrefix(options.tablePrefix);
    this.migrateMode = validateMigrateMode(options.migrate);
    const { pool, owned } = openPool(options);
    this.pool = pool;
    this.ownsPool = owned;
  }

  /** Creates or upgrades the schema (`apply`) or checks it (`verify`). Runs once; later calls wait for it. */
  init(): Promise<void> {
    this.readying ??= migrate(this.pool, this.prefix, this.migrateMode, CONSUMER_STATE_MIGRATIONS).catch(
      (error: unknown) => {
        this.readying = undefined;
        throw error;
      },
    );
    return this.readying;
  }

  async ensureConsumer(consumerId: string, offset: number): Promise<ConsumerState> {
    requireOffset(offset, `ensureConsumer('${consumerId}')`);
    return this.run(`creating consumer ${consumerId}`, async () => {
      await executeSql(
        this.pool,
        `INSERT INTO ${this.table('consumers')} (consumer_id, stream_offset, version, enabled, updated_at)
         VALUES (?, ?, 0, 1, UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE consumer_id = consumer_id`,
        [consumerId, offset],
      );
      const state = await this.readConsumer(this.pool, consumerId);
      if (state === undefined) throw this.notFound(consumerId, 'ensureConsumer');
      return state;
    });
  }

  async getConsumer(consumerId: string): Promise<ConsumerState | undefined> {
    return this.run(`reading consumer ${consumerId}`, () => this.readConsumer(this.pool, consumerId));
  }

  async listConsumers(): Promise<ConsumerState[]> {
    return this.run('listing consumers', async () => {
      const rows = await selectRows(this.pool, `SELECT ${CONSUMER_COLUMNS} FROM ${this.table('consumers')}`);
      return rows.map(toConsumerState).sort((a, b) => compareStrings(a.consumerId, b.consumerId));
    });
  }

  async acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean> {
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new InvalidArgumentError(
        `acquireLease('${consumerId}') needs a ttlMs > 0 (got ${ttlMs}); pass how long the lease lasts unless renewed.`,
      );
    }
    const micros = Math.max(1000, Math.round(ttlMs * 1000));
    const leases = this.table('leases');
    await this.init();
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, async (connection) => {
          const [held] = await selectRows(
            connection,
            `SELECT owner, expires_at > UTC_TIMESTAMP(3) AS live FROM ${leases} WHERE consumer_id = ? FOR UPDATE`,
            [consumerId],
          );
          if (held === undefined) {
            await executeSql(
              connection,
              `INSERT INTO ${leases} (consumer_id, owner, expires_at) VALUES (?, ?, UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND)`,
              [consumerId, owner, micros],
            );
            return true;
          }
          if (toText(held.owner) !== owner && toInt(held.live) === 1) return false;
          await executeSql(
            connection,
            `UPDATE ${leases} SET owner = ?, expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE consumer_id = ?`,
            [owner, micros, consumerId],
          );
          return true;
        });
      } catch (error) {
        // Two first acquirers both inserting: the loser sees the winner's row when it runs again.
        const retry = isDuplicateKey(error) || isLockConflict(error) || isConnectionError(error);
        if (!retry || attempt >= LEASE_ATTEMPTS)
          throw mapDriverError(error, `acquiring the lease of consumer ${consumerId}`);
        await sleep(Math.random() * 10 * attempt);
      }
    }
  }

  async releaseLease(consumerId: string, owner: string): Promise<void> {
    await this.run(`releasing the lease of consumer ${consumerId}`, () =>
      executeSql(this.pool, `DELETE FROM ${this.table('leases')} WHERE consumer_id = ? AND owner = ?`, [
        consumerId,
        owner,
      ]),
    );
  }

  /** The recorded lease, expired or not: compare `expiresAt` with the (database) clock to tell. */
  async getLease(consumerId: string): Promise<Lease | undefined> {
    return this.run(`reading the lease of consumer ${consumerId}`, async () => {
      const [row] = await selectRows(
        this.pool,
        `SELECT owner, expires_at FROM ${this.table('leases')} WHERE consumer_id = ?`,
        [consumerId],
      );
      if (row === undefined) return undefined;
      return Object.freeze({
        consumerId,
        owner: toText(row.owner),
        expiresAt: fromSqlDateTime(row.expires_at),
      });
    });
  }

  /**
   * Checks the lease (held by `commit.owner` and unexpired by the database clock), the version and
   * the offset with the consumer and lease rows locked, then runs `work` with the transaction's
   * PoolConnection, then writes the whole commit and commits. A failed check runs no work and
   * writes nothing; if `work` throws, everything (its own writes included) is rolled back and the
   * error it threw is rethrown (a lost connection or lock conflict becomes StoreUnavailableError).
   */
  async commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState> {
    validateCommit(commit);
    const deadRows = (commit.deadEvents ?? []).map(deadEventValues);
    const error = commit.error === undefined ? undefined : errorValues(commit.error);
    await this.init();
    let workFailed = false;
    try {
      return await inTransaction(this.pool, async (connection) => {
        const current = await this.checkCommit(connection, commit);
        if (work !== undefined) {
          try {
            await work(connection);
          } catch (failure) {
            workFailed = true;
            throw failure;
          }
        }
        await this.writeSagas(connection, commit);
        if (deadRows.length > 0) {
          await executeSql(
            connection,
            `REPLACE INTO ${this.table('dead_events')} (${DEAD_EVENT_COLUMNS}) VALUES ?`,
            [deadRows],
          );
        }
        const removals = commit.deadEventRemovals ?? [];
        if (removals.length > 0) {
          await executeSql(
            connection,
            `DELETE FROM ${this.table('dead_events')} WHERE consumer_id = ? AND sequence_number IN (?)`,
            [commit.consumerId, [...removals]],
          );
        }
        const errorSql =
          error === undefined
            ? ''
            : ', error_since = ?, error_last_at = ?, error_count = ?, error_message = ?';
        await executeSql(
          connection,
          `UPDATE ${this.table('consumers')} SET stream_offset = ?, version = version + 1, updated_at = UTC_TIMESTAMP(3)${errorSql} WHERE consumer_id = ?`,
          [commit.offset, ...(error ?? []), commit.consumerId],
        );
        return Object.freeze({
          ...current,
          offset: commit.offset,
          version: current.version + 1,
          error: commit.error === undefined ? current.error : copyError(commit.error),
        });
      });
    } catch (failure) {
      // What work threw is rethrown as it was, unless the connection or a lock failed under it.
      if (workFailed && !isConnectionError(failure) && !isLockConflict(failure)) throw failure;
      throw mapDriverError(failure, `committing consumer ${commit.consumerId}`);
    }
  }

  async findSagaInstance(
    sagaName: string,
    property: string,
    value: string,
  ): Promise<StoredSagaInstance | undefined> {
    return this.run(`finding a ${sagaName} instance`, async () => {
      const [row] = await selectRows(
        this.pool,
        `SELECT i.saga_name, i.saga_id, i.state_name, i.state, i.associations
         FROM ${this.table('saga_associations')} a
         JOIN ${this.table('saga_instances')} i ON i.saga_name = a.saga_name AND i.saga_id = a.saga_id
         WHERE a.saga_name = ? AND a.property = ? AND a.value = ?
         ORDER BY a.saga_id LIMIT 1`,
        [sagaName, property, value],
      );
      return row === undefined ? undefined : toSagaInstance(row);
    });
  }

  async listSagaInstances(sagaName: string): Promise<StoredSagaInstance[]> {
    return this.run(`listing ${sagaName} instances`, async () => {
      const rows = await selectRows(
        this.pool,
        `SELECT ${SAGA_COLUMNS} FROM ${this.table('saga_instances')} WHERE saga_name = ?`,
        [sagaName],
      );
      return rows.map(toSagaInstance).sort((a, b) => compareStrings(a.sagaId, b.sagaId));
    });
  }

  /** The consumer's dead events, ordered by sequence number. */
  async listDeadEvents(consumerId: string): Promise<DeadEvent[]> {
    return this.run(`listing the dead events of consumer ${consumerId}`, async () => {
      const rows = await selectRows(
        this.pool,
        `SELECT ${DEAD_EVENT_COLUMNS} FROM ${this.table('dead_events')} WHERE consumer_id = ? ORDER BY sequence_number`,
        [consumerId],
      );
      return rows.map(toDeadEvent);
    });
  }

  async deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<boolean> {
    return this.run(`deleting a dead event of consumer ${consumerId}`, async () => {
      const result = await executeSql(
        this.pool,
        `DELETE FROM ${this.table('dead_events')} WHERE consumer_id = ? AND sequence_number = ?`,
        [consumerId, sequenceNumber],
      );
      return result.affectedRows > 0;
    });
  }

  async setEnabled(consumerId: string, enabled: boolean): Promise<void> {
    await this.updateConsumer(consumerId, 'setEnabled', 'enabled = ?', [enabled ? 1 : 0]);
  }

  async setError(consumerId: string, error: ConsumerErrorState | null): Promise<void> {
    const values = errorValues(error);
    await this.updateConsumer(
      consumerId,
      'setError',
      'error_since = ?, error_last_at = ?, error_count = ?, error_message = ?',
      values,
    );
  }

  /** Ends the pool if the store created it; a pool passed in is left open. */
  close(): Promise<void> {
    this.closing ??= this.ownsPool ? this.pool.end() : Promise.resolve();
    return this.closing;
  }

  private table(name: string): string {
    return tableName(this.prefix, name);
  }

  /** Waits for the schema, runs `operation`, and maps driver errors. */
  private async run<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    await this.init();
    try {
      return await operation();
    } catch (error) {
      throw mapDriverError(error, doing);
    }
  }

  private async readConsumer(
    db: Queryable,
    consumerId: string,
    lock = '',
  ): Promise<ConsumerState | undefined> {
    const [row] = await selectRows(
      db,
      `SELECT ${CONSUMER_COLUMNS} FROM ${this.table('consumers')} WHERE consumer_id = ?${lock}`,
      [consumerId],
    );
    return row === undefined ? undefined : toConsumerState(row);
  }

  private async updateConsumer(
    consumerId: string,
    operation: string,
    assignments: string,
    values: readonly unknown[],
  ): Promise<void> {
    await this.run(`${operation} of consumer ${consumerId}`, async () => {
      const result = await executeSql(
        this.pool,
        `UPDATE ${this.table('consumers')} SET ${assignments}, updated_at = UTC_TIMESTAMP(3) WHERE consumer_id = ?`,
        [...values, consumerId],
      );
      // affectedRows counts changed rather than matched rows on pools without CLIENT_FOUND_ROWS.
      if (result.affectedRows === 0 && (await this.readConsumer(this.pool, consumerId)) === undefined) {
        throw this.notFound(consumerId, operation);
      }
    });
  }

  /** Locks the consumer and lease rows and checks the commit may be written; returns the current state. */
  private async checkCommit(connection: PoolConnection, commit: ConsumerCommit): Promise<ConsumerState> {
    const { consumerId, owner, expectedVersion, offset } = commit;
    const current = await this.readConsumer(connection, consumerId, ' FOR UPDATE');
    const [lease] = await selectRows(
      connection,
      `SELECT owner, expires_at, expires_at > UTC_TIMESTAMP(3) AS live FROM ${this.table('leases')} WHERE consumer_id = ? FOR UPDATE`,
      [consumerId],
    );
    const holder = lease === undefined ? undefined : toText(lease.owner);
    if (lease === undefined || holder !== owner || toInt(lease.live) !== 1) {
      const why =
        lease === undefined
          ? 'nobody holds its lease'
          : holder === owner || toInt(lease.live) !== 1
            ? `the lease of ${holder} expired at ${fromSqlDateTime(lease.expires_at).toISOString()}`
            : `${holder} holds its lease`;
      throw new LeaseLostError(
        `Consumer ${consumerId}: ${owner} cannot commit because ${why}. Stop running the consumer in this instance; ` +
          'it resumes from its last committed offset once acquireLease() succeeds again (renew the lease more often than its ttl if this happens without a takeover).',
        { context: { consumerId, owner, holder } },
      );
    }
    if (current === undefined) throw this.notFound(consumerId, 'commit');
    if (current.version !== expectedVersion) {
      throw new ConcurrencyError(consumerId, expectedVersion, current.version, { context: { consumerId } });
    }
    if (offset < current.offset) {
      throw new InvalidArgumentError(
        `Consumer ${consumerId}: commit() would move the offset back from ${current.offset} to ${offset}; offsets only move forward (commit the offset of the last event handled).`,
        { context: { consumerId, offset, currentOffset: current.offset } },
      );
    }
    return current;
  }

  /** Saga upserts, then saga deletes; each instance's association rows are rewritten with it. */
  private async writeSagas(connection: PoolConnection, commit: ConsumerCommit): Promise<void> {
    const instances = this.table('saga_instances');
    const associations = this.table('saga_associations');
    for (const saga of commit.sagaUpserts ?? []) {
      const json = JSON.stringify(saga.associations);
      await executeSql(
        connection,
        `INSERT INTO ${instances} (saga_name, saga_id, state_name, state, associations, updated_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3))
         ON DUPLICATE KEY UPDATE state_name = ?, state = ?, associations = ?, updated_at = UTC_TIMESTAMP(3)`,
        [saga.sagaName, saga.sagaId, saga.stateName, saga.state, json, saga.stateName, saga.state, json],
      );
      await executeSql(connection, `DELETE FROM ${associations} WHERE saga_name = ? AND saga_id = ?`, [
        saga.sagaName,
        saga.sagaId,
      ]);
      const rows = Object.entries(saga.associations).map(([property, value]) => [
        saga.sagaName,
        saga.sagaId,
        property,
        value,
      ]);
      if (rows.length > 0) {
        await executeSql(
          connection,
          `INSERT INTO ${associations} (saga_name, saga_id, property, value) VALUES ?`,
          [rows],
        );
      }
    }
    for (const { sagaName, sagaId } of commit.sagaDeletes ?? []) {
      await executeSql(connection, `DELETE FROM ${instances} WHERE saga_name = ? AND saga_id = ?`, [
        sagaName,
        sagaId,
      ]);
      await executeSql(connection, `DELETE FROM ${associations} WHERE saga_name = ? AND saga_id = ?`, [
        sagaName,
        sagaId,
      ]);
    }
  }

  private notFound(consumerId: string, operation: string): ConsumerNotFoundError {
    return new ConsumerNotFoundError(
      `${operation}(): no consumer '${consumerId}' in the consumer state store; ensureConsumer() creates it (the bundle does when it starts the consumer). Check the consumer id.`,
      { context: { consumerId } },
    );
  }
}

function copyError(error: ConsumerErrorState | null): ConsumerErrorState | null {
  if (error === null) return null;
  return Object.freeze({
    ...error,
    since: new Date(error.since.getTime()),
    lastErrorAt: new Date(error.lastErrorAt.getTime()),
  });
}
