/**
 * Counts the commands decided again after a ConcurrencyError (another writer appended to the
 * aggregate first), per aggregate type: silent retries made visible. Counts only grow.
 */
export class ConflictRetryCounter {
  private readonly counts = new Map<string, number>();

  /** Records one retry of a command on an aggregate of type `aggregate`. */
  record(aggregate: string): void {
    this.counts.set(aggregate, (this.counts.get(aggregate) ?? 0) + 1);
  }

  /** The counts so far, by aggregate type (types with no retry are absent). */
  snapshot(): Readonly<Record<string, number>> {
    return Object.freeze(Object.fromEntries(this.counts));
  }
}
