import { SagaTestFixture, published } from 'evento-ts/testing';
import { ErpUserActivityRegisterCommand, ErpUserActivityRegisteredEvent } from '../src/domain/erp/api';
import { ErpTodoListActivityRegistrationSaga } from '../src/domain/erp/ErpTodoListActivityRegistrationSaga';
import type { ErpTodoListActivityRegistrationSagaState } from '../src/domain/erp/ErpTodoListActivityRegistrationSagaState';
import {
  TodoListCreatedEvent,
  TodoListDeletedEvent,
  TodoListTodoAddedEvent,
  TodoListTodoCheckedEvent,
  TodoListTodoRemovedEvent,
} from '../src/domain/todolist/api/events';

const LIST = 'TDLS_1';

/** An event of list LIST, published on behalf of `user`. */
const by = (user: string, event: TodoListCreatedEvent | TodoListTodoAddedEvent | TodoListTodoCheckedEvent) =>
  published(event, { aggregateId: LIST, metadata: { user } });

// #region saga-tests
describe('ErpTodoListActivityRegistrationSaga', () => {
  const fixture = () => SagaTestFixture.of(ErpTodoListActivityRegistrationSaga);

  it('starts one instance per created list', async () => {
    await fixture()
      .givenNoPriorActivity()
      .whenPublished(by('alice', new TodoListCreatedEvent(LIST, 'Groceries')))
      .expectActiveSagas(1)
      .expectAssociationWith('identifier', LIST);
  });

  it('registers the contributions once every todo is checked', async () => {
    await fixture()
      .givenPublished(
        by('alice', new TodoListCreatedEvent(LIST, 'Groceries')),
        by('alice', new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk')),
        by('bob', new TodoListTodoAddedEvent(LIST, 'TODO_2', 'Bread')),
        by('bob', new TodoListTodoCheckedEvent(LIST, 'TODO_1', false)),
      )
      .whenPublished(by('bob', new TodoListTodoCheckedEvent(LIST, 'TODO_2', true)))
      .expectDispatchedCommands(new ErpUserActivityRegisterCommand('TodoList', LIST, { alice: 1, bob: 3 }))
      .expectAssociationWith('resourceIdentifier', LIST);
  });

  it('ends when the ERP has registered the activity', async () => {
    await fixture()
      .givenPublished(
        by('alice', new TodoListCreatedEvent(LIST, 'Groceries')),
        by('alice', new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk')),
        by('alice', new TodoListTodoCheckedEvent(LIST, 'TODO_1', true)),
      )
      .whenPublished(new ErpUserActivityRegisteredEvent('TodoList', LIST))
      .expectEnded();
  });
  // #endregion saga-tests

  it('only counts while some todo is unchecked', async () => {
    await fixture()
      .givenPublished(
        by('alice', new TodoListCreatedEvent(LIST, 'Groceries')),
        by('alice', new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk')),
        by('alice', new TodoListTodoAddedEvent(LIST, 'TODO_2', 'Bread')),
      )
      .whenPublished(by('carol', new TodoListTodoCheckedEvent(LIST, 'TODO_1', false)))
      .expectNoDispatchedCommands()
      .expectState(
        (state: ErpTodoListActivityRegistrationSagaState) =>
          state.contributions.alice === 2 && state.contributions.carol === 1,
      );
  });

  it('counts a removed todo as a contribution', async () => {
    await fixture()
      .givenPublished(
        by('alice', new TodoListCreatedEvent(LIST, 'Groceries')),
        by('alice', new TodoListTodoAddedEvent(LIST, 'TODO_1', 'Milk')),
      )
      .whenPublished(published(new TodoListTodoRemovedEvent(LIST, 'TODO_1'), { metadata: { user: 'dan' } }))
      .expectState((state: ErpTodoListActivityRegistrationSagaState) => state.contributions.dan === 1);
  });

  it('ends when the list is deleted', async () => {
    await fixture()
      .givenPublished(by('alice', new TodoListCreatedEvent(LIST, 'Groceries')))
      .whenPublished(new TodoListDeletedEvent(LIST))
      .expectEnded();
  });

  it('ignores the ERP confirmation of another resource', async () => {
    await fixture()
      .givenPublished(by('alice', new TodoListCreatedEvent(LIST, 'Groceries')))
      .whenPublished(new ErpUserActivityRegisteredEvent('TodoList', 'TDLS_other'))
      .expectActiveSagas(1);
  });
});
