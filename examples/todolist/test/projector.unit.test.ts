import { StoreTransaction } from 'evento-ts';
import { ProjectorTestFixture, published } from 'evento-ts/testing';
import {
  TodoListCreatedEvent,
  TodoListDeletedEvent,
  TodoListTodoAddedEvent,
  TodoListTodoCheckedEvent,
  TodoListTodoRemovedEvent,
} from '../src/domain/todolist/api/events';
import { TodoListView, TodoView } from '../src/domain/todolist/api/views';
import { InMemoryTodoListReadModel } from '../src/domain/todolist/readmodel/InMemoryTodoListReadModel';
import { TodoListReadModel } from '../src/domain/todolist/readmodel/TodoListReadModel';
import { TodoListChangeNotifier, type TodoListChange } from '../src/domain/todolist/TodoListChangeNotifier';
import { TodoListProjector } from '../src/domain/todolist/TodoListProjector';

const LIST = 'TDLS_1';
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 9, minute));

// #region projector-setup
/** A fixture for the projector over a fresh in-memory read model, recording the notifications. */
function projector() {
  const readModel = new InMemoryTodoListReadModel();
  const notifier = new TodoListChangeNotifier();
  const notified: TodoListChange[] = [];
  notifier.subscribe((change) => notified.push(change));
  const fixture = ProjectorTestFixture.of(TodoListProjector, {
    resources: [notifier],
  }).registerInjectableResource(TodoListReadModel, readModel);
  return { fixture, readModel, notified };
}

const created = published(new TodoListCreatedEvent(LIST, 'Groceries'), {
  metadata: { user: 'alice' },
  timestamp: at(0),
});
// #endregion projector-setup

describe('TodoListProjector', () => {
  // #region projector-test
  it('writes a new list with the user from the metadata and the time of the event', async () => {
    const { fixture, readModel, notified } = projector();
    await fixture.whenPublished(created);
    expect(await readModel.find(LIST)).toEqual(
      new TodoListView(LIST, 'Groceries', [], 'alice', 'alice', at(0), at(0)),
    );
    expect(notified).toEqual([{ identifier: LIST, change: 'created' }]);
  });
  // #endregion projector-test

  it('adds, checks and removes todos, recording who did it and when', async () => {
    const { fixture, readModel } = projector();
    await fixture
      .given(
        created,
        published(new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'), {
          metadata: { user: 'bob' },
          timestamp: at(1),
        }),
        published(new TodoListTodoAddedEvent(LIST, 'TODO_2', 'Bread'), {
          metadata: { user: 'bob' },
          timestamp: at(2),
        }),
        published(new TodoListTodoRemovedEvent(LIST, 'TODO_2'), {
          metadata: { user: 'alice' },
          timestamp: at(3),
        }),
      )
      .whenPublished(
        published(new TodoListTodoCheckedEvent(LIST, 'TODO_1', true), {
          metadata: { user: 'carol' },
          timestamp: at(4),
        }),
      );
    expect(await readModel.find(LIST)).toEqual(
      new TodoListView(
        LIST,
        'Groceries',
        [new TodoView('TODO_1', 'Milk', true, 'bob', 'carol', at(1), at(4))],
        'alice',
        'carol',
        at(0),
        at(4),
      ),
    );
  });

  it('removes a deleted list from the read model', async () => {
    const { fixture, readModel, notified } = projector();
    await fixture.given(created).whenPublished(new TodoListDeletedEvent(LIST));
    expect(await readModel.find(LIST)).toBeUndefined();
    expect(notified.map((n) => n.change)).toEqual(['created', 'deleted']);
  });

  // #region replay-test
  it('notifies nobody while replaying', async () => {
    const { fixture, readModel, notified } = projector();
    await fixture
      .givenHeadReached(false)
      .given(created)
      .whenPublished(new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'));
    expect((await readModel.find(LIST))?.todos).toHaveLength(1);
    expect(notified).toEqual([]);
  });

  it('is idempotent: an event handled twice changes the read model once', async () => {
    const { fixture, readModel } = projector();
    await fixture
      .given(
        created,
        new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk'),
        new TodoListTodoCheckedEvent(LIST, 'TODO_1', true),
      )
      .whenReplayedTwice(() => readModel.find(LIST));
    expect((await readModel.find(LIST))?.todos).toHaveLength(1);
  });
  // #endregion replay-test

  it('searches by name, any case, newest first, a page at a time', async () => {
    const readModel: TodoListReadModel = new InMemoryTodoListReadModel();
    const transaction = new StoreTransaction(undefined);
    for (const [n, name] of ['Groceries', 'Garden', 'groceries for Sunday'].entries())
      await readModel.save(new TodoListView(`TDLS_${n}`, name, [], 'a', 'a', at(n), at(n)), transaction);
    const names = async (nameLike: string, page: number, size: number) =>
      (await readModel.search(nameLike, page, size)).map((l) => l.name);
    expect(await names('GROC', 0, 10)).toEqual(['groceries for Sunday', 'Groceries']);
    expect(await names('', 0, 2)).toEqual(['groceries for Sunday', 'Garden']);
    expect(await names('', 1, 2)).toEqual(['Groceries']);
  });
});
