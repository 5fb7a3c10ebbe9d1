import type { StoredEvent } from './eventStore';

/** A consumer's recorded failure state; cleared when an event is handled successfully again. */
export interface ConsumerErrorState {
  /** When the current run of failures started. */
  readonly since: Date;
  readonly lastErrorAt: Date;
  /** Failures since `since`. */
  readonly count: number;
  readonly message: string;
}

/** What the store keeps for one consumer. */
export interface ConsumerState {
  readonly consumerId: string;
  /** Sequence number of the last event the consumer is done with (0: none). */
  readonly offset: number;
  /** Incremented by every commit; a commit names the version it read (optimistic locking). */
  readonly version: number;
  readonly enabled: boolean;
  readonly error: ConsumerErrorState | null;
}

/** A consumer's lease: who runs it, until when (unless renewed). */
export interface Lease {
  readonly consumerId: string;
  readonly owner: string;
  readonly expiresAt: Date;
}

/** A saga instance as stored. `associations` is indexed for lookup. */
export interface StoredSagaInstance {
  /** The saga component's name: instances are shared by its versions and contexts. */
  readonly sagaName: string;
  readonly sagaId: string;
  /** The state's registered class name and its JSON. */
  readonly stateName: string;
  readonly state: string;
  readonly associations: Readonly<Record<string, string>>;
}

/** An event a consumer could not handle, kept with the error. */
export interface DeadEvent {
  readonly consumerId: string;
  readonly event: StoredEvent;
  readonly errorName: string;
  readonly errorMessage: string;
  readonly errorStack: string | undefined;
  readonly deadAt: Date;
  /** How many times it was retried from the dead event queue. */
  readonly retries: number;
}

/**
 * Everything one consumer step changes, written atomically: the new offset, saga instances
 * written or deleted, events sent to the dead event queue, dead events removed, the error state.
 */
export interface ConsumerCommit {
  readonly consumerId: string;
  /** The lease holder; the commit fails with LeaseLostError if another instance holds the lease. */
  readonly owner: string;
  /** The version read; the commit fails with ConcurrencyError if the store has another. */
  readonly expectedVersion: number;
  readonly offset: number;
  readonly sagaUpserts?: readonly StoredSagaInstance[];
  readonly sagaDeletes?: readonly { sagaName: string; sagaId: string }[];
  readonly deadEvents?: readonly DeadEvent[];
  /** Dead events (by sequence number) handled successfully on retry, removed from the queue. */
  readonly deadEventRemovals?: readonly number[];
  /** The error state to set; null clears it; undefined leaves it as it is. */
  readonly error?: ConsumerErrorState | null;
}

/**
 * Work done inside the commit's transaction, before the offset is written. Its argument is the
 * store's transaction handle (a `pg` client, a `mysql2` connection; undefined in memory). If it
 * throws, nothing of the commit is written: that is how projections get exactly-once updates.
 */
export type TransactionalWork = (transaction: unknown) => Promise<void>;

/**
 * The consumer state store port: offsets, leases, saga instances, dead events and error state.
 * Implementations: `InMemoryConsumerStateStore`, and the PostgreSQL and MySQL stores.
 */
export interface ConsumerStateStore {
  /**
   * True when a `work` that throws leaves no trace of its own writes (database stores run it in
   * the commit's transaction). Consumers then handle a whole batch in one commit, and fall back
   * to one commit per event only when a handler fails. False or absent: one commit per event.
   */
  readonly atomicWork?: boolean;

  /**
   * Creates the consumer's state at `offset` if it has none (first start), and returns its state.
   * An existing consumer keeps its offset.
   */
  ensureConsumer(consumerId: string, offset: number): Promise<ConsumerState>;
  getConsumer(consumerId: string): Promise<ConsumerState | undefined>;
  listConsumers(): Promise<ConsumerState[]>;

  /**
   * Takes the consumer's lease for `owner` when it is free, expired or already `owner`'s, and
   * extends it by `ttlMs`. Resolves to whether `owner` now holds it.
   */
  acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, when `owner` holds it. */
  releaseLease(consumerId: string, owner: string): Promise<void>;
  getLease(consumerId: string): Promise<Lease | undefined>;

  /** Writes `commit` atomically, after running `work` in the same transaction. Resolves to the new state. */
  commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState>;

  /** The instance of `sagaName` associated with `value` under `property`, if any. */
  findSagaInstance(
    sagaName: string,
    property: string,
    value: string,
  ): Promise<StoredSagaInstance | undefined>;
  listSagaInstances(sagaName: string): Promise<StoredSagaInstance[]>;

  listDeadEvents(consumerId: string): Promise<DeadEvent[]>;
  /** Deletes a dead event for good (an operator's decision). */
  deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<boolean>;

  setEnabled(consumerId: string, enabled: boolean): Promise<void>;
  /** Records the error state outside a commit (a transient failure that does not move the offset). */
  setError(consumerId: string, error: ConsumerErrorState | null): Promise<void>;

  close(): Promise<void>;
}
