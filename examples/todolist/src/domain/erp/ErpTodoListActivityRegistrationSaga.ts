import { CommandGateway, Metadata, Saga, SagaEventHandler } from 'evento-ts';
import {
  TodoListCreatedEvent,
  TodoListDeletedEvent,
  TodoListTodoAddedEvent,
  TodoListTodoCheckedEvent,
  TodoListTodoRemovedEvent,
} from '../todolist/api/events';
import { userOf } from '../user';
import { ErpUserActivityRegisterCommand, ErpUserActivityRegisteredEvent } from './api';
import { ErpTodoListActivityRegistrationSagaState as State } from './ErpTodoListActivityRegistrationSagaState';

// #region saga
/**
 * Counts each user's contributions to a todo list and, once every todo is checked, registers
 * them in the ERP. One instance per list, found by the list's `identifier`; it ends when the ERP
 * confirms (found by `resourceIdentifier`), or when the list is deleted.
 */
@Saga()
export class ErpTodoListActivityRegistrationSaga {
  @SagaEventHandler({ init: true, associationProperty: 'identifier' })
  onCreated(_event: TodoListCreatedEvent): State {
    return new State();
  }

  @SagaEventHandler({ associationProperty: 'identifier' })
  onTodoAdded(_event: TodoListTodoAddedEvent, state: State, metadata: Metadata): void {
    state.contribute(userOf(metadata));
  }

  @SagaEventHandler({ associationProperty: 'identifier' })
  onTodoRemoved(_event: TodoListTodoRemovedEvent, state: State, metadata: Metadata): void {
    state.contribute(userOf(metadata));
  }

  // #region on-checked
  @SagaEventHandler({ associationProperty: 'identifier' })
  async onTodoChecked(
    event: TodoListTodoCheckedEvent,
    state: State,
    metadata: Metadata,
    commandGateway: CommandGateway,
  ): Promise<void> {
    state.contribute(userOf(metadata));
    if (!event.allChecked) return;
    state.setAssociation('resourceIdentifier', event.identifier);
    await commandGateway.send(
      new ErpUserActivityRegisterCommand('TodoList', event.identifier, state.contributions),
    );
  }

  @SagaEventHandler({ associationProperty: 'resourceIdentifier' })
  onRegistered(_event: ErpUserActivityRegisteredEvent, state: State): void {
    state.setEnded(true);
  }
  // #endregion on-checked

  @SagaEventHandler({ associationProperty: 'identifier' })
  onDeleted(_event: TodoListDeletedEvent, state: State): void {
    state.setEnded(true);
  }
}
// #endregion saga
