import { Multiple, Query, Single } from 'evento-ts';
import type { TodoListListItemView, TodoListView } from './views';

// #region queries
/** One todo list, with its todos. */
export class TodoListViewFindByIdentifierQuery extends Query<Single<TodoListView>> {
  constructor(readonly identifier: string) {
    super();
  }
}

/** A page of todo lists whose name contains `nameLike` (any case), newest first. */
export class TodoListListItemViewSearchQuery extends Query<Multiple<TodoListListItemView>> {
  constructor(
    readonly nameLike: string,
    readonly page: number,
    readonly size: number,
  ) {
    super();
  }
}
// #endregion queries
