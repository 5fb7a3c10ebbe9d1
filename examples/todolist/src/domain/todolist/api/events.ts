import { DomainEvent } from 'evento-ts';

// #region created-event
/** A todo list was created. */
export class TodoListCreatedEvent extends DomainEvent {
  constructor(
    readonly identifier: string,
    readonly name: string,
  ) {
    super();
  }
}
// #endregion created-event

/** A todo list was deleted. */
export class TodoListDeletedEvent extends DomainEvent {
  constructor(readonly identifier: string) {
    super();
  }
}

/** A todo was added to a list. */
export class TodoListTodoAddedEvent extends DomainEvent {
  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
    readonly content: string,
  ) {
    super();
  }
}

/** A todo was removed from a list. */
export class TodoListTodoRemovedEvent extends DomainEvent {
  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
  ) {
    super();
  }
}

// #region checked-event
/** A todo was checked; `allChecked` tells whether every todo of the list is now checked. */
export class TodoListTodoCheckedEvent extends DomainEvent {
  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
    readonly allChecked: boolean,
  ) {
    super();
  }
}
// #endregion checked-event
