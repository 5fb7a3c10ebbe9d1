/*
 * Gap safety: how readStream never skips an event.
 *
 * The problem: sequence numbers come from a sequence, which hands them out at INSERT time, not at
 * COMMIT time. Transaction A takes 41, B takes 42, B commits first: a reader that returned 42 and
 * moved its offset to 42 would never see 41 once A commits.
 *
 * The protocol (one transaction-level advisory lock K = (LOCK_CLASS.append, hash(schema, prefix))):
 *  - Every append transaction takes K in SHARED mode first, and only then draws sequence numbers.
 *    Shared holders do not block each other, so appends stay concurrent. The lock is released when
 *    the transaction ends (commit or rollback).
 *    An append is one round trip: a single autocommit statement calling the PL/pgSQL function
 *    `<prefix>append_events` (migration 2, eventStoreSchema.ts), whose implicit transaction does,
 *    in order: pg_advisory_xact_lock_shared(K); for an aggregate, max(aggregate_version) compared
 *    with the expected version (a mismatch returns the actual version, inserting nothing); nextval
 *    once per event (sorted ascending); the INSERT; pg_notify. (The function is VOLATILE, so under
 *    READ COMMITTED each of its statements sees what committed before it ran.) A concurrent
 *    writer of the same version that passes the check too is stopped by the unique
 *    (aggregate_id, aggregate_version) index (23505, mapped to ConcurrencyError).
 *  - To compute the "safe head", a reader runs a tiny transaction:
 *      SELECT pg_advisory_xact_lock(K);                 -- EXCLUSIVE
 *      SELECT max(sequence_number) FROM events;         -- a new snapshot, taken after the grant
 *    The exclusive lock is granted only when no append transaction holds K, i.e. every sequence
 *    number drawn so far belongs to a transaction that has already committed or rolled back
 *    (PostgreSQL makes a commit visible before it releases the transaction's locks). Appends that
 *    start later queue behind the exclusive request and then draw numbers greater than every
 *    number drawn before. So every event with sequence_number <= head that will ever exist is
 *    already committed and visible: nothing can appear below the head later.
 *  - readStream returns only events with sequence_number <= a safe head. A head, once computed,
 *    stays safe forever, so it is cached and only recomputed when a read would be cut short by it
 *    (the reader has caught up with it, or fewer than `limit` events lie below it); concurrent
 *    recomputations are coalesced (safeHead.ts). headSequence() recomputes it.
 * The price: a head computation waits for the append transactions in flight, and appends that
 * start meanwhile wait for it (a few milliseconds). It is a guarantee, not a delay-based guess.
 * Anything that inserts events by other means must call append_events or follow the same protocol.
 *
 * Notifications: append_events calls pg_notify('<prefix>events...', <store id>), which
 * PostgreSQL delivers only on commit; onAppend listeners hear it through one LISTEN connection
 * (listener.ts), and this store's own appends call them directly.
 */
import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../errors';
import { notifyAll } from '../stores/inMemoryEventStore';
import {
  allContexts,
  type AppendRequest,
  type EventStore,
  type RecordedCommand,
  type Snapshot,
  type StoredEvent,
  type StreamQuery,
} from '../stores/eventStore';
import { validateAppend } from '../stores/validateAppend';
import {
  idempotencyRetention,
  KeyCleanup,
  requireSameCommand,
  type IdempotencyOptions,
} from '../stores/commandRecords';
import { newEventId } from '../internal/eventId';
import { isUniqueViolation } from './errors';
import { EVENT_STORE_COMPONENT, EVENT_STORE_MIGRATIONS } from './eventStoreSchema';
import { LOCK_CLASS } from './identifiers';
import { NotificationListener } from './listener';
import { EVENT_COLUMNS, toNumber, toStoredEvent, type EventRow } from './rows';
import { SafeHead } from './safeHead';
import { PostgresStoreBase, type PostgresStoreOptions } from './storeBase';

/** Options of {@link PostgresEventStore}. */
export type PostgresEventStoreOptions = PostgresStoreOptions & IdempotencyOptions;

/** What `<prefix>append_events_v3` returns (bigints as strings). */
interface AppendRow {
  /** The aggregate's version the check found; null for aggregate-less appends. */
  actual_version: number | null;
  /** The events' sequence numbers, ascending; null when the version check failed. */
  sequence_numbers: string[] | null;
  /** Set when the key was already recorded: the recorded command's name and fingerprint. */
  recorded_command_name: string | null;
  recorded_fingerprint: string | null;
}

interface CommandRow {
  command_name: string;
  fingerprint: string;
  result_is_array: boolean;
  sequence_numbers: string[];
  recorded_at: Date;
}

/** Expired idempotency keys deleted per statement. */
const CLEANUP_BATCH = 1000;

interface SnapshotRow {
  aggregate_id: string;
  aggregate_version: number;
  state_name: string;
  state: string;
  created_at: Date;
}

/**
 * The event store on PostgreSQL (15+). Appends are concurrent; readers never skip an event that
 * commits late (see the comment at the top of this file).
 */
export class PostgresEventStore extends PostgresStoreBase implements EventStore {
  private readonly id = randomUUID();
  private readonly appendKey: number;
  private readonly head: SafeHead;
  private readonly listeners = new Set<() => void>();
  private notifications: NotificationListener | undefined;
  private closed = false;
  private readonly retentionMs: number;
  private readonly keyCleanup: KeyCleanup;

  constructor(options: PostgresEventStoreOptions) {
    super(options, EVENT_STORE_COMPONENT, EVENT_STORE_MIGRATIONS);
    this.appendKey = this.names.lockKey('append');
    this.head = new SafeHead(() => this.computeHead());
    this.retentionMs = idempotencyRetention(options);
    this.keyCleanup = new KeyCleanup(this.retentionMs, () => this.cleanUpIdempotencyKeys());
  }

  /** Creates the store and its tables (or checks them, with migrate: 'verify'). */
  static async create<T extends PostgresEventStore>(
    this: new (options: PostgresEventStoreOptions) => T,
    options: PostgresEventStoreOptions,
  ): Promise<T> {
    const store = new this(options);
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async append(request: AppendRequest): Promise<StoredEvent[]> {
    validateAppend(request);
    await this.init();
    const { aggregateId, expectedVersion, events, command } = request;
    const metadata = events.map((event) => Object.freeze({ ...event.metadata }));
    const eventIds = events.map((event) => event.eventId ?? newEventId());
    this.keyCleanup.poke();
    let row: AppendRow | undefined;
    try {
      // One statement in autocommit: its implicit transaction is atomic, and Connection.query
      // never sends a statement twice.
      [row] = await this.connection.queryPrepared<AppendRow>(
        'append',
        `SELECT actual_version, sequence_numbers, recorded_command_name, recorded_fingerprint
         FROM ${this.names.table('append_events_v3')}(
           $1::int, $2::int, $3::text, $4::int, $5::text[], $6::text[], $7::text[], $8::jsonb[],
           $9::timestamptz[], $10::uuid[], $11::text, $12::text, $13::text, $14::boolean, $15::text, $16::text)`,
        [
          LOCK_CLASS.append,
          this.appendKey,
          aggregateId,
          aggregateId === null ? null : expectedVersion,
          events.map((e) => e.eventName),
          events.map((e) => e.context),
          events.map((e) => e.payload),
          metadata.map((m) => JSON.stringify(m)),
          events.map((e) => e.createdAt),
          eventIds,
          command?.idempotencyKey ?? null,
          command?.commandName ?? null,
          command?.fingerprint ?? null,
          command?.resultIsArray ?? null,
          this.names.channel(),
          this.id,
        ],
      );
    } catch (error) {
      // A concurrent writer inserted the same version between the check and the insert.
      if (aggregateId !== null && isUniqueViolation(error)) {
        throw new ConcurrencyError(aggregateId, expectedVersion, undefined, { cause: error });
      }
      throw error;
    }
    if (command !== undefined && row?.recorded_fingerprint != null) {
      requireSameCommand(
        { fingerprint: row.recorded_fingerprint, commandName: row.recorded_command_name ?? '' },
        command,
      );
      return this.readNumbers(row.sequence_numbers ?? []);
    }
    const numbers = row?.sequence_numbers;
    if (numbers === null && aggregateId !== null) {
      throw new ConcurrencyError(aggregateId, expectedVersion, row?.actual_version ?? undefined);
    }
    if (numbers === undefined || numbers === null || numbers.length !== events.length) {
      throw new Error(
        `append_events returned ${numbers?.length ?? 'no'} sequence numbers for ${events.length} events.`,
      );
    }
    const stored = events.map((event, i) =>
      Object.freeze({
        ...event,
        metadata: metadata[i] as Readonly<Record<string, string>>,
        sequenceNumber: toNumber(numbers[i] as string),
        aggregateId,
        aggregateVersion: aggregateId === null ? null : expectedVersion + i + 1,
        eventId: eventIds[i] as string,
      }),
    );
    notifyAll(this.listeners);
    return stored;
  }

  async findCommand(idempotencyKey: string): Promise<RecordedCommand | undefined> {
    await this.init();
    const [row] = await this.connection.queryPrepared<CommandRow>(
      'findCommand',
      `SELECT command_name, fingerprint, result_is_array, sequence_numbers, recorded_at
       FROM ${this.names.table('commands')} WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    if (row === undefined) return undefined;
    return Object.freeze({
      idempotencyKey,
      commandName: row.command_name,
      fingerprint: row.fingerprint,
      resultIsArray: row.result_is_array,
      events: Object.freeze(await this.readNumbers(row.sequence_numbers)),
      recordedAt: row.recorded_at,
    });
  }

  /**
   * Deletes the idempotency keys recorded longer ago than the retention (on the database clock),
   * a thousand per statement; resolves to how many, once no expired key is left. Appends only
   * ever insert new keys, so they never wait for it. Appends
   * start it in the background about once per retention (at most every minute); call it yourself
   * from a scheduled job if you prefer.
   */
  async cleanUpIdempotencyKeys(): Promise<number> {
    await this.init();
    const table = this.names.table('commands');
    let total = 0;
    for (;;) {
      const rows = await this.connection.query<{ deleted: number }>(
        'deleting expired idempotency keys',
        `WITH expired AS (
           DELETE FROM ${table} WHERE idempotency_key IN (
             SELECT idempotency_key FROM ${table}
             WHERE recorded_at < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
             ORDER BY recorded_at LIMIT $2)
           RETURNING 1)
         SELECT count(*)::int AS deleted FROM expired`,
        [this.retentionMs, CLEANUP_BATCH],
      );
      const deleted = rows[0]?.deleted ?? 0;
      total += deleted;
      if (deleted < CLEANUP_BATCH || this.closed) return total;
    }
  }

  /** The events with these sequence numbers, in sequence order. */
  private async readNumbers(numbers: readonly string[]): Promise<StoredEvent[]> {
    const rows = await this.connection.queryPrepared<EventRow>(
      'readNumbers',
      `SELECT ${EVENT_COLUMNS} FROM ${this.names.table('events')}
       WHERE sequence_number = ANY($1::bigint[]) ORDER BY sequence_number`,
      [numbers],
    );
    return rows.map(toStoredEvent);
  }

  async readAggregate(aggregateId: string, afterVersion = 0): Promise<StoredEvent[]> {
    await this.init();
    const rows = await this.connection.queryPrepared<EventRow>(
      'readAggregate',
      `SELECT ${EVENT_COLUMNS} FROM ${this.names.table('events')}
       WHERE aggregate_id = $1 AND aggregate_version > $2 ORDER BY aggregate_version`,
      [aggregateId, afterVersion],
    );
    return rows.map(toStoredEvent);
  }

  async readStream({ after, limit, contexts }: StreamQuery): Promise<StoredEvent[]> {
    await this.init();
    const max = Math.floor(limit);
    if (!(max > 0)) return [];
    let from = Math.max(0, Math.floor(after));
    const found: StoredEvent[] = [];
    let head = this.head.cached;
    let fresh = false;
    for (;;) {
      if (head > from) {
        const batch = await this.readRange(from, head, max - found.length, contexts);
        found.push(...batch);
        if (found.length >= max) return found;
        from = head;
      }
      // The range below `head` is exhausted; a head computed after this call began may be higher.
      if (fresh) return found;
      const next = await this.head.refresh();
      fresh = true;
      if (next <= head) return found;
      head = next;
    }
  }

  /** The newest sequence number below which nothing can appear any more (0 when empty). */
  async headSequence(): Promise<number> {
    await this.init();
    return this.head.refresh();
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.init();
    await this.connection.queryPrepared(
      'saveSnapshot',
      `INSERT INTO ${this.names.table('snapshots')} AS s (aggregate_id, aggregate_version, state_name, state, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (aggregate_id) DO UPDATE
         SET aggregate_version = EXCLUDED.aggregate_version, state_name = EXCLUDED.state_name,
             state = EXCLUDED.state, created_at = EXCLUDED.created_at
         WHERE s.aggregate_version < EXCLUDED.aggregate_version`,
      [
        snapshot.aggregateId,
        snapshot.aggregateVersion,
        snapshot.stateName,
        snapshot.state,
        snapshot.createdAt,
      ],
    );
  }

  async loadSnapshot(aggregateId: string): Promise<Snapshot | undefined> {
    await this.init();
    const [row] = await this.connection.queryPrepared<SnapshotRow>(
      'loadSnapshot',
      `SELECT aggregate_id, aggregate_version, state_name, state, created_at
       FROM ${this.names.table('snapshots')} WHERE aggregate_id = $1`,
      [aggregateId],
    );
    if (row === undefined) return undefined;
    return Object.freeze({
      aggregateId: row.aggregate_id,
      aggregateVersion: row.aggregate_version,
      stateName: row.state_name,
      state: row.state,
      createdAt: row.created_at,
    });
  }

  /**
   * Subscribes to appends of this store and, through LISTEN/NOTIFY, of any other process using the
   * same tables. The LISTEN connection is opened on the first subscription.
   */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.closed) {
      this.notifications ??= new NotificationListener(this.connection.pool, this.names.channel(), {
        // This store's own appends already called the listeners.
        notified: (payload) => {
          if (payload !== this.id) notifyAll(this.listeners);
        },
        listening: () => notifyAll(this.listeners),
      });
      this.notifications.start();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.keyCleanup.stop();
    await this.notifications?.stop();
    await super.close();
  }

  private async readRange(
    after: number,
    head: number,
    limit: number,
    contexts: readonly string[] | undefined,
  ): Promise<StoredEvent[]> {
    const all = allContexts(contexts);
    const rows = await this.connection.queryPrepared<EventRow>(
      'readStream',
      `SELECT ${EVENT_COLUMNS} FROM ${this.names.table('events')}
       WHERE sequence_number > $1 AND sequence_number <= $2 ${all ? '' : 'AND context = ANY($4::text[])'}
       ORDER BY sequence_number LIMIT $3`,
      all ? [after, head, limit] : [after, head, limit, contexts],
    );
    return rows.map(toStoredEvent);
  }

  /** The safe head protocol's reader side (see the top of this file). */
  private async computeHead(): Promise<number> {
    return this.connection.transaction('computing the readable head', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS.append, this.appendKey]);
      const { rows } = await client.query<{ head: string }>(
        `SELECT coalesce(max(sequence_number), 0) AS head FROM ${this.names.table('events')}`,
      );
      return toNumber(rows[0]?.head ?? 0);
    });
  }
}
