import type { PoolClient } from 'pg';
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
import { CONSUMER_STATE_COMPONENT, CONSUMER_STATE_MIGRATIONS } from './consumerStateSchema';
import { metadataJsonb, toNumber, toStoredEvent, type EventRow } from './rows';
import { PostgresStoreBase, type PostgresStoreOptions } from './storeBase';

/** Options of {@link PostgresConsumerStateStore}. */
export type PostgresConsumerStateStoreOptions = PostgresStoreOptions;

interface ConsumerRow {
  consumer_id: string;
  offset: string | number;
  version: number;
  enabled: boolean;
  error_since: Date | null;
  error_last_at: Date | null;
  error_count: number | null;
  error_message: string | null;
}

interface SagaRow {
  saga_name: string;
  saga_id: string;
  state_name: string;
  state: string;
  associations: Record<string, string> | null;
}

interface DeadEventRow extends EventRow {
  consumer_id: string;
  error_name: string;
  error_message: string;
  error_stack: string | null;
  dead_at: Date;
  retries: number;
}

const CONSUMER_COLUMNS =
  'consumer_id, "offset", version, enabled, error_since, error_last_at, error_count, error_message';
const SAGA_COLUMNS = 'saga_name, saga_id, state_name, state, associations';
const DEAD_EVENT_COLUMNS =
  'consumer_id, sequence_number, aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at, ' +
  'error_name, error_message, error_stack, dead_at, retries, event_id';

/**
 * The consumer state store on PostgreSQL. `commit` runs the caller's work and writes the commit in
 * one transaction on one connection; the work receives that connection (a `pg` PoolClient), which
 * is how projections written to the same database get exactly-once updates. Leases are rows timed
 * by the database clock, so no connection is pinned while a lease is held.
 */
export class PostgresConsumerStateStore extends PostgresStoreBase implements ConsumerStateStore {
  /** `work` runs in the commit's transaction: when it throws, its writes are rolled back too. */
  readonly atomicWork = true;

  constructor(options: PostgresConsumerStateStoreOptions) {
    super(options, CONSUMER_STATE_COMPONENT, CONSUMER_STATE_MIGRATIONS);
  }

  /** Creates the store and its tables (or checks them, with migrate: 'verify'). */
  static async create<T extends PostgresConsumerStateStore>(
    this: new (options: PostgresConsumerStateStoreOptions) => T,
    options: PostgresConsumerStateStoreOptions,
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

  async ensureConsumer(consumerId: string, offset: number): Promise<ConsumerState> {
    requireId('consumerId', consumerId);
    requireOffset(offset);
    await this.init();
    await this.connection.query(
      'ensureConsumer',
      `INSERT INTO ${this.t('consumers')} (consumer_id, "offset") VALUES ($1, $2) ON CONFLICT (consumer_id) DO NOTHING`,
      [consumerId, offset],
    );
    const state = await this.getConsumer(consumerId);
    if (state === undefined) throw notFound(consumerId);
    return state;
  }

  async getConsumer(consumerId: string): Promise<ConsumerState | undefined> {
    await this.init();
    const [row] = await this.connection.query<ConsumerRow>(
      'getConsumer',
      `SELECT ${CONSUMER_COLUMNS} FROM ${this.t('consumers')} WHERE consumer_id = $1`,
      [consumerId],
    );
    return row === undefined ? undefined : toConsumerState(row);
  }

  async listConsumers(): Promise<ConsumerState[]> {
    await this.init();
    const rows = await this.connection.query<ConsumerRow>(
      'listConsumers',
      `SELECT ${CONSUMER_COLUMNS} FROM ${this.t('consumers')} ORDER BY consumer_id`,
    );
    return rows.map(toConsumerState);
  }

  async acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean> {
    requireId('consumerId', consumerId);
    requireId('owner', owner);
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new InvalidArgumentError(`acquireLease() needs a ttlMs > 0 (got ${ttlMs}).`, {
        context: { consumerId, ttlMs },
      });
    }
    await this.init();
    const rows = await this.connection.query(
      'acquireLease',
      `INSERT INTO ${this.t('leases')} AS l (consumer_id, owner, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3::float8 * interval '1 millisecond')
       ON CONFLICT (consumer_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE l.owner = EXCLUDED.owner OR l.expires_at <= clock_timestamp()
       RETURNING owner`,
      [consumerId, owner, ttlMs],
    );
    return rows.length === 1;
  }

  async releaseLease(consumerId: string, owner: string): Promise<void> {
    await this.init();
    await this.connection.query(
      'releaseLease',
      `DELETE FROM ${this.t('leases')} WHERE consumer_id = $1 AND owner = $2`,
      [consumerId, owner],
    );
  }

  /** The consumer's lease as recorded (it may have expired: compare `expiresAt`), if any. */
  async getLease(consumerId: string): Promise<Lease | undefined> {
    await this.init();
    const [row] = await this.connection.query<{ consumer_id: string; owner: string; expires_at: Date }>(
      'getLease',
      `SELECT consumer_id, owner, expires_at FROM ${this.t('leases')} WHERE consumer_id = $1`,
      [consumerId],
    );
    return row === undefined
      ? undefined
      : Object.freeze({ consumerId: row.consumer_id, owner: row.owner, expiresAt: row.expires_at });
  }

  async commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState> {
    const { consumerId, owner, expectedVersion, offset } = commit;
    requireOffset(offset);
    await this.init();
    return this.connection.transaction('commit', async (client) => {
      const { rows } = await client.query<ConsumerRow>(
        `SELECT ${CONSUMER_COLUMNS} FROM ${this.t('consumers')} WHERE consumer_id = $1 FOR UPDATE`,
        [consumerId],
      );
      const current = rows[0];
      if (current === undefined) throw notFound(consumerId);
      // Locking the lease row too makes a takeover wait until this commit has finished.
      const lease = await client.query<{ owner: string; valid: boolean }>(
        `SELECT owner, expires_at > clock_timestamp() AS valid FROM ${this.t('leases')} WHERE consumer_id = $1 FOR UPDATE`,
        [consumerId],
      );
      const holder = lease.rows[0];
      if (holder === undefined || holder.owner !== owner || !holder.valid) {
        const who =
          holder === undefined
            ? 'nobody'
            : holder.valid
              ? holder.owner
              : `nobody (${holder.owner}'s expired)`;
        throw new LeaseLostError(
          `Consumer ${consumerId}: ${owner} no longer holds its lease (holder: ${who}); this instance must stop running it.`,
          { context: { consumerId, owner, holder: holder?.valid === true ? holder.owner : undefined } },
        );
      }
      if (current.version !== expectedVersion)
        throw new ConcurrencyError(consumerId, expectedVersion, current.version);
      const currentOffset = toNumber(current.offset);
      if (offset < currentOffset) {
        throw new InvalidArgumentError(
          `Consumer ${consumerId}: a commit cannot move the offset back from ${currentOffset} to ${offset}.`,
          { context: { consumerId, offset, currentOffset } },
        );
      }
      if (work !== undefined) await work(client);
      const state = await this.writeConsumer(client, commit);
      await this.writeSagas(client, commit);
      await this.writeDeadEvents(client, commit);
      return state;
    });
  }

  async findSagaInstance(
    sagaName: string,
    property: string,
    value: string,
  ): Promise<StoredSagaInstance | undefined> {
    await this.init();
    const [row] = await this.connection.query<SagaRow>(
      'findSagaInstance',
      `SELECT ${SAGA_COLUMNS} FROM ${this.t('saga_instances')}
       WHERE saga_name = $1 AND associations @> $2::jsonb ORDER BY saga_id LIMIT 1`,
      [sagaName, JSON.stringify({ [property]: value })],
    );
    return row === undefined ? undefined : toSaga(row);
  }

  async listSagaInstances(sagaName: string): Promise<StoredSagaInstance[]> {
    await this.init();
    const rows = await this.connection.query<SagaRow>(
      'listSagaInstances',
      `SELECT ${SAGA_COLUMNS} FROM ${this.t('saga_instances')} WHERE saga_name = $1 ORDER BY saga_id`,
      [sagaName],
    );
    return rows.map(toSaga);
  }

  async listDeadEvents(consumerId: string): Promise<DeadEvent[]> {
    await this.init();
    const rows = await this.connection.query<DeadEventRow>(
      'listDeadEvents',
      `SELECT ${DEAD_EVENT_COLUMNS} FROM ${this.t('dead_events')} WHERE consumer_id = $1 ORDER BY sequence_number`,
      [consumerId],
    );
    return rows.map(toDeadEvent);
  }

  async deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<boolean> {
    await this.init();
    const rows = await this.connection.query(
      'deleteDeadEvent',
      `DELETE FROM ${this.t('dead_events')} WHERE consumer_id = $1 AND sequence_number = $2 RETURNING 1`,
      [consumerId, sequenceNumber],
    );
    return rows.length > 0;
  }

  async setEnabled(consumerId: string, enabled: boolean): Promise<void> {
    await this.init();
    const rows = await this.connection.query(
      'setEnabled',
      `UPDATE ${this.t('consumers')} SET enabled = $2, updated_at = now() WHERE consumer_id = $1 RETURNING 1`,
      [consumerId, enabled],
    );
    if (rows.length === 0) throw notFound(consumerId);
  }

  async setError(consumerId: string, error: ConsumerErrorState | null): Promise<void> {
    await this.init();
    const rows = await this.connection.query(
      'setError',
      `UPDATE ${this.t('consumers')}
       SET error_since = $2, error_last_at = $3, error_count = $4, error_message = $5, updated_at = now()
       WHERE consumer_id = $1 RETURNING 1`,
      [consumerId, ...errorParams(error)],
    );
    if (rows.length === 0) throw notFound(consumerId);
  }

  private t(name: string): string {
    return this.names.table(name);
  }

  private async writeConsumer(client: PoolClient, commit: ConsumerCommit): Promise<ConsumerState> {
    const setError =
      commit.error === undefined
        ? ''
        : ', error_since = $3, error_last_at = $4, error_count = $5, error_message = $6';
    const params: unknown[] = [commit.consumerId, commit.offset];
    if (commit.error !== undefined) params.push(...errorParams(commit.error));
    const { rows } = await client.query<ConsumerRow>(
      `UPDATE ${this.t('consumers')} SET "offset" = $2, version = version + 1, updated_at = now()${setError}
       WHERE consumer_id = $1 RETURNING ${CONSUMER_COLUMNS}`,
      params,
    );
    const row = rows[0];
    if (row === undefined) throw notFound(commit.consumerId);
    return toConsumerState(row);
  }

  private async writeSagas(client: PoolClient, commit: ConsumerCommit): Promise<void> {
    // The last write of a saga in one commit wins (ON CONFLICT cannot touch a row twice).
    const upserts = [
      ...new Map((commit.sagaUpserts ?? []).map((s) => [`${s.sagaName}\u0000${s.sagaId}`, s])).values(),
    ];
    if (upserts.length > 0) {
      await client.query(
        `INSERT INTO ${this.t('saga_instances')} (${SAGA_COLUMNS})
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         ON CONFLICT (saga_name, saga_id) DO UPDATE SET state_name = EXCLUDED.state_name, state = EXCLUDED.state,
           associations = EXCLUDED.associations, updated_at = now()`,
        [
          upserts.map((s) => s.sagaName),
          upserts.map((s) => s.sagaId),
          upserts.map((s) => s.stateName),
          upserts.map((s) => s.state),
          upserts.map((s) => JSON.stringify(s.associations)),
        ],
      );
    }
    const deletes = commit.sagaDeletes ?? [];
    if (deletes.length > 0) {
      await client.query(
        `DELETE FROM ${this.t('saga_instances')}
         WHERE (saga_name, saga_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [deletes.map((d) => d.sagaName), deletes.map((d) => d.sagaId)],
      );
    }
  }

  private async writeDeadEvents(client: PoolClient, commit: ConsumerCommit): Promise<void> {
    const dead = [...new Map((commit.deadEvents ?? []).map((d) => [d.event.sequenceNumber, d])).values()];
    if (dead.length > 0) {
      await client.query(
        `INSERT INTO ${this.t('dead_events')} (${DEAD_EVENT_COLUMNS})
         SELECT $1::text, * FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::jsonb[],
           $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::int[], $15::text[])
         ON CONFLICT (consumer_id, sequence_number) DO UPDATE SET error_name = EXCLUDED.error_name,
           error_message = EXCLUDED.error_message, error_stack = EXCLUDED.error_stack,
           dead_at = EXCLUDED.dead_at, retries = EXCLUDED.retries`,
        [
          commit.consumerId,
          dead.map((d) => d.event.sequenceNumber),
          dead.map((d) => d.event.aggregateId),
          dead.map((d) => d.event.aggregateVersion),
          dead.map((d) => d.event.eventName),
          dead.map((d) => d.event.context),
          dead.map((d) => d.event.payload),
          dead.map((d) => metadataJsonb(d.event)),
          dead.map((d) => d.event.createdAt),
          dead.map((d) => d.errorName),
          dead.map((d) => d.errorMessage),
          dead.map((d) => d.errorStack ?? null),
          dead.map((d) => d.deadAt),
          dead.map((d) => d.retries),
          dead.map((d) => d.event.eventId || null),
        ],
      );
    }
    const removals = commit.deadEventRemovals ?? [];
    if (removals.length > 0) {
      await client.query(
        `DELETE FROM ${this.t('dead_events')} WHERE consumer_id = $1 AND sequence_number = ANY($2::bigint[])`,
        [commit.consumerId, removals],
      );
    }
  }
}

function toConsumerState(row: ConsumerRow): ConsumerState {
  const error: ConsumerErrorState | null =
    row.error_since === null
      ? null
      : Object.freeze({
          since: row.error_since,
          lastErrorAt: row.error_last_at ?? row.error_since,
          count: row.error_count ?? 0,
          message: row.error_message ?? '',
        });
  return Object.freeze({
    consumerId: row.consumer_id,
    offset: toNumber(row.offset),
    version: row.version,
    enabled: row.enabled,
    error,
  });
}

function toSaga(row: SagaRow): StoredSagaInstance {
  return Object.freeze({
    sagaName: row.saga_name,
    sagaId: row.saga_id,
    stateName: row.state_name,
    state: row.state,
    associations: Object.freeze({ ...(row.associations ?? {}) }),
  });
}

function toDeadEvent(row: DeadEventRow): DeadEvent {
  return Object.freeze({
    consumerId: row.consumer_id,
    event: toStoredEvent(row),
    errorName: row.error_name,
    errorMessage: row.error_message,
    errorStack: row.error_stack ?? undefined,
    deadAt: row.dead_at,
    retries: row.retries,
  });
}

function errorParams(error: ConsumerErrorState | null): unknown[] {
  return error === null
    ? [null, null, null, null]
    : [error.since, error.lastErrorAt, error.count, error.message];
}

function notFound(consumerId: string): ConsumerNotFoundError {
  return new ConsumerNotFoundError(
    `No consumer state for ${JSON.stringify(consumerId)}; call ensureConsumer() first.`,
    {
      context: { consumerId },
    },
  );
}

function requireId(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${name} must be a non-empty string (got ${JSON.stringify(value)}).`);
  }
}

function requireOffset(offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidArgumentError(`An offset must be a whole number >= 0 (got ${offset}).`, {
      context: { offset },
    });
  }
}
