import { AggregateState } from 'evento-ts';

// #region state
/** What the aggregate remembers to decide: each todo's identifier, and whether it is checked. */
export class TodoListAggregateState extends AggregateState {
  readonly todos = new Map<string, boolean>();

  hasCheckedTodos(): boolean {
    return [...this.todos.values()].some((checked) => checked);
  }
}
// #endregion state
