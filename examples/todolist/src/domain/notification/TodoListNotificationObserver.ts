import {
  CommandGateway,
  EventHandler,
  Observer,
  PublishedEvent,
  QueryGateway,
  TransientConsumerError,
} from 'evento-ts';
import { TodoListNotFoundError } from '../todolist/api/errors';
import { TodoListTodoCheckedEvent } from '../todolist/api/events';
import { TodoListViewFindByIdentifierQuery } from '../todolist/api/queries';
import type { TodoListView } from '../todolist/api/views';
import { userOf } from '../user';
import { NotificationSendCommand } from './api';

// #region observer
/** Tells the user who checked a todo that it is done: an observer adds behavior without touching the aggregate. */
@Observer()
export class TodoListNotificationObserver {
  @EventHandler()
  async onTodoChecked(
    event: TodoListTodoCheckedEvent,
    message: PublishedEvent,
    commandGateway: CommandGateway,
    queryGateway: QueryGateway,
  ): Promise<void> {
    const list = await findList(queryGateway, event.identifier);
    const todo = list?.todos.find((t) => t.identifier === event.todoIdentifier);
    if (list === undefined || todo === undefined) {
      // The projector runs on its own; retried until the read model has caught up with this event.
      throw new TransientConsumerError(`Todo list ${event.identifier} is not projected yet`);
    }
    const at = message.timestamp.toISOString();
    const body = `You checked "${todo.content}" in "${list.name}" at ${at}`;
    await commandGateway.send(new NotificationSendCommand(userOf(message.metadata), body));
  }
}
// #endregion observer

async function findList(queryGateway: QueryGateway, identifier: string): Promise<TodoListView | undefined> {
  try {
    const response = await queryGateway.query(new TodoListViewFindByIdentifierQuery(identifier));
    return response.data;
  } catch (error) {
    if (error instanceof TodoListNotFoundError) return undefined;
    throw error;
  }
}
