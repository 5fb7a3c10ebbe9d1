// #region errors
/** A TodoList business rule said no. `rule` names the rule, for clients to match on. */
export abstract class TodoListRuleError extends Error {
  abstract readonly rule: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class TodoListNameBlankError extends TodoListRuleError {
  readonly rule = 'todo-list-name-not-blank';

  constructor() {
    super('A todo list needs a name that is not blank');
  }
}

export class TodoListFullError extends TodoListRuleError {
  readonly rule = 'todo-list-at-most-5-todos';

  constructor(
    readonly identifier: string,
    readonly max: number,
  ) {
    super(`Todo list ${identifier} already has ${max} todos, the most a list can hold`);
  }
}
// #endregion errors

export class TodoContentBlankError extends TodoListRuleError {
  readonly rule = 'todo-content-not-blank';

  constructor() {
    super('A todo needs content that is not blank');
  }
}

export class TodoAlreadyExistsError extends TodoListRuleError {
  readonly rule = 'todo-identifier-unique';

  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
  ) {
    super(`Todo list ${identifier} already has a todo ${todoIdentifier}`);
  }
}

export class TodoNotFoundError extends TodoListRuleError {
  readonly rule = 'todo-exists';

  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
  ) {
    super(`Todo list ${identifier} has no todo ${todoIdentifier}`);
  }
}

export class TodoAlreadyCheckedError extends TodoListRuleError {
  readonly rule = 'todo-not-checked';

  constructor(
    readonly identifier: string,
    readonly todoIdentifier: string,
  ) {
    super(`Todo ${todoIdentifier} of list ${identifier} is already checked`);
  }
}

export class TodoListHasCheckedTodosError extends TodoListRuleError {
  readonly rule = 'todo-list-without-checked-todos-on-delete';

  constructor(readonly identifier: string) {
    super(`Todo list ${identifier} has checked todos, so it cannot be deleted`);
  }
}

/** The read side knows no todo list with this identifier (never created, deleted, or not projected yet). */
export class TodoListNotFoundError extends Error {
  constructor(readonly identifier: string) {
    super(`No todo list ${identifier}`);
    this.name = 'TodoListNotFoundError';
  }
}
