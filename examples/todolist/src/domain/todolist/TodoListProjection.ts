import { Multiple, Projection, QueryHandler, Single } from 'evento-ts';
import { inject } from 'tsyringe';
import { TodoListNotFoundError } from './api/errors';
import { TodoListListItemViewSearchQuery, TodoListViewFindByIdentifierQuery } from './api/queries';
import type { TodoListListItemView, TodoListView } from './api/views';
import { TodoListReadModel } from './readmodel/TodoListReadModel';

// #region projection
/** Answers the TodoList queries from the read model the projector writes. */
@Projection()
export class TodoListProjection {
  constructor(@inject(TodoListReadModel) private readonly readModel: TodoListReadModel) {}

  @QueryHandler()
  async findByIdentifier(query: TodoListViewFindByIdentifierQuery): Promise<Single<TodoListView>> {
    const list = await this.readModel.find(query.identifier);
    if (list === undefined) throw new TodoListNotFoundError(query.identifier);
    return Single.of(list);
  }

  @QueryHandler()
  async search(query: TodoListListItemViewSearchQuery): Promise<Multiple<TodoListListItemView>> {
    return Multiple.of(await this.readModel.search(query.nameLike, query.page, query.size));
  }
}
// #endregion projection
