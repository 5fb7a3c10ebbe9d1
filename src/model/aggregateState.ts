/**
 * Base of an aggregate's state, rebuilt from its events. Mark it deleted (from an
 * `@EventSourcingHandler`) and every later command on the aggregate is rejected.
 */
export class AggregateState {
  deleted = false;

  isDeleted(): boolean {
    return this.deleted === true;
  }

  setDeleted(deleted: boolean): void {
    this.deleted = deleted;
  }
}
