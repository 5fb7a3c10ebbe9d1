import type { Consumer } from 'kafkajs';

/** How often handled offsets are committed, as evento-ts's request consumer does. */
const COMMIT_EVERY_MS = 100;

/**
 * Commits a consumer's handled offsets by hand, at most every 100 ms while batches finish, instead
 * of after each batch as kafkajs's automatic commit does: one offset commit serves the batches of
 * every partition handled meanwhile. What finished in the last 100 ms before a crash is read again.
 */
export class PeriodicCommit {
  /** `topic/partition` → the next offset to read there, handled but not committed yet. */
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly consumer: Consumer) {}

  /** Every message of `partition` up to `lastOffset` is handled. */
  handled(topic: string, partition: number, lastOffset: string): void {
    if (this.stopped) return; // read again by the partition's next owner
    const offset = (BigInt(lastOffset) + 1n).toString();
    this.pending.set(`${topic}/${partition}`, { topic, partition, offset });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.commit().catch(() => undefined); // a rebalance: the partition's next owner reads again
    }, COMMIT_EVERY_MS);
    this.timer.unref();
  }

  /** Commits what is handled so far, once any commit under way is done, and commits nothing after. */
  stop(): Promise<void> {
    const last = this.commit();
    this.stopped = true;
    return last;
  }

  /** Commits what is handled now, after any commit under way. */
  private commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.committing = this.committing
      .catch(() => undefined)
      .then(() => (offsets.length === 0 ? undefined : this.consumer.commitOffsets(offsets)));
    return this.committing;
  }
}
