import { View } from 'evento-ts';

// #region views
/** One todo of a list, as the read side shows it. */
export class TodoView extends View {
  constructor(
    readonly identifier: string,
    readonly content: string,
    readonly completed: boolean,
    readonly createdBy: string,
    readonly completedBy: string | null,
    readonly createdAt: Date,
    readonly completedAt: Date | null,
  ) {
    super();
  }
}

/** A todo list with its todos: what the detail page shows. */
export class TodoListView extends View {
  constructor(
    readonly identifier: string,
    readonly name: string,
    readonly todos: readonly TodoView[],
    readonly createdBy: string,
    readonly updatedBy: string,
    readonly createdAt: Date,
    readonly updatedAt: Date,
  ) {
    super();
  }
}

/** A todo list without its todos: one row of the search results. */
export class TodoListListItemView extends View {
  constructor(
    readonly identifier: string,
    readonly name: string,
    readonly createdBy: string,
    readonly updatedBy: string,
    readonly createdAt: Date,
    readonly updatedAt: Date,
  ) {
    super();
  }
}
// #endregion views
