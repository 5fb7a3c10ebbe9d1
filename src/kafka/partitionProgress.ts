/**
 * Which messages of one partition are handled, so that the group's committed offset never passes
 * a message still being handled: messages of one partition may be handled out of order (different
 * lock ids run side by side), but the offset committed is the first one not handled yet.
 */
export class PartitionProgress {
  /** Offsets received and not yet committable, in order, with whether each is handled. */
  private readonly pending: { offset: bigint; done: boolean }[] = [];
  private last: bigint | undefined;
  private committable: bigint | undefined;
  private committed: bigint | undefined;
  private rejoining = false;

  /**
   * Records that the member joined its group again and kept this partition: its reading starts
   * over at the group's committed offset, so the next offset received is that offset.
   */
  rejoined(): void {
    this.rejoining = true;
  }

  /** Records a received offset; false when it was received before (a fetch repeated after a rejoin). */
  received(offset: string): boolean {
    const value = BigInt(offset);
    if (this.rejoining) {
      this.rejoining = false;
      this.restartAt(value);
    }
    if (this.last !== undefined && value <= this.last) return false;
    this.last = value;
    this.pending.push({ offset: value, done: false });
    return true;
  }

  /**
   * The group reads from `offset` on: what lies below is committed already. Usually by this
   * member, but a member that was dropped from the group (paused past its session timeout) and
   * joined again finds the offset another member moved on meanwhile; committing what it still
   * holds below it would move the group's offset back.
   */
  private restartAt(offset: bigint): void {
    while (this.pending[0] !== undefined && this.pending[0].offset < offset) this.pending.shift();
    if (this.committable === undefined || this.committable < offset) this.committable = offset;
    if (this.committed === undefined || this.committed < offset) this.committed = offset;
  }

  /** Marks a received offset handled. */
  done(offset: string): void {
    const value = BigInt(offset);
    const item = this.pending.find((p) => p.offset === value);
    if (item !== undefined) item.done = true;
    while (this.pending[0]?.done === true) {
      const first = this.pending.shift() as { offset: bigint };
      this.committable = first.offset + 1n;
    }
  }

  /** The offset to commit now, if it moved since the last `committedAt`. */
  toCommit(): string | undefined {
    if (this.committable === undefined || this.committable === this.committed) return undefined;
    return this.committable.toString();
  }

  /** Records that `offset` was committed. */
  committedAt(offset: string): void {
    const value = BigInt(offset);
    if (this.committed === undefined || value > this.committed) this.committed = value;
  }
}

/**
 * Runs tasks one after another per key, and tasks of different keys side by side: the commands of
 * one aggregate (one lock id) in the order they were received, the others at once.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string | null, task: () => Promise<void>): void {
    if (key === null) {
      void task();
      return;
    }
    const previous = this.tails.get(key);
    const next = previous === undefined ? task() : previous.then(task);
    this.tails.set(key, next);
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }
}
