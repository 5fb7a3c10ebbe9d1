import {
  EventHandler,
  ProjectorStatus,
  Projector,
  PublishedEvent,
  StoreTransaction,
  type Metadata,
} from 'evento-ts';
import { inject } from 'tsyringe';
import { userOf } from '../user';
import {
  TodoListCreatedEvent,
  TodoListDeletedEvent,
  TodoListTodoAddedEvent,
  TodoListTodoCheckedEvent,
  TodoListTodoRemovedEvent,
} from './api/events';
import { TodoListView, TodoView } from './api/views';
import { TodoListChangeNotifier, type TodoListChange } from './TodoListChangeNotifier';
import { TodoListReadModel } from './readmodel/TodoListReadModel';

// #region projector
/**
 * Materializes the TodoList events into the read model. Each handler runs inside the consumer
 * state store's transaction (`transaction`), committed with the projector's offset. The acting
 * user comes from the event's metadata, the times from the event message.
 */
// #region projector-head
@Projector()
export class TodoListProjector {
  constructor(
    @inject(TodoListReadModel) private readonly readModel: TodoListReadModel,
    private readonly notifier: TodoListChangeNotifier,
  ) {}
  // #endregion projector-head

  // #region on-created
  @EventHandler()
  async onCreated(
    event: TodoListCreatedEvent,
    message: PublishedEvent,
    status: ProjectorStatus,
    transaction: StoreTransaction,
  ): Promise<void> {
    const user = userOf(message.metadata);
    const view = new TodoListView(
      event.identifier,
      event.name,
      [],
      user,
      user,
      message.timestamp,
      message.timestamp,
    );
    await this.readModel.save(view, transaction);
    this.notify(status, { identifier: event.identifier, change: 'created' });
  }
  // #endregion on-created

  @EventHandler()
  async onDeleted(
    event: TodoListDeletedEvent,
    status: ProjectorStatus,
    transaction: StoreTransaction,
  ): Promise<void> {
    await this.readModel.delete(event.identifier, transaction);
    this.notify(status, { identifier: event.identifier, change: 'deleted' });
  }

  // #region on-todo-added
  @EventHandler()
  async onTodoAdded(
    event: TodoListTodoAddedEvent,
    message: PublishedEvent,
    status: ProjectorStatus,
    transaction: StoreTransaction,
  ): Promise<void> {
    const list = await this.load(event.identifier, transaction);
    const todo = new TodoView(
      event.todoIdentifier,
      event.content,
      false,
      userOf(message.metadata),
      null,
      message.timestamp,
      null,
    );
    const others = list.todos.filter((t) => t.identifier !== event.todoIdentifier);
    await this.readModel.save(updated(list, [...others, todo], message), transaction);
    this.notify(status, { identifier: event.identifier, change: 'updated' });
  }
  // #endregion on-todo-added

  @EventHandler()
  async onTodoRemoved(
    event: TodoListTodoRemovedEvent,
    message: PublishedEvent,
    status: ProjectorStatus,
    transaction: StoreTransaction,
  ): Promise<void> {
    const list = await this.load(event.identifier, transaction);
    const todos = list.todos.filter((t) => t.identifier !== event.todoIdentifier);
    await this.readModel.save(updated(list, todos, message), transaction);
    this.notify(status, { identifier: event.identifier, change: 'updated' });
  }

  @EventHandler()
  async onTodoChecked(
    event: TodoListTodoCheckedEvent,
    message: PublishedEvent,
    status: ProjectorStatus,
    transaction: StoreTransaction,
  ): Promise<void> {
    const list = await this.load(event.identifier, transaction);
    const todos = list.todos.map((t) =>
      t.identifier === event.todoIdentifier ? checked(t, message.metadata, message.timestamp) : t,
    );
    await this.readModel.save(updated(list, todos, message), transaction);
    this.notify(status, { identifier: event.identifier, change: 'updated' });
  }

  // #region notify
  /** Save-notify: tell the clients only at the head; during a replay nobody waits for old news. */
  private notify(status: ProjectorStatus, change: TodoListChange): void {
    if (status.isHeadReached()) this.notifier.publish(change);
  }
  // #endregion notify

  private async load(identifier: string, transaction: StoreTransaction): Promise<TodoListView> {
    const list = await this.readModel.find(identifier, transaction);
    if (list === undefined) throw new Error(`The read model has no todo list ${identifier} to update`);
    return list;
  }
}
// #endregion projector

/** `list` with new todos, last updated by the event's user at the event's time. */
function updated(list: TodoListView, todos: readonly TodoView[], message: PublishedEvent): TodoListView {
  return new TodoListView(
    list.identifier,
    list.name,
    todos,
    list.createdBy,
    userOf(message.metadata),
    list.createdAt,
    message.timestamp,
  );
}

function checked(todo: TodoView, metadata: Metadata, at: Date): TodoView {
  return new TodoView(
    todo.identifier,
    todo.content,
    true,
    todo.createdBy,
    userOf(metadata),
    todo.createdAt,
    at,
  );
}
