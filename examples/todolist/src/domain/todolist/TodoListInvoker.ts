import { CommandGateway, InvocationHandler, Invoker, QueryGateway, Track } from 'evento-ts';
import { USER_METADATA_KEY } from '../user';
import {
  TodoListAddTodoCommand,
  TodoListCheckTodoCommand,
  TodoListCreateCommand,
  TodoListDeleteCommand,
  TodoListRemoveTodoCommand,
} from './api/commands';
import { TodoListListItemViewSearchQuery, TodoListViewFindByIdentifierQuery } from './api/queries';
import type { TodoListListItemView, TodoListView } from './api/views';
import { newTodoIdentifier, newTodoListIdentifier } from './identifiers';

// #region invoker
/**
 * The entry point of the TodoList domain for the outside world (here, the HTTP routes): it makes
 * the identifiers, puts the acting user in the metadata, and sends commands and queries.
 */
@Invoker()
export class TodoListInvoker {
  constructor(
    private readonly commandGateway: CommandGateway,
    private readonly queryGateway: QueryGateway,
  ) {}

  // #region create
  /** Creates a list; resolves to its new identifier. */
  @Track()
  @InvocationHandler()
  async createTodoList(name: string, user: string): Promise<string> {
    const identifier = newTodoListIdentifier();
    await this.commandGateway.send(new TodoListCreateCommand(identifier, name), {
      [USER_METADATA_KEY]: user,
    });
    return identifier;
  }
  // #endregion create

  @Track()
  @InvocationHandler()
  async deleteTodoList(identifier: string, user: string): Promise<void> {
    await this.commandGateway.send(new TodoListDeleteCommand(identifier), { [USER_METADATA_KEY]: user });
  }

  /** Adds a todo; resolves to its new identifier. */
  @Track()
  @InvocationHandler()
  async addTodo(identifier: string, content: string, user: string): Promise<string> {
    const todoIdentifier = newTodoIdentifier();
    await this.commandGateway.send(new TodoListAddTodoCommand(identifier, todoIdentifier, content), {
      [USER_METADATA_KEY]: user,
    });
    return todoIdentifier;
  }

  @Track()
  @InvocationHandler()
  async removeTodo(identifier: string, todoIdentifier: string, user: string): Promise<void> {
    await this.commandGateway.send(new TodoListRemoveTodoCommand(identifier, todoIdentifier), {
      [USER_METADATA_KEY]: user,
    });
  }

  @Track()
  @InvocationHandler()
  async checkTodo(identifier: string, todoIdentifier: string, user: string): Promise<void> {
    await this.commandGateway.send(new TodoListCheckTodoCommand(identifier, todoIdentifier), {
      [USER_METADATA_KEY]: user,
    });
  }

  // #region queries
  @Track()
  @InvocationHandler()
  async findTodoList(identifier: string): Promise<TodoListView> {
    const response = await this.queryGateway.query(new TodoListViewFindByIdentifierQuery(identifier));
    return response.data;
  }

  @Track()
  @InvocationHandler()
  async searchTodoLists(nameLike: string, page: number, size: number): Promise<TodoListListItemView[]> {
    const response = await this.queryGateway.query(new TodoListListItemViewSearchQuery(nameLike, page, size));
    return response.data;
  }
  // #endregion queries
}
// #endregion invoker
