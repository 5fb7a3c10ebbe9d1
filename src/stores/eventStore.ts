/** An event as handed to the store: already serialized, not yet numbered. */
export interface EventToAppend {
  /** The payload's registered name. */
  readonly eventName: string;
  /** The event's context (`Event.getContext()`), which consumers filter on. */
  readonly context: string;
  /** The payload as JSON. */
  readonly payload: string;
  /** The message metadata: ids of the flow and your own keys. */
  readonly metadata: Readonly<Record<string, string>>;
  /** When the event was decided. */
  readonly createdAt: Date;
  /**
   * The event's stable unique id, a time-ordered UUID (version 7, lowercase). The runtimes set
   * one (see `newEventId`); the store makes one when it is absent.
   */
  readonly eventId?: string;
}

/** An event as the store keeps it. */
export interface StoredEvent extends EventToAppend {
  /** The event's stable unique id (a UUID v7), the same wherever the event is read. */
  readonly eventId: string;
  /** Position in the global stream: increasing, unique, possibly with gaps (rolled back writes). */
  readonly sequenceNumber: number;
  /** The aggregate that produced it; null for a service event. */
  readonly aggregateId: string | null;
  /** Its version within the aggregate (1, 2, ...); null for a service event. */
  readonly aggregateVersion: number | null;
  /**
   * Set by a store when the row's metadata is not a JSON object of strings (damaged or written by
   * hand): the raw stored text, `metadata` being then empty. The stream still reads; reviving this
   * event fails with UnreadableEventError, so a consumer sends it to its dead events.
   */
  readonly unreadableMetadata?: string;
}

/** One atomic append. */
export interface AppendRequest {
  /** The aggregate, or null for service events (no version check). */
  readonly aggregateId: string | null;
  /** The aggregate's version the events were decided on; the append fails if the store has another. */
  readonly expectedVersion: number;
  /** The events, in order; at least one. */
  readonly events: readonly EventToAppend[];
  /**
   * The command these events are the outcome of, recorded in the same transaction as the events
   * under its idempotency key. When the key is already recorded, the store appends nothing: with
   * the same fingerprint it resolves to the events recorded under the key (the first execution's,
   * with their own sequence numbers and event ids, whatever `expectedVersion` says); with another
   * it rejects with IdempotencyKeyConflictError.
   */
  readonly command?: CommandRecord;
}

/** A command's idempotency record, as an append carries it. */
export interface CommandRecord {
  /** The command's idempotency key (its message id unless the sender chose one); at most 255 characters. */
  readonly idempotencyKey: string;
  /** The command's payload name, for messages. */
  readonly commandName: string;
  /** Tells two commands apart: a hash of the command's name and payload (see `commandFingerprint`). */
  readonly fingerprint: string;
  /** Whether the handler returned an array (else one event): how a repeated delivery's result is shaped. */
  readonly resultIsArray: boolean;
}

/** A command recorded under its idempotency key, with the events it appended. */
export interface RecordedCommand extends CommandRecord {
  /** The events the command appended, in order, as stored. */
  readonly events: readonly StoredEvent[];
  /** When the key was recorded (the store's clock). */
  readonly recordedAt: Date;
}

/** A read of the global stream. */
export interface StreamQuery {
  /** Return events with a sequence number greater than this (0: from the start). */
  readonly after: number;
  /** Return at most this many events. */
  readonly limit: number;
  /** Only events of these contexts; undefined or containing '*' means all. */
  readonly contexts?: readonly string[] | undefined;
}

/** An aggregate's state at a version, as JSON. */
export interface Snapshot {
  /** The aggregate. */
  readonly aggregateId: string;
  /** The version the state was taken at: later loads read only the events after it. */
  readonly aggregateVersion: number;
  /** The state's registered class name. */
  readonly stateName: string;
  /** The state as JSON (see `PayloadRegistry.serialize`). */
  readonly state: string;
  /** When the snapshot was taken. */
  readonly createdAt: Date;
}

/**
 * The event store port. Implementations: `InMemoryEventStore`, and the PostgreSQL and MySQL stores.
 *
 * Guarantees every implementation gives (the contract suite in test/ checks them):
 * 1. `append` is all or nothing, and rejects with `ConcurrencyError` when the aggregate's version
 *    is not `expectedVersion`.
 * 2. `readStream` returns events in sequence order and never returns an event while one with a
 *    smaller sequence number may still become visible, so a reader that moves its offset to the
 *    last event it saw never skips one.
 * 3. An append carrying a `command` records its idempotency key in the same transaction as its
 *    events; of concurrent appends with one key exactly one writes. Keys are kept at least the
 *    store's retention (default 24 h), then cleaned up without blocking appends.
 * 4. Every stored event has a unique `eventId` (a UUID v7), returned by every read.
 */
export interface EventStore {
  /** Appends the events atomically and resolves to them as stored (numbered); rejects with ConcurrencyError when the aggregate is no longer at `expectedVersion`. */
  append(request: AppendRequest): Promise<StoredEvent[]>;
  /** The command recorded under `idempotencyKey`, with the events it appended; undefined when none is (or no longer is). */
  findCommand(idempotencyKey: string): Promise<RecordedCommand | undefined>;
  /** An aggregate's events with a version greater than `afterVersion`, in version order. */
  readAggregate(aggregateId: string, afterVersion?: number): Promise<StoredEvent[]>;
  /** Events of the global stream after `query.after`, in sequence order, at most `query.limit`. Never skips past an event that may still become visible (see guarantee 2). */
  readStream(query: StreamQuery): Promise<StoredEvent[]>;
  /** The sequence number of the newest event a reader can see (0 when empty). */
  headSequence(): Promise<number>;
  /** Stores the snapshot, replacing the aggregate's previous one. */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** The aggregate's latest snapshot, or undefined. */
  loadSnapshot(aggregateId: string): Promise<Snapshot | undefined>;
  /**
   * Calls `listener` after events become readable (in this process, or in others where the store
   * can tell). Returns the function that unsubscribes. Consumers use it instead of busy polling.
   */
  onAppend(listener: () => void): () => void;
  /** Releases the store's connections and timers. */
  close(): Promise<void>;
}

/** How long the stores keep an idempotency key unless told otherwise: 24 hours. */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** True when `contexts` selects every context. */
export function allContexts(contexts: readonly string[] | undefined): boolean {
  return contexts === undefined || contexts.length === 0 || contexts.includes('*');
}
