import type { StoreTransaction } from 'evento-ts';
import type { TodoListListItemView, TodoListView } from '../api/views';

// #region read-model
/**
 * Where the projector writes the todo lists and the projection reads them. Writes take the
 * projector's StoreTransaction: a database read model writes through its client, so the view
 * and the projector's offset commit together (exactly once).
 */
export interface TodoListReadModel {
  /** The list; pass the projector's transaction to read what the same transaction wrote. */
  find(identifier: string, transaction?: StoreTransaction): Promise<TodoListView | undefined>;
  save(view: TodoListView, transaction: StoreTransaction): Promise<void>;
  delete(identifier: string, transaction: StoreTransaction): Promise<void>;
  /** A page (from 0) of the lists whose name contains `nameLike`, any case, newest first. */
  search(nameLike: string, page: number, size: number): Promise<TodoListListItemView[]>;
}

/** The token the container knows the read model by (an interface has no runtime value). */
export const TodoListReadModel = Symbol('TodoListReadModel');
// #endregion read-model
