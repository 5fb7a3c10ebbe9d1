import { ConcurrencyError, ConsumerNotFoundError, InvalidArgumentError, LeaseLostError } from '../errors';
import { KeyedMutex } from '../internal/keyedMutex';
import type {
  ConsumerCommit,
  ConsumerErrorState,
  ConsumerState,
  ConsumerStateStore,
  DeadEvent,
  Lease,
  StoredSagaInstance,
  TransactionalWork,
} from './consumerStateStore';
import type { StoredEvent } from './eventStore';

/** Options of {@link InMemoryConsumerStateStore}. */
export interface InMemoryConsumerStateStoreOptions {
  /** The clock leases are measured with, in epoch milliseconds (default `Date.now`); tests move it. */
  readonly now?: () => number;
}

/** A lease as kept inside the store. */
interface HeldLease {
  readonly owner: string;
  /** Epoch milliseconds; the lease is expired once the clock reaches it. */
  readonly expiresAt: number;
}

/**
 * A consumer state store in process memory: for tests, examples and single-process apps that can
 * lose their state on exit.
 *
 * `commit`, `acquireLease` and `releaseLease` of one consumer run one at a time, as a database's
 * row lock makes them: a lease cannot change hands while a commit's `work` runs, and of two
 * concurrent commits the second sees the first's version. So `work` must not itself call those
 * methods for the same consumer: it would wait for its own commit forever.
 *
 * Everything handed in is copied and everything handed out is a frozen copy (dates included), so
 * callers can neither change the store's data nor be changed by it.
 */
export class InMemoryConsumerStateStore implements ConsumerStateStore {
  /** False: what a throwing `work` wrote in memory stays written, so consumers commit event by event. */
  readonly atomicWork = false;
  private readonly now: () => number;
  private readonly consumers = new Map<string, ConsumerState>();
  private readonly leases = new Map<string, HeldLease>();
  /** Saga name → saga id → instance. */
  private readonly sagas = new Map<string, Map<string, StoredSagaInstance>>();
  /** associationKey(saga name, property, value) → ids of the instances with that association. */
  private readonly sagaIndex = new Map<string, Set<string>>();
  /** Consumer id → sequence number → dead event. */
  private readonly deadEvents = new Map<string, Map<number, DeadEvent>>();
  private readonly locks = new KeyedMutex();

  constructor(options: InMemoryConsumerStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async ensureConsumer(consumerId: string, offset: number): Promise<ConsumerState> {
    requireOffset(offset, `ensureConsumer('${consumerId}')`);
    let state = this.consumers.get(consumerId);
    if (state === undefined) {
      state = Object.freeze({ consumerId, offset, version: 0, enabled: true, error: null });
      this.consumers.set(consumerId, state);
    }
    return copyState(state);
  }

  async getConsumer(consumerId: string): Promise<ConsumerState | undefined> {
    const state = this.consumers.get(consumerId);
    return state === undefined ? undefined : copyState(state);
  }

  async listConsumers(): Promise<ConsumerState[]> {
    return [...this.consumers.values()]
      .sort((a, b) => compareStrings(a.consumerId, b.consumerId))
      .map(copyState);
  }

  async acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new InvalidArgumentError(
        `acquireLease('${consumerId}') needs a ttlMs > 0 (got ${ttlMs}); pass how long the lease lasts unless renewed.`,
      );
    }
    return this.locks.run(consumerId, async () => {
      const now = this.now();
      const lease = this.leases.get(consumerId);
      if (lease !== undefined && lease.owner !== owner && lease.expiresAt > now) return false;
      this.leases.set(consumerId, { owner, expiresAt: now + ttlMs });
      return true;
    });
  }

  async releaseLease(consumerId: string, owner: string): Promise<void> {
    await this.locks.run(consumerId, async () => {
      if (this.leases.get(consumerId)?.owner === owner) this.leases.delete(consumerId);
    });
  }

  /** The recorded lease, expired or not: compare `expiresAt` with the clock to tell. */
  async getLease(consumerId: string): Promise<Lease | undefined> {
    const lease = this.leases.get(consumerId);
    if (lease === undefined) return undefined;
    return Object.freeze({ consumerId, owner: lease.owner, expiresAt: new Date(lease.expiresAt) });
  }

  /**
   * Checks the lease, the version and the offset, then runs `work` (with `undefined` as its
   * transaction), then writes the whole commit at once. A failed check or a throwing `work`
   * writes nothing; `work` is not run when a check fails.
   */
  async commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState> {
    const input = copyCommit(commit);
    return this.locks.run(input.consumerId, async () => {
      const current = this.checkCommit(input);
      await work?.(undefined);
      return this.apply(input, current);
    });
  }

  async findSagaInstance(
    sagaName: string,
    property: string,
    value: string,
  ): Promise<StoredSagaInstance | undefined> {
    const ids = this.sagaIndex.get(associationKey(sagaName, property, value));
    const first = ids?.values().next();
    if (first === undefined || first.done === true) return undefined;
    const instance = this.sagas.get(sagaName)?.get(first.value);
    return instance === undefined ? undefined : copySaga(instance);
  }

  async listSagaInstances(sagaName: string): Promise<StoredSagaInstance[]> {
    return [...(this.sagas.get(sagaName)?.values() ?? [])]
      .sort((a, b) => compareStrings(a.sagaId, b.sagaId))
      .map(copySaga);
  }

  /** The consumer's dead events, ordered by sequence number. */
  async listDeadEvents(consumerId: string): Promise<DeadEvent[]> {
    return [...(this.deadEvents.get(consumerId)?.values() ?? [])]
      .sort((a, b) => a.event.sequenceNumber - b.event.sequenceNumber)
      .map(copyDeadEvent);
  }

  async deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<boolean> {
    return this.deadEvents.get(consumerId)?.delete(sequenceNumber) ?? false;
  }

  async setEnabled(consumerId: string, enabled: boolean): Promise<void> {
    const state = this.requireConsumer(consumerId, 'setEnabled');
    this.consumers.set(consumerId, Object.freeze({ ...state, enabled }));
  }

  async setError(consumerId: string, error: ConsumerErrorState | null): Promise<void> {
    const state = this.requireConsumer(consumerId, 'setError');
    this.consumers.set(consumerId, Object.freeze({ ...state, error: copyError(error) }));
  }

  /** Nothing to release: the data stays readable. */
  async close(): Promise<void> {}

  /** Throws unless `commit` may be written now; returns the consumer's current state. */
  private checkCommit(commit: ConsumerCommit): ConsumerState {
    const { consumerId, owner, expectedVersion, offset } = commit;
    const lease = this.leases.get(consumerId);
    const now = this.now();
    if (lease === undefined || lease.owner !== owner || lease.expiresAt <= now) {
      const holder =
        lease === undefined
          ? 'nobody holds its lease'
          : lease.expiresAt <= now
            ? `the lease of ${lease.owner} expired at ${new Date(lease.expiresAt).toISOString()}`
            : `${lease.owner} holds its lease`;
      throw new LeaseLostError(
        `Consumer ${consumerId}: ${owner} cannot commit because ${holder}. Stop running the consumer ` +
          `in this instance; it resumes from its last committed offset once acquireLease() succeeds again ` +
          `(renew the lease more often than its ttl if this happens without a takeover).`,
        { context: { consumerId, owner, holder: lease?.owner } },
      );
    }
    const current = this.requireConsumer(consumerId, 'commit');
    if (current.version !== expectedVersion) {
      throw new ConcurrencyError(consumerId, expectedVersion, current.version, { context: { consumerId } });
    }
    if (offset < current.offset) {
      throw new InvalidArgumentError(
        `Consumer ${consumerId}: commit() would move the offset back from ${current.offset} to ${offset}; ` +
          `offsets only move forward (commit the offset of the last event handled).`,
        { context: { consumerId, offset, currentOffset: current.offset } },
      );
    }
    return current;
  }

  /** Writes a checked commit. Saga upserts go before saga deletes, dead events before removals. */
  private apply(commit: ConsumerCommit, current: ConsumerState): ConsumerState {
    for (const instance of commit.sagaUpserts ?? []) this.upsertSaga(instance);
    for (const { sagaName, sagaId } of commit.sagaDeletes ?? []) this.deleteSaga(sagaName, sagaId);
    if (commit.deadEvents !== undefined && commit.deadEvents.length > 0) {
      const dead = this.deadEvents.get(commit.consumerId) ?? new Map<number, DeadEvent>();
      for (const event of commit.deadEvents) dead.set(event.event.sequenceNumber, event);
      this.deadEvents.set(commit.consumerId, dead);
    }
    for (const sequenceNumber of commit.deadEventRemovals ?? []) {
      this.deadEvents.get(commit.consumerId)?.delete(sequenceNumber);
    }
    const next: ConsumerState = Object.freeze({
      ...current,
      offset: commit.offset,
      version: current.version + 1,
      error: commit.error === undefined ? current.error : commit.error,
    });
    this.consumers.set(commit.consumerId, next);
    return copyState(next);
  }

  private upsertSaga(instance: StoredSagaInstance): void {
    this.deleteSaga(instance.sagaName, instance.sagaId);
    const instances = this.sagas.get(instance.sagaName) ?? new Map<string, StoredSagaInstance>();
    instances.set(instance.sagaId, instance);
    this.sagas.set(instance.sagaName, instances);
    for (const [property, value] of Object.entries(instance.associations)) {
      const key = associationKey(instance.sagaName, property, value);
      const ids = this.sagaIndex.get(key) ?? new Set<string>();
      ids.add(instance.sagaId);
      this.sagaIndex.set(key, ids);
    }
  }

  private deleteSaga(sagaName: string, sagaId: string): void {
    const instances = this.sagas.get(sagaName);
    const instance = instances?.get(sagaId);
    if (instances === undefined || instance === undefined) return;
    instances.delete(sagaId);
    for (const [property, value] of Object.entries(instance.associations)) {
      const key = associationKey(sagaName, property, value);
      const ids = this.sagaIndex.get(key);
      ids?.delete(sagaId);
      if (ids?.size === 0) this.sagaIndex.delete(key);
    }
  }

  private requireConsumer(consumerId: string, operation: string): ConsumerState {
    const state = this.consumers.get(consumerId);
    if (state === undefined) {
      throw new ConsumerNotFoundError(
        `${operation}(): no consumer '${consumerId}' in the consumer state store; ensureConsumer() ` +
          `creates it (the bundle does when it starts the consumer). Check the consumer id.`,
        { context: { consumerId } },
      );
    }
    return state;
  }
}

/** The index key of one saga association; JSON keeps names containing separators apart. */
function associationKey(sagaName: string, property: string, value: string): string {
  return JSON.stringify([sagaName, property, value]);
}

/** Orders strings by code unit, whatever the locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function requireOffset(offset: number, where: string): void {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidArgumentError(
      `${where} needs a whole offset >= 0 (got ${offset}); pass the sequence number of the last event handled.`,
    );
  }
}

/** Validates `commit` and copies everything in it, so the caller's objects stay the caller's. */
function copyCommit(commit: ConsumerCommit): ConsumerCommit {
  requireOffset(commit.offset, `commit('${commit.consumerId}')`);
  for (const dead of commit.deadEvents ?? []) {
    if (dead.consumerId !== commit.consumerId) {
      throw new InvalidArgumentError(
        `commit('${commit.consumerId}') got a dead event of consumer '${dead.consumerId}'; ` +
          `a consumer can only send events to its own dead event queue.`,
      );
    }
  }
  return {
    consumerId: commit.consumerId,
    owner: commit.owner,
    expectedVersion: commit.expectedVersion,
    offset: commit.offset,
    sagaUpserts: (commit.sagaUpserts ?? []).map(copySaga),
    sagaDeletes: (commit.sagaDeletes ?? []).map(({ sagaName, sagaId }) => ({ sagaName, sagaId })),
    deadEvents: (commit.deadEvents ?? []).map(copyDeadEvent),
    deadEventRemovals: [...(commit.deadEventRemovals ?? [])],
    ...(commit.error === undefined ? {} : { error: copyError(commit.error) }),
  };
}

function copyState(state: ConsumerState): ConsumerState {
  return Object.freeze({ ...state, error: copyError(state.error) });
}

function copyError(error: ConsumerErrorState | null): ConsumerErrorState | null {
  if (error === null) return null;
  return Object.freeze({
    ...error,
    since: new Date(error.since.getTime()),
    lastErrorAt: new Date(error.lastErrorAt.getTime()),
  });
}

function copySaga(instance: StoredSagaInstance): StoredSagaInstance {
  return Object.freeze({ ...instance, associations: Object.freeze({ ...instance.associations }) });
}

function copyDeadEvent(dead: DeadEvent): DeadEvent {
  return Object.freeze({
    ...dead,
    event: copyEvent(dead.event),
    deadAt: new Date(dead.deadAt.getTime()),
  });
}

function copyEvent(event: StoredEvent): StoredEvent {
  return Object.freeze({
    ...event,
    metadata: Object.freeze({ ...event.metadata }),
    createdAt: new Date(event.createdAt.getTime()),
  });
}
