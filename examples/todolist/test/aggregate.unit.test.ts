import { AggregateDeletedError } from 'evento-ts';
import { AggregateTestFixture } from 'evento-ts/testing';
import {
  TodoListAddTodoCommand,
  TodoListCheckTodoCommand,
  TodoListCreateCommand,
  TodoListDeleteCommand,
  TodoListRemoveTodoCommand,
} from '../src/domain/todolist/api/commands';
import {
  TodoAlreadyCheckedError,
  TodoAlreadyExistsError,
  TodoContentBlankError,
  TodoListFullError,
  TodoListHasCheckedTodosError,
  TodoListNameBlankError,
  TodoNotFoundError,
} from '../src/domain/todolist/api/errors';
import {
  TodoListCreatedEvent,
  TodoListDeletedEvent,
  TodoListTodoAddedEvent,
  TodoListTodoCheckedEvent,
  TodoListTodoRemovedEvent,
} from '../src/domain/todolist/api/events';
import { TodoListAggregate } from '../src/domain/todolist/TodoListAggregate';
import type { TodoListAggregateState } from '../src/domain/todolist/TodoListAggregateState';

const LIST = 'TDLS_1';

// #region create-tests
describe('TodoListAggregate', () => {
  const fixture = () => AggregateTestFixture.of(TodoListAggregate);

  it('creates a list with a trimmed name', async () => {
    await fixture()
      .givenNoPriorActivity()
      .when(new TodoListCreateCommand(LIST, '  Groceries '))
      .expectEvents(new TodoListCreatedEvent(LIST, 'Groceries'));
  });

  it('refuses a blank name', async () => {
    await fixture()
      .givenNoPriorActivity()
      .when(new TodoListCreateCommand(LIST, '   '))
      .expectException(TodoListNameBlankError);
  });
  // #endregion create-tests

  it('adds a todo', async () => {
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'))
      .when(new TodoListAddTodoCommand(LIST, 'TODO_1', 'Milk'))
      .expectEvents(new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'))
      .expectState((state: TodoListAggregateState) => state.todos.get('TODO_1') === false);
  });

  it('refuses blank content', async () => {
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'))
      .when(new TodoListAddTodoCommand(LIST, 'TODO_1', ' '))
      .expectException(TodoContentBlankError);
  });

  // #region full-test
  it('holds at most 5 todos', async () => {
    const added = [1, 2, 3, 4, 5].map((n) => new TodoListTodoAddedEvent(LIST, `TODO_${n}`, `todo ${n}`));
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'), ...added)
      .when(new TodoListAddTodoCommand(LIST, 'TODO_6', 'one too many'))
      .expectException(TodoListFullError, (error) => error.max === 5);
  });
  // #endregion full-test

  it('has room again once a todo is removed', async () => {
    const added = [1, 2, 3, 4, 5].map((n) => new TodoListTodoAddedEvent(LIST, `TODO_${n}`, `todo ${n}`));
    await fixture()
      .given(
        new TodoListCreatedEvent(LIST, 'Groceries'),
        ...added,
        new TodoListTodoRemovedEvent(LIST, 'TODO_2'),
      )
      .when(new TodoListAddTodoCommand(LIST, 'TODO_6', 'fits'))
      .expectEvents(new TodoListTodoAddedEvent(LIST, 'TODO_6', 'fits'));
  });

  it('refuses a todo identifier it already has', async () => {
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'), new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'))
      .when(new TodoListAddTodoCommand(LIST, 'TODO_1', 'Milk again'))
      .expectException(TodoAlreadyExistsError);
  });

  it('removes an unchecked todo', async () => {
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'), new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'))
      .when(new TodoListRemoveTodoCommand(LIST, 'TODO_1'))
      .expectEvents(new TodoListTodoRemovedEvent(LIST, 'TODO_1'))
      .expectState((state: TodoListAggregateState) => state.todos.size === 0);
  });

  it('removes and checks only todos it has', async () => {
    const given = fixture().given(new TodoListCreatedEvent(LIST, 'Groceries'));
    await given.when(new TodoListRemoveTodoCommand(LIST, 'TODO_9')).expectException(TodoNotFoundError);
    await given.when(new TodoListCheckTodoCommand(LIST, 'TODO_9')).expectException(TodoNotFoundError);
  });

  it('neither removes nor checks a checked todo', async () => {
    const given = fixture().given(
      new TodoListCreatedEvent(LIST, 'Groceries'),
      new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'),
      new TodoListTodoCheckedEvent(LIST, 'TODO_1', true),
    );
    await given.when(new TodoListRemoveTodoCommand(LIST, 'TODO_1')).expectException(TodoAlreadyCheckedError);
    await given.when(new TodoListCheckTodoCommand(LIST, 'TODO_1')).expectException(TodoAlreadyCheckedError);
  });

  // #region check-tests
  it('checks a todo; allChecked is false while another one is unchecked', async () => {
    await fixture()
      .given(
        new TodoListCreatedEvent(LIST, 'Groceries'),
        new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'),
        new TodoListTodoAddedEvent(LIST, 'TODO_2', 'Bread'),
      )
      .when(new TodoListCheckTodoCommand(LIST, 'TODO_1'))
      .expectEvents(new TodoListTodoCheckedEvent(LIST, 'TODO_1', false));
  });

  it('checks the last unchecked todo with allChecked true', async () => {
    await fixture()
      .given(
        new TodoListCreatedEvent(LIST, 'Groceries'),
        new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'),
        new TodoListTodoAddedEvent(LIST, 'TODO_2', 'Bread'),
        new TodoListTodoCheckedEvent(LIST, 'TODO_1', false),
      )
      .when(new TodoListCheckTodoCommand(LIST, 'TODO_2'))
      .expectEvents(new TodoListTodoCheckedEvent(LIST, 'TODO_2', true));
  });
  // #endregion check-tests

  it('deletes a list without checked todos', async () => {
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'), new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'))
      .when(new TodoListDeleteCommand(LIST))
      .expectEvents(new TodoListDeletedEvent(LIST))
      .expectDeleted();
  });

  it('keeps a list with a checked todo', async () => {
    await fixture()
      .given(
        new TodoListCreatedEvent(LIST, 'Groceries'),
        new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'),
        new TodoListTodoCheckedEvent(LIST, 'TODO_1', true),
      )
      .when(new TodoListDeleteCommand(LIST))
      .expectException(TodoListHasCheckedTodosError);
  });

  it('takes no command once deleted', async () => {
    await fixture()
      .given(new TodoListCreatedEvent(LIST, 'Groceries'), new TodoListDeletedEvent(LIST))
      .when(new TodoListAddTodoCommand(LIST, 'TODO_1', 'Milk'))
      .expectException(AggregateDeletedError);
  });
});
