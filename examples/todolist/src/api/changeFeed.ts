import type { TodoListChange, TodoListChangeNotifier } from '../domain/todolist/TodoListChangeNotifier';

// #region change-feed
/**
 * The projector's notifications, delivered once what they announce can be read. The projector
 * publishes from inside its transaction, before the commit: a client reading at once could see
 * the old list. So each notification waits for `committed()` (the bundle's `untilIdle()`: every
 * consumer here has committed every event appended so far) before it goes out.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(change: TodoListChange) => void>();
  private pending: TodoListChange[] = [];
  private delivering = false;

  constructor(
    notifier: TodoListChangeNotifier,
    private readonly committed: () => Promise<void>,
  ) {
    notifier.subscribe((change) => {
      this.pending.push(change);
      void this.deliver();
    });
  }

  /** Calls `listener` with each committed change; returns the unsubscribe function. */
  subscribe(listener: (change: TodoListChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        await this.committed();
        for (const change of batch) for (const listener of this.listeners) listener(change);
      }
    } catch {
      this.pending = []; // the bundle stopped: nobody is left to tell
    } finally {
      this.delivering = false;
    }
  }
}
// #endregion change-feed
