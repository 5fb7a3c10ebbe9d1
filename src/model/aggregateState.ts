/**
 * Base of an aggregate's state, rebuilt from its events. Mark it deleted (from an
 * `@EventSourcingHandler`) and every later command on the aggregate is rejected.
 */
export class AggregateState {
  /** True once the aggregate was deleted; set it with `setDeleted`. */
  deleted = false;

  /** True once `setDeleted(true)` was called. */
  isDeleted(): boolean {
    return this.deleted === true;
  }

  /** Marks the aggregate deleted (true): every later command on it fails with AggregateDeletedError. Call it from an `@EventSourcingHandler`, so that a replay deletes it too. */
  setDeleted(deleted: boolean): void {
    this.deleted = deleted;
  }
}
