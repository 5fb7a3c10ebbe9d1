import type { AggregateState } from '../model/aggregateState';

/** An aggregate's state as the last successful command left it. */
export interface CachedAggregate {
  readonly state: AggregateState | undefined;
  /** The version of the last event applied to `state`. */
  readonly version: number;
  /** The version of the newest snapshot known to be stored (0: none). */
  readonly snapshotVersion: number;
}

/**
 * The states of recently commanded aggregates, so the next command on one reads only the events
 * stored after it instead of the whole stream. Least recently used entries go first when it is full.
 *
 * A command takes its entry out ({@link take}) and puts the new state back only when it succeeded
 * ({@link put}): a failed command (a rule, a handler error, a version conflict, a store error) leaves
 * no entry, so the next command rebuilds the state from the store, and two commands never share a
 * state object. Entries are never trusted to be current: the runtime always reads the events after
 * the entry's version, so events appended by other processes are applied before deciding.
 */
export class AggregateCache {
  private readonly entries = new Map<string, CachedAggregate>();

  /** @param capacity entries kept; 0 keeps none. */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Removes and returns the entry of `aggregateId`. */
  take(aggregateId: string): CachedAggregate | undefined {
    const entry = this.entries.get(aggregateId);
    if (entry !== undefined) this.entries.delete(aggregateId);
    return entry;
  }

  /** Keeps `entry` as the newest use, unless an entry of a later version is already there. */
  put(aggregateId: string, entry: CachedAggregate): void {
    if (this.capacity === 0) return;
    const current = this.entries.get(aggregateId);
    if (current !== undefined) {
      if (current.version > entry.version) return;
      this.entries.delete(aggregateId);
    }
    this.entries.set(aggregateId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
