import type { StoredEvent } from './eventStore';

/** A consumer's recorded failure state; cleared when an event is handled successfully again. */
export interface ConsumerErrorState {
  /** When the current run of failures started. */
  readonly since: Date;
  /** When the latest failure happened. */
  readonly lastErrorAt: Date;
  /** Failures since `since`. */
  readonly count: number;
  /** The latest failure's message. */
  readonly message: string;
}

/** What the store keeps for one consumer. */
export interface ConsumerState {
  /** The consumer: `bundleId_componentName_version_context` (see `consumerId()`). */
  readonly consumerId: string;
  /** Sequence number of the last event the consumer is done with (0: none). */
  readonly offset: number;
  /** Incremented by every commit; a commit names the version it read (optimistic locking). */
  readonly version: number;
  /** False when an operator paused the consumer: it handles nothing until enabled again. */
  readonly enabled: boolean;
  /** The current run of failures, or null when the last event was handled. */
  readonly error: ConsumerErrorState | null;
}

/** A consumer's lease: who runs it, until when (unless renewed). */
export interface Lease {
  /** The consumer the lease is for. */
  readonly consumerId: string;
  /** The instance holding it (the bundle's instance id). */
  readonly owner: string;
  /** When another instance may take it, unless the owner renews it first. */
  readonly expiresAt: Date;
}

/** A saga instance as stored. `associations` is indexed for lookup. */
export interface StoredSagaInstance {
  /** The saga component's name: instances are shared by its versions and contexts. */
  readonly sagaName: string;
  /** The instance's id, unique within its saga. */
  readonly sagaId: string;
  /** The registered class name of the state. */
  readonly stateName: string;
  /** The state as JSON (see `PayloadRegistry.serialize`). */
  readonly state: string;
  /** Property name to value: how events find this instance (`SagaState.setAssociation`). */
  readonly associations: Readonly<Record<string, string>>;
}

/** An event a consumer could not handle, kept with the error. */
export interface DeadEvent {
  /** The consumer that failed to handle the event. */
  readonly consumerId: string;
  /** The event, as stored. */
  readonly event: StoredEvent;
  /** The handler error's class name. */
  readonly errorName: string;
  /** The handler error's message. */
  readonly errorMessage: string;
  /** The handler error's stack, when it had one. */
  readonly errorStack: string | undefined;
  /** When the event went to the dead event queue. */
  readonly deadAt: Date;
  /** How many times it was retried from the dead event queue. */
  readonly retries: number;
}

/**
 * Everything one consumer step changes, written atomically: the new offset, saga instances
 * written or deleted, events sent to the dead event queue, dead events removed, the error state.
 */
export interface ConsumerCommit {
  /** The consumer committing. */
  readonly consumerId: string;
  /** The lease holder; the commit fails with LeaseLostError if another instance holds the lease. */
  readonly owner: string;
  /** The version read; the commit fails with ConcurrencyError if the store has another. */
  readonly expectedVersion: number;
  /** The new offset: the sequence number of the last event done with. */
  readonly offset: number;
  /** Saga instances to write, replacing any stored one with the same saga name and id. */
  readonly sagaUpserts?: readonly StoredSagaInstance[];
  /** Saga instances to delete (ended sagas), by saga name and id. */
  readonly sagaDeletes?: readonly {
    /** The saga component's name. */
    sagaName: string;
    /** The ended instance's id. */
    sagaId: string;
  }[];
  /** Events to put in the dead event queue. */
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
  /** The consumer's state, or undefined when it never started. */
  getConsumer(consumerId: string): Promise<ConsumerState | undefined>;
  /** Every consumer the store knows. */
  listConsumers(): Promise<ConsumerState[]>;

  /**
   * Takes the consumer's lease for `owner` when it is free, expired or already `owner`'s, and
   * extends it by `ttlMs`. Resolves to whether `owner` now holds it.
   */
  acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, when `owner` holds it. */
  releaseLease(consumerId: string, owner: string): Promise<void>;
  /** The consumer's lease, or undefined when none was ever taken. */
  getLease(consumerId: string): Promise<Lease | undefined>;

  /** Writes `commit` atomically, after running `work` in the same transaction. Resolves to the new state. */
  commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState>;

  /** The instance of `sagaName` associated with `value` under `property`, if any. */
  findSagaInstance(
    sagaName: string,
    property: string,
    value: string,
  ): Promise<StoredSagaInstance | undefined>;
  /** Every stored instance of `sagaName`. */
  listSagaInstances(sagaName: string): Promise<StoredSagaInstance[]>;

  /** The consumer's dead events, oldest first. */
  listDeadEvents(consumerId: string): Promise<DeadEvent[]>;
  /** Deletes a dead event for good (an operator's decision). */
  deleteDeadEvent(consumerId: string, sequenceNumber: number): Promise<boolean>;

  /** Pauses (false) or resumes (true) the consumer; a running consumer sees it at its next step. */
  setEnabled(consumerId: string, enabled: boolean): Promise<void>;
  /** Records the error state outside a commit (a transient failure that does not move the offset). */
  setError(consumerId: string, error: ConsumerErrorState | null): Promise<void>;

  /** Releases what the store holds (pools it created); a pool given to it is left open. */
  close(): Promise<void>;
}
