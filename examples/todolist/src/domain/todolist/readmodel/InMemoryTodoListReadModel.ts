import { TodoListListItemView, type TodoListView } from '../api/views';
import type { TodoListReadModel } from './TodoListReadModel';

/** The read model in a Map: for tests and for `npm start` without a database. */
export class InMemoryTodoListReadModel implements TodoListReadModel {
  private readonly lists = new Map<string, TodoListView>();

  async find(identifier: string): Promise<TodoListView | undefined> {
    return this.lists.get(identifier);
  }

  async save(view: TodoListView): Promise<void> {
    this.lists.set(view.identifier, view);
  }

  async delete(identifier: string): Promise<void> {
    this.lists.delete(identifier);
  }

  async search(nameLike: string, page: number, size: number): Promise<TodoListListItemView[]> {
    const needle = nameLike.toLowerCase();
    return [...this.lists.values()]
      .filter((list) => list.name.toLowerCase().includes(needle))
      .sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.identifier.localeCompare(b.identifier),
      )
      .slice(page * size, (page + 1) * size)
      .map(
        (list) =>
          new TodoListListItemView(
            list.identifier,
            list.name,
            list.createdBy,
            list.updatedBy,
            list.createdAt,
            list.updatedAt,
          ),
      );
  }
}
