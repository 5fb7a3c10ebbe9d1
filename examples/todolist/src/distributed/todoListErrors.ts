import {
  TodoAlreadyCheckedError,
  TodoAlreadyExistsError,
  TodoContentBlankError,
  TodoListFullError,
  TodoListHasCheckedTodosError,
  TodoListNameBlankError,
  TodoListNotFoundError,
  TodoNotFoundError,
} from '../domain/todolist/api/errors';

/**
 * The TodoList errors, registered on both bundles: one thrown by a handler in the domain process
 * reaches the caller as the same class (so the HTTP routes answer 404, 409 or 422 as in one process).
 */
export const todoListErrors = [
  TodoListNameBlankError,
  TodoListFullError,
  TodoContentBlankError,
  TodoAlreadyExistsError,
  TodoNotFoundError,
  TodoAlreadyCheckedError,
  TodoListHasCheckedTodosError,
  TodoListNotFoundError,
];
