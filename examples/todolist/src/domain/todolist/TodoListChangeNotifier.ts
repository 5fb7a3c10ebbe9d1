// #region notifier
/** What the projector tells about a list it has just saved: clients read the list again. */
export interface TodoListChange {
  readonly identifier: string;
  readonly change: 'created' | 'updated' | 'deleted';
}

/** The "notify" half of save-notify: the projector publishes here after saving, at the head only. */
export class TodoListChangeNotifier {
  private readonly listeners = new Set<(change: TodoListChange) => void>();

  /** Calls `listener` with every change published from now on; returns the unsubscribe function. */
  subscribe(listener: (change: TodoListChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(change: TodoListChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
// #endregion notifier
