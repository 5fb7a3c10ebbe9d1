// #region imports
import { Aggregate, AggregateCommandHandler, EventSourcingHandler } from 'evento-ts';
import {
  TodoListAddTodoCommand,
  TodoListCheckTodoCommand,
  TodoListCreateCommand,
  TodoListDeleteCommand,
  TodoListRemoveTodoCommand,
} from './api/commands';
import {
  TodoAlreadyCheckedError,
  TodoAlreadyExistsError,
  TodoContentBlankError,
  TodoListFullError,
  TodoListHasCheckedTodosError,
  TodoListNameBlankError,
  TodoNotFoundError,
} from './api/errors';
import {
  TodoListCreatedEvent,
  TodoListDeletedEvent,
  TodoListTodoAddedEvent,
  TodoListTodoCheckedEvent,
  TodoListTodoRemovedEvent,
} from './api/events';
import { TodoListAggregateState } from './TodoListAggregateState';
// #endregion imports

/** The most todos a list holds. */
export const MAX_TODOS = 5;

// #region aggregate
/**
 * The consistency boundary of a todo list: command handlers check the rules against the state
 * and return the event to append; event sourcing handlers rebuild the state from those events.
 */
@Aggregate()
export class TodoListAggregate {
  // #region create
  @AggregateCommandHandler({ init: true })
  create(command: TodoListCreateCommand): TodoListCreatedEvent {
    if (command.name.trim() === '') throw new TodoListNameBlankError();
    return new TodoListCreatedEvent(command.identifier, command.name.trim());
  }

  @EventSourcingHandler()
  onCreated(_event: TodoListCreatedEvent): TodoListAggregateState {
    return new TodoListAggregateState();
  }
  // #endregion create

  // #region delete
  @AggregateCommandHandler()
  delete(command: TodoListDeleteCommand, state: TodoListAggregateState): TodoListDeletedEvent {
    if (state.hasCheckedTodos()) throw new TodoListHasCheckedTodosError(command.identifier);
    return new TodoListDeletedEvent(command.identifier);
  }

  @EventSourcingHandler()
  onDeleted(_event: TodoListDeletedEvent, state: TodoListAggregateState): void {
    state.setDeleted(true);
  }
  // #endregion delete

  // #region add-todo
  @AggregateCommandHandler()
  addTodo(command: TodoListAddTodoCommand, state: TodoListAggregateState): TodoListTodoAddedEvent {
    if (command.content.trim() === '') throw new TodoContentBlankError();
    if (state.todos.has(command.todoIdentifier))
      throw new TodoAlreadyExistsError(command.identifier, command.todoIdentifier);
    if (state.todos.size >= MAX_TODOS) throw new TodoListFullError(command.identifier, MAX_TODOS);
    return new TodoListTodoAddedEvent(command.identifier, command.todoIdentifier, command.content.trim());
  }

  @EventSourcingHandler()
  onTodoAdded(event: TodoListTodoAddedEvent, state: TodoListAggregateState): void {
    state.todos.set(event.todoIdentifier, false);
  }
  // #endregion add-todo

  @AggregateCommandHandler()
  removeTodo(command: TodoListRemoveTodoCommand, state: TodoListAggregateState): TodoListTodoRemovedEvent {
    requireUncheckedTodo(state, command.identifier, command.todoIdentifier);
    return new TodoListTodoRemovedEvent(command.identifier, command.todoIdentifier);
  }

  @EventSourcingHandler()
  onTodoRemoved(event: TodoListTodoRemovedEvent, state: TodoListAggregateState): void {
    state.todos.delete(event.todoIdentifier);
  }

  // #region check-todo
  @AggregateCommandHandler()
  checkTodo(command: TodoListCheckTodoCommand, state: TodoListAggregateState): TodoListTodoCheckedEvent {
    requireUncheckedTodo(state, command.identifier, command.todoIdentifier);
    const allChecked = [...state.todos].every(
      ([todoIdentifier, checked]) => checked || todoIdentifier === command.todoIdentifier,
    );
    return new TodoListTodoCheckedEvent(command.identifier, command.todoIdentifier, allChecked);
  }

  @EventSourcingHandler()
  onTodoChecked(event: TodoListTodoCheckedEvent, state: TodoListAggregateState): void {
    state.todos.set(event.todoIdentifier, true);
  }
  // #endregion check-todo
}
// #endregion aggregate

/** Removing or checking a todo needs one that exists and is not checked yet. */
function requireUncheckedTodo(
  state: TodoListAggregateState,
  identifier: string,
  todoIdentifier: string,
): void {
  const checked = state.todos.get(todoIdentifier);
  if (checked === undefined) throw new TodoNotFoundError(identifier, todoIdentifier);
  if (checked) throw new TodoAlreadyCheckedError(identifier, todoIdentifier);
}
