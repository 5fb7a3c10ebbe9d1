import { DomainCommand } from 'evento-ts';

// #region create-command
/** Creates a todo list named `name`; `identifier` is the new list's id. */
export class TodoListCreateCommand extends DomainCommand {
  constructor(
    readonly identifier: string,
    readonly name: string,
  ) {
    super();
  }

  getAggregateId(): string {
    return this.identifier;
  }
}
// #endregion create-command

/** Deletes a todo list that has no checked todo. */
export class TodoListDeleteCommand extends DomainCommand {
  constructor(readonly identifier: string) {
    super();
  }

  getAggregateId(): string {
    return this.identifier;
  }
}

/** Adds a todo to a list. */
export class TodoListAddTodoCommand extends DomainCommand {
  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
    readonly content: string,
  ) {
    super();
  }

  getAggregateId(): string {
    return this.identifier;
  }
}

/** Removes an unchecked todo from a list. */
export class TodoListRemoveTodoCommand extends DomainCommand {
  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
  ) {
    super();
  }

  getAggregateId(): string {
    return this.identifier;
  }
}

/** Marks an unchecked todo of a list as done. */
export class TodoListCheckTodoCommand extends DomainCommand {
  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
  ) {
    super();
  }

  getAggregateId(): string {
    return this.identifier;
  }
}
