/**
 * The event store on MySQL 8 / MariaDB 10.11+ (InnoDB).
 *
 * Gap safety: why a reader never skips an event
 * ---------------------------------------------
 * AUTO_INCREMENT hands out sequence numbers when a row is inserted, not when it commits: a
 * transaction that got 41 may commit after the one that got 42. A reader that saw 42 and moved its
 * offset there would never see 41. So readStream never returns an event above the *safe head*, a
 * sequence number S such that every event <= S that will ever exist is already committed.
 *
 * Protocol (one-row table `<prefix>append_gate`, see appendGate.ts):
 * - Every append transaction starts with `SELECT ... FROM append_gate WHERE id = 1 LOCK IN SHARE
 *   MODE`, before it inserts anything, and holds that shared lock until it commits or rolls back.
 *   Shared locks are compatible, so appenders do not wait for each other.
 * - To compute S, a reader runs a short READ COMMITTED transaction: `SELECT ... FOR UPDATE` on the
 *   same row, then `SELECT MAX(sequence_number)`, then COMMIT.
 *
 * Why it holds: the exclusive lock is granted only when no appender holds the shared lock, that is
 * when every append that had inserted rows has committed or rolled back (their locks go only when
 * they end, and InnoDB makes a commit visible before it releases its locks). While the reader holds
 * it, no append can insert anything (each must first get the shared lock). So every sequence number
 * allocated so far belongs to a finished transaction, and MAX, read in READ COMMITTED (a fresh
 * snapshot per statement), sees all of the committed ones. Any append that inserts later gets its
 * number from a counter that only grows, so above that MAX. Hence no event <= S can appear later,
 * and the lock is gone again as soon as the reader commits: a guarantee, not a delay.
 *
 * Costs are kept low: S only grows and stays safe for ever, so it is kept and reused; readStream
 * computes a new one only when it has read up to the old one; a lock-free `MAX` first tells whether
 * anything new was committed at all (if not, the gate is not touched); concurrent callers share one
 * computation. The gate holds appenders back only for the few milliseconds of that transaction.
 * readAggregate needs none of this: versions are checked by the unique (aggregate_id, version) key.
 *
 * MySQL has no notifications, so onAppend polls the safe head every `pollIntervalMs` while anyone
 * listens (one unref'd timer per store), and appends through this instance wake listeners at once.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';
import { ConcurrencyError, ConfigurationError, EventoError } from '../errors';
import {
  allContexts,
  type AppendRequest,
  type CommandRecord,
  type EventStore,
  type RecordedCommand,
  type Snapshot,
  type StoredEvent,
  type StreamQuery,
} from '../stores/eventStore';
import { notifyAll } from '../stores/inMemoryEventStore';
import { readStoredMetadata } from '../stores/storedMetadata';
import { validateAppend } from '../stores/validateAppend';
import {
  idempotencyRetention,
  KeyCleanup,
  requireSameCommand,
  type IdempotencyOptions,
} from '../stores/commandRecords';
import { newEventId } from '../internal/eventId';
import { enterAppendGate, SafeHead } from './appendGate';
import {
  executeSql,
  fromSqlDateTime,
  inTransaction,
  openPool,
  selectRows,
  sleep,
  toInt,
  toNullableInt,
  toNullableText,
  toSqlDateTime,
  toText,
  type MysqlConnectionOptions,
  type Row,
} from './connection';
import {
  errnoOf,
  isConnectionError,
  isDuplicateKey,
  isLockConflict,
  mapDriverError,
  MysqlErrno,
} from './errors';
import { EVENT_STORE_MIGRATIONS } from './eventStoreSchema';
import { tableName, validateTablePrefix } from './identifiers';
import { migrate, type MigrateMode } from './migrations';
import { validateMigrateMode } from './options';
import { PacketLimit } from './packetLimit';

/** Settings of a {@link MysqlEventStore}. */
export type MysqlEventStoreOptions = MysqlConnectionOptions & {
  /** Prefix of every table name (default `evento_`); must match /^[a-z_][a-z0-9_]{0,40}$/. */
  readonly tablePrefix?: string;
  /** `apply` (default) creates or upgrades the schema at start; `verify` only checks it is current. */
  readonly migrate?: MigrateMode;
  /** How often (ms) to look for events appended by other processes while listeners wait (default 100). */
  readonly pollIntervalMs?: number;
} & IdempotencyOptions;

/** What an append's transaction found or wrote. */
type AppendOutcome =
  | { readonly stored: StoredEvent[] }
  | { readonly recorded: { commandName: string; fingerprint: string; sequenceNumbers: number[] } };

/** Expired idempotency keys deleted per statement. */
const CLEANUP_BATCH = 1000;

/** How many times an append is run again after a deadlock, lock wait timeout or lost connection. */
const APPEND_ATTEMPTS = 5;

const INSERT_COLUMNS =
  '(aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

const EVENT_COLUMNS =
  'sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at, event_id';

/**
 * An event store on MySQL 8 or MariaDB 10.11+ (one primary), safe for many writers and readers in
 * many processes. Deadlocks, lock wait timeouts and connections lost before anything was written
 * are retried a few times; a connection lost later (during COMMIT) is a StoreUnavailableError after
 * which the append may or may not have been written: reload the aggregate before deciding again.
 */
export class MysqlEventStore implements EventStore {
  private readonly prefix: string;
  private readonly migrateMode: MigrateMode;
  private readonly pollIntervalMs: number;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly safeHead: SafeHead;
  private readonly packetLimit: PacketLimit;
  private readonly listeners = new Set<() => void>();
  private readying: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private notifiedHead = 0;
  private closing: Promise<void> | undefined;
  private readonly retentionMs: number;
  private readonly keyCleanup: KeyCleanup;

  /** Creates the store and brings its schema up to date (or verifies it, with `migrate: 'verify'`). */
  static async create(options: MysqlEventStoreOptions): Promise<MysqlEventStore> {
    const store = new MysqlEventStore(options);
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Validates the options and opens the pool; the schema is handled by `init()` or the first call. */
  constructor(options: MysqlEventStoreOptions) {
    this.prefix = validateTablePrefix(options.tablePrefix);
    this.migrateMode = validateMigrateMode(options.migrate);
    const poll = options.pollIntervalMs ?? 100;
    if (typeof poll !== 'number' || !Number.isFinite(poll) || poll <= 0) {
      throw new ConfigurationError(
        `pollIntervalMs must be a positive number of milliseconds (got ${String(poll)}).`,
      );
    }
    this.pollIntervalMs = poll;
    const { pool, owned } = openPool(options);
    this.pool = pool;
    this.ownsPool = owned;
    this.safeHead = new SafeHead(pool, this.prefix);
    this.packetLimit = new PacketLimit(pool);
    this.retentionMs = idempotencyRetention(options);
    this.keyCleanup = new KeyCleanup(this.retentionMs, () => this.cleanUpIdempotencyKeys());
  }

  /** Creates or upgrades the schema (`apply`) or checks it (`verify`). Runs once; later calls wait for it. */
  init(): Promise<void> {
    this.readying ??= migrate(this.pool, this.prefix, this.migrateMode, EVENT_STORE_MIGRATIONS).catch(
      (error: unknown) => {
        this.readying = undefined;
        throw error;
      },
    );
    return this.readying;
  }

  async append(request: AppendRequest): Promise<StoredEvent[]> {
    validateAppend(request);
    const rows = request.events.map((event) => ({
      event,
      metadata: JSON.stringify(event.metadata),
      createdAt: toSqlDateTime(event.createdAt, 'An event createdAt'),
      eventId: event.eventId ?? newEventId(),
    }));
    const { command } = request;
    await this.init();
    this.keyCleanup.poke();
    const doing = `appending to ${request.aggregateId === null ? 'the service stream' : `aggregate ${request.aggregateId}`}`;
    try {
      for (const { event, metadata } of rows) {
        await this.packetLimit.check(
          `INSERT INTO ${this.table('events')} ${INSERT_COLUMNS}`,
          [request.aggregateId, 0, event.eventName, event.context, event.payload, metadata, ''],
          `The event ${event.eventName} ${doing.replace('appending to', 'for')}`,
        );
      }
    } catch (error) {
      throw mapDriverError(error, doing);
    }
    for (let attempt = 1; ; attempt++) {
      const progress = { wrote: false };
      try {
        const outcome = await inTransaction(this.pool, async (connection): Promise<AppendOutcome> => {
          await enterAppendGate(connection, this.prefix);
          if (command !== undefined) {
            const recorded = await this.recordedIn(connection, command.idempotencyKey);
            if (recorded !== undefined) return { recorded };
          }
          await this.checkVersion(connection, request);
          progress.wrote = true;
          if (command !== undefined) {
            try {
              await executeSql(
                connection,
                `INSERT INTO ${this.table('commands')} (idempotency_key, command_name, fingerprint, result_is_array, sequence_numbers, recorded_at)
                 VALUES (?, ?, ?, ?, '[]', UTC_TIMESTAMP(3))`,
                [
                  command.idempotencyKey,
                  command.commandName,
                  command.fingerprint,
                  command.resultIsArray ? 1 : 0,
                ],
              );
            } catch (error) {
              // A concurrent append of the same key committed while this insert waited for it.
              if (!isDuplicateKey(error)) throw error;
              const recorded = await this.recordedIn(connection, command.idempotencyKey);
              if (recorded === undefined) throw error;
              return { recorded };
            }
          }
          const stored: StoredEvent[] = [];
          for (const [i, { event, metadata, createdAt, eventId }] of rows.entries()) {
            const aggregateVersion = request.aggregateId === null ? null : request.expectedVersion + i + 1;
            const result = await executeSql(
              connection,
              `INSERT INTO ${this.table('events')} ${INSERT_COLUMNS}`,
              [
                request.aggregateId,
                aggregateVersion,
                event.eventName,
                event.context,
                event.payload,
                metadata,
                createdAt,
                eventId,
              ],
            );
            stored.push(
              Object.freeze({
                ...event,
                metadata: Object.freeze({ ...event.metadata }),
                sequenceNumber: toInt(result.insertId),
                aggregateId: request.aggregateId,
                aggregateVersion,
                eventId,
              }),
            );
          }
          if (command !== undefined) {
            await executeSql(
              connection,
              `UPDATE ${this.table('commands')} SET sequence_numbers = ? WHERE idempotency_key = ?`,
              [JSON.stringify(stored.map((e) => e.sequenceNumber)), command.idempotencyKey],
            );
          }
          await this.beforeCommit(connection);
          return { stored };
        });
        if ('recorded' in outcome) {
          requireSameCommand(outcome.recorded, command as CommandRecord);
          return await this.readNumbers(outcome.recorded.sequenceNumbers);
        }
        notifyAll(this.listeners);
        return outcome.stored;
      } catch (error) {
        if (error instanceof EventoError) throw error;
        if (isDuplicateKey(error) && request.aggregateId !== null)
          throw await this.concurrencyError(request, error);
        const retry = isLockConflict(error) || (isConnectionError(error) && !progress.wrote);
        if (retry && attempt < APPEND_ATTEMPTS) {
          await sleep(Math.random() * 10 * attempt);
          continue;
        }
        // Appenders deadlock only on one aggregate's unique key: that is a concurrency conflict.
        if (errnoOf(error) === MysqlErrno.Deadlock && request.aggregateId !== null) {
          throw await this.concurrencyError(request, error);
        }
        throw mapDriverError(error, doing);
      }
    }
  }

  async findCommand(idempotencyKey: string): Promise<RecordedCommand | undefined> {
    await this.init();
    try {
      const [row] = await selectRows(
        this.pool,
        `SELECT command_name, fingerprint, result_is_array, sequence_numbers, recorded_at FROM ${this.table('commands')} WHERE idempotency_key = ?`,
        [idempotencyKey],
      );
      if (row === undefined) return undefined;
      return Object.freeze({
        idempotencyKey,
        commandName: toText(row.command_name),
        fingerprint: toText(row.fingerprint),
        resultIsArray: toInt(row.result_is_array) === 1,
        events: Object.freeze(await this.readNumbers(sequenceNumbersOf(row.sequence_numbers))),
        recordedAt: fromSqlDateTime(row.recorded_at),
      });
    } catch (error) {
      throw mapDriverError(error, `finding the command of idempotency key ${JSON.stringify(idempotencyKey)}`);
    }
  }

  /**
   * Deletes the idempotency keys recorded longer ago than the retention (on the database clock,
   * UTC), a thousand per short READ COMMITTED transaction, so appends recording new keys never wait
   * for it; resolves to how many. Appends start it in the background about once per retention (at
   * most every minute); call it yourself from a scheduled job if you prefer.
   */
  async cleanUpIdempotencyKeys(): Promise<number> {
    await this.init();
    let total = 0;
    try {
      for (;;) {
        const result = await inTransaction(this.pool, (connection) =>
          executeSql(
            connection,
            `DELETE FROM ${this.table('commands')} WHERE recorded_at < UTC_TIMESTAMP(3) - INTERVAL ? MICROSECOND
             ORDER BY recorded_at LIMIT ${CLEANUP_BATCH}`,
            [this.retentionMs * 1000],
          ),
        );
        total += result.affectedRows;
        if (result.affectedRows < CLEANUP_BATCH || this.closing !== undefined) return total;
      }
    } catch (error) {
      throw mapDriverError(error, 'deleting expired idempotency keys');
    }
  }

  async readAggregate(aggregateId: string, afterVersion = 0): Promise<StoredEvent[]> {
    await this.init();
    try {
      const rows = await selectRows(
        this.pool,
        `SELECT ${EVENT_COLUMNS} FROM ${this.table('events')} WHERE aggregate_id = ? AND aggregate_version > ? ORDER BY aggregate_version`,
        [aggregateId, afterVersion],
      );
      return rows.map(toStoredEvent);
    } catch (error) {
      throw mapDriverError(error, `reading aggregate ${aggregateId}`);
    }
  }

  async readStream({ after, limit, contexts }: StreamQuery): Promise<StoredEvent[]> {
    const count = Math.min(Math.floor(limit), 1_000_000_000);
    if (!(count > 0)) return [];
    const from = Math.max(0, after);
    await this.init();
    try {
      let head = this.safeHead.cached;
      let fresh = false;
      if (head <= from) {
        head = await this.safeHead.fresh();
        fresh = true;
      }
      if (head <= from) return [];
      const events = await this.selectStream(from, head, count, contexts);
      if (events.length < count && !fresh) {
        // The kept head may be behind: look once more, so a filtered read does not stop short.
        const newer = await this.safeHead.fresh();
        if (newer > head)
          events.push(...(await this.selectStream(head, newer, count - events.length, contexts)));
      }
      return events;
    } catch (error) {
      throw mapDriverError(error, 'reading the event stream');
    }
  }

  async headSequence(): Promise<number> {
    await this.init();
    try {
      return await this.safeHead.fresh();
    } catch (error) {
      throw mapDriverError(error, 'reading the head sequence');
    }
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const createdAt = toSqlDateTime(snapshot.createdAt, 'A snapshot createdAt');
    await this.init();
    const v = snapshot.aggregateVersion;
    try {
      await this.packetLimit.check(
        `INSERT INTO ${this.table('snapshots')} VALUES (?, ?, ?, ?, ?)`,
        [snapshot.aggregateId, snapshot.stateName, snapshot.state, snapshot.state, ''],
        `The snapshot ${snapshot.stateName} of aggregate ${snapshot.aggregateId}`,
      );
      // aggregate_version is assigned last: the IFs before it compare against the stored version.
      await executeSql(
        this.pool,
        `INSERT INTO ${this.table('snapshots')} (aggregate_id, aggregate_version, state_name, state, created_at) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE
           state_name = IF(aggregate_version < ?, ?, state_name),
           state = IF(aggregate_version < ?, ?, state),
           created_at = IF(aggregate_version < ?, ?, created_at),
           aggregate_version = IF(aggregate_version < ?, ?, aggregate_version)`,
        [
          snapshot.aggregateId,
          v,
          snapshot.stateName,
          snapshot.state,
          createdAt,
          v,
          snapshot.stateName,
          v,
          snapshot.state,
          v,
          createdAt,
          v,
          v,
        ],
      );
    } catch (error) {
      throw mapDriverError(error, `saving a snapshot of aggregate ${snapshot.aggregateId}`);
    }
  }

  async loadSnapshot(aggregateId: string): Promise<Snapshot | undefined> {
    await this.init();
    try {
      const [row] = await selectRows(
        this.pool,
        `SELECT aggregate_id, aggregate_version, state_name, state, created_at FROM ${this.table('snapshots')} WHERE aggregate_id = ?`,
        [aggregateId],
      );
      if (row === undefined) return undefined;
      return Object.freeze({
        aggregateId: toText(row.aggregate_id),
        aggregateVersion: toInt(row.aggregate_version),
        stateName: toText(row.state_name),
        state: toText(row.state),
        createdAt: fromSqlDateTime(row.created_at),
      });
    } catch (error) {
      throw mapDriverError(error, `loading the snapshot of aggregate ${aggregateId}`);
    }
  }

  onAppend(listener: () => void): () => void {
    if (this.listeners.size === 0) this.notifiedHead = Math.max(this.notifiedHead, this.safeHead.cached);
    this.listeners.add(listener);
    this.schedulePoll();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  /** Stops polling, forgets listeners, and ends the pool if the store created it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.listeners.clear();
      this.stopPolling();
      await this.keyCleanup.stop();
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closing;
  }

  /**
   * Called inside each append's transaction after its rows are inserted, just before COMMIT. Does
   * nothing; tests override it to hold transactions open and so make commits happen out of order.
   */
  protected async beforeCommit(_connection: PoolConnection): Promise<void> {}

  private table(name: string): string {
    return tableName(this.prefix, name);
  }

  /** What is recorded under `key`, read inside the append's transaction. */
  private async recordedIn(
    connection: PoolConnection,
    key: string,
  ): Promise<{ commandName: string; fingerprint: string; sequenceNumbers: number[] } | undefined> {
    const [row] = await selectRows(
      connection,
      `SELECT command_name, fingerprint, sequence_numbers FROM ${this.table('commands')} WHERE idempotency_key = ?`,
      [key],
    );
    if (row === undefined) return undefined;
    return {
      commandName: toText(row.command_name),
      fingerprint: toText(row.fingerprint),
      sequenceNumbers: sequenceNumbersOf(row.sequence_numbers),
    };
  }

  /** The events with these sequence numbers, in sequence order. */
  private async readNumbers(numbers: readonly number[]): Promise<StoredEvent[]> {
    if (numbers.length === 0) return [];
    const rows = await selectRows(
      this.pool,
      `SELECT ${EVENT_COLUMNS} FROM ${this.table('events')} WHERE sequence_number IN (?) ORDER BY sequence_number`,
      [[...numbers]],
    );
    return rows.map(toStoredEvent);
  }

  private async checkVersion(connection: PoolConnection, request: AppendRequest): Promise<void> {
    if (request.aggregateId === null) return;
    const actual = await this.currentVersion(connection, request.aggregateId);
    if (actual !== request.expectedVersion)
      throw new ConcurrencyError(request.aggregateId, request.expectedVersion, actual);
  }

  private async currentVersion(db: Pool | PoolConnection, aggregateId: string): Promise<number> {
    const [row] = await selectRows(
      db,
      `SELECT MAX(aggregate_version) AS version FROM ${this.table('events')} WHERE aggregate_id = ?`,
      [aggregateId],
    );
    return toNullableInt(row?.version) ?? 0;
  }

  /** A concurrent append took the version first (ER_DUP_ENTRY): report the version now stored. */
  private async concurrencyError(request: AppendRequest, cause: unknown): Promise<ConcurrencyError> {
    const aggregateId = request.aggregateId ?? '';
    const actual = await this.currentVersion(this.pool, aggregateId).catch(() => undefined);
    return new ConcurrencyError(aggregateId, request.expectedVersion, actual, { cause });
  }

  private async selectStream(
    after: number,
    upTo: number,
    limit: number,
    contexts: readonly string[] | undefined,
  ): Promise<StoredEvent[]> {
    const all = allContexts(contexts);
    const rows = await selectRows(
      this.pool,
      `SELECT ${EVENT_COLUMNS} FROM ${this.table('events')}
       WHERE sequence_number > ? AND sequence_number <= ?${all ? '' : ' AND context IN (?)'}
       ORDER BY sequence_number LIMIT ?`,
      all ? [after, upTo, limit] : [after, upTo, [...(contexts ?? [])], limit],
    );
    return rows.map(toStoredEvent);
  }

  private schedulePoll(): void {
    if (
      this.pollTimer !== undefined ||
      this.polling ||
      this.listeners.size === 0 ||
      this.closing !== undefined
    )
      return;
    this.pollTimer = setTimeout(() => void this.poll(), this.pollIntervalMs);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async poll(): Promise<void> {
    this.pollTimer = undefined;
    this.polling = true;
    try {
      await this.init();
      const head = await this.safeHead.fresh();
      if (head > this.notifiedHead) {
        this.notifiedHead = head;
        notifyAll(this.listeners);
      }
    } catch {
      // The database may be down for a while: try again at the next tick.
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }
}

function toStoredEvent(row: Row): StoredEvent {
  const { metadata, unreadableMetadata } = readStoredMetadata(toText(row.metadata));
  return Object.freeze({
    sequenceNumber: toInt(row.sequence_number),
    aggregateId: toNullableText(row.aggregate_id),
    aggregateVersion: toNullableInt(row.aggregate_version),
    eventName: toText(row.event_name),
    context: toText(row.context),
    payload: toText(row.payload),
    metadata,
    createdAt: fromSqlDateTime(row.created_at),
    eventId: toText(row.event_id),
    ...(unreadableMetadata === undefined ? {} : { unreadableMetadata }),
  });
}

/** The sequence numbers a `commands` row lists (JSON text). */
function sequenceNumbersOf(value: unknown): number[] {
  const parsed: unknown = JSON.parse(toText(value));
  return Array.isArray(parsed) ? parsed.map((n) => toInt(n)) : [];
}
