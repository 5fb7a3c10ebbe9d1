import { Single, TransientConsumerError } from 'evento-ts';
import { ProjectorTestFixture, published } from 'evento-ts/testing';
import { NotificationSendCommand } from '../src/domain/notification/api';
import { TodoListNotificationObserver } from '../src/domain/notification/TodoListNotificationObserver';
import { TodoListNotFoundError } from '../src/domain/todolist/api/errors';
import { TodoListTodoCheckedEvent } from '../src/domain/todolist/api/events';
import { TodoListViewFindByIdentifierQuery } from '../src/domain/todolist/api/queries';
import { TodoListView, TodoView } from '../src/domain/todolist/api/views';

const LIST = 'TDLS_1';
const checkedAt = new Date('2026-01-01T09:04:00Z');
const checked = published(new TodoListTodoCheckedEvent(LIST, 'TODO_1', true), {
  metadata: { user: 'carol' },
  timestamp: checkedAt,
});

// #region observer-tests
describe('TodoListNotificationObserver', () => {
  it('notifies the user who checked a todo', async () => {
    const milk = new TodoView('TODO_1', 'Milk', true, 'bob', 'carol', checkedAt, checkedAt);
    const list = new TodoListView(LIST, 'Groceries', [milk], 'alice', 'carol', checkedAt, checkedAt);
    await ProjectorTestFixture.of(TodoListNotificationObserver)
      .onQuery(TodoListViewFindByIdentifierQuery, Single.of(list))
      .whenPublished(checked)
      .expectDispatchedCommands(
        new NotificationSendCommand('carol', 'You checked "Milk" in "Groceries" at 2026-01-01T09:04:00.000Z'),
      );
  });

  it('retries until the projector has written the list', async () => {
    await ProjectorTestFixture.of(TodoListNotificationObserver)
      .onQuery(TodoListViewFindByIdentifierQuery, new TodoListNotFoundError(LIST))
      .whenPublished(checked)
      .expectException(TransientConsumerError)
      .expectNoDispatchedCommands();
  });
});
// #endregion observer-tests
