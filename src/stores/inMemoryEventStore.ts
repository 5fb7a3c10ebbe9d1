import { ConcurrencyError } from '../errors';
import { newEventId } from '../internal/eventId';
import { frozenRecord } from '../internal/frozen';
import {
  CommandIdentity,
  idempotencyRetention,
  requireSameCommand,
  type IdempotencyOptions,
} from './commandRecords';
import {
  allContexts,
  type AppendRequest,
  type CommandRecord,
  type EventStore,
  type RecordedCommand,
  type Snapshot,
  type StoredEvent,
  type StreamQuery,
} from './eventStore';
import { validateAppend } from './validateAppend';

/** Options of {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions extends IdempotencyOptions {
  /** The clock idempotency keys are timed by, in ms (default `Date.now`); tests move it. */
  readonly now?: () => number;
}

/**
 * A recorded command as the in-memory store keeps it: no copies of its events, only where they
 * are in the global stream.
 */
interface KeptCommand {
  /** The command as appended (a CommandIdentity hashes its fingerprint only if the key is reused). */
  readonly command: CommandRecord;
  /** The sequence number of its first event. */
  readonly first: number;
  /** How many events it appended. */
  readonly count: number;
  /** When its key was recorded, in ms by the store's clock. */
  readonly recordedAt: number;
}

/**
 * An event store in process memory: for tests, examples and single-process apps that can lose
 * their data on exit. Appends are synchronous inside, so sequence numbers are contiguous.
 * Idempotency keys expire after the retention; each append deletes the expired ones first
 * (they are kept in the order recorded, so that costs nothing when none has expired).
 */
export class InMemoryEventStore implements EventStore {
  private readonly events: StoredEvent[] = [];
  private readonly byAggregate = new Map<string, StoredEvent[]>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly listeners = new Set<() => void>();
  /** Recorded commands by key, oldest first (a Map keeps insertion order). */
  private readonly commands = new Map<string, KeptCommand>();
  /** When the oldest key kept was recorded (Infinity: none kept). */
  private oldestRecordedAt = Infinity;
  private readonly retentionMs: number;
  private readonly now: () => number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.retentionMs = idempotencyRetention(options);
    this.now = options.now ?? Date.now;
  }

  async append(request: AppendRequest): Promise<StoredEvent[]> {
    validateAppend(request);
    this.cleanUpIdempotencyKeys();
    const { aggregateId, expectedVersion, command } = request;
    const recorded = command === undefined ? undefined : this.commands.get(command.idempotencyKey);
    if (command !== undefined && recorded !== undefined) {
      requireSameCommand(recorded.command, command);
      return this.eventsOf(recorded);
    }
    const stream = aggregateId === null ? undefined : (this.byAggregate.get(aggregateId) ?? []);
    if (aggregateId !== null && stream !== undefined && stream.length !== expectedVersion) {
      throw new ConcurrencyError(aggregateId, expectedVersion, stream.length);
    }
    // Every field named (no spread): V8 then gives all stored events one compact shape, about
    // 300 bytes less per event than a spread copy (the store may hold millions).
    const stored = request.events.map((event, i): StoredEvent =>
      Object.freeze({
        sequenceNumber: this.events.length + i + 1,
        aggregateId,
        aggregateVersion: aggregateId === null ? null : expectedVersion + i + 1,
        eventName: event.eventName,
        context: event.context,
        payload: event.payload,
        // Frozen metadata (as the runtimes make it) is shared, not copied.
        metadata: frozenRecord(event.metadata),
        createdAt: new Date(event.createdAt.getTime()),
        eventId: event.eventId ?? newEventId(),
      }),
    );
    this.events.push(...stored);
    if (aggregateId !== null && stream !== undefined) {
      stream.push(...stored);
      this.byAggregate.set(aggregateId, stream);
    }
    if (command !== undefined) {
      const recordedAt = this.now();
      this.commands.set(command.idempotencyKey, {
        command: keptRecord(command),
        first: stored[0]?.sequenceNumber ?? 0,
        count: stored.length,
        recordedAt,
      });
      if (this.commands.size === 1) this.oldestRecordedAt = recordedAt;
    }
    notifyAll(this.listeners);
    return stored;
  }

  async findCommand(idempotencyKey: string): Promise<RecordedCommand | undefined> {
    const recorded = this.commands.get(idempotencyKey);
    if (recorded === undefined) return undefined;
    const { command } = recorded;
    return Object.freeze({
      idempotencyKey: command.idempotencyKey,
      commandName: command.commandName,
      fingerprint: command.fingerprint,
      resultIsArray: command.resultIsArray,
      events: Object.freeze(this.eventsOf(recorded)),
      recordedAt: new Date(recorded.recordedAt),
    });
  }

  /** The events a recorded command appended (contiguous: appends here are synchronous). */
  private eventsOf(recorded: KeptCommand): StoredEvent[] {
    return this.events.slice(recorded.first - 1, recorded.first - 1 + recorded.count);
  }

  /** Deletes the idempotency keys recorded longer ago than the retention; returns how many. */
  cleanUpIdempotencyKeys(): number {
    const before = this.now() - this.retentionMs;
    // The oldest key is not expired: nothing to look at (the common case, on every append).
    if (before <= this.oldestRecordedAt) return 0;
    let deleted = 0;
    this.oldestRecordedAt = Infinity;
    for (const [key, recorded] of this.commands) {
      if (recorded.recordedAt >= before) {
        this.oldestRecordedAt = recorded.recordedAt;
        break;
      }
      this.commands.delete(key);
      deleted++;
    }
    return deleted;
  }

  async readAggregate(aggregateId: string, afterVersion = 0): Promise<StoredEvent[]> {
    return (this.byAggregate.get(aggregateId) ?? []).slice(Math.max(0, afterVersion));
  }

  async readStream({ after, limit, contexts }: StreamQuery): Promise<StoredEvent[]> {
    const start = Math.max(0, after);
    if (allContexts(contexts)) return this.events.slice(start, start + limit);
    const wanted = new Set(contexts);
    const found: StoredEvent[] = [];
    for (let i = start; i < this.events.length && found.length < limit; i++) {
      const event = this.events[i] as StoredEvent;
      if (wanted.has(event.context)) found.push(event);
    }
    return found;
  }

  async headSequence(): Promise<number> {
    return this.events.length;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    const current = this.snapshots.get(snapshot.aggregateId);
    if (current === undefined || current.aggregateVersion < snapshot.aggregateVersion) {
      this.snapshots.set(snapshot.aggregateId, Object.freeze({ ...snapshot }));
    }
  }

  async loadSnapshot(aggregateId: string): Promise<Snapshot | undefined> {
    return this.snapshots.get(aggregateId);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Calls each listener; one that throws does not stop the others or fail the append. */
export function notifyAll(listeners: Iterable<() => void>): void {
  for (const listener of listeners) {
    try {
      listener();
    } catch {
      // A listener only schedules a wake-up; its failure must not fail the writer.
    }
  }
}

/** The record to keep: a CommandIdentity as it is (immutable), any other as a frozen copy. */
function keptRecord(command: CommandRecord): CommandRecord {
  if (command instanceof CommandIdentity) return command;
  const { idempotencyKey, commandName, fingerprint, resultIsArray } = command;
  return Object.freeze({ idempotencyKey, commandName, fingerprint, resultIsArray });
}
