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
 * The states of recently commanded aggregates, so the next command on one reads nothing from the
 * store before its append. Least recently used entries go first when it is full.
 *
 * A command takes its entry out ({@link take}) and puts the new state back only when it succeeded
 * ({@link put}): a failed command (a rule, a handler error, a version conflict, a store error) leaves
 * no entry, so the next command rebuilds the state from the store, and two commands never share a
 * state object. Entries may be stale (another process may have appended since): the runtime decides
 * on an entry without reading, and a command that fails on it (the append's version check, or a
 * rule the stale state breaks) is decided again at once on the state in the store.
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
