import { randomUUID } from 'node:crypto';

// #region identifiers
/** A new todo list identifier: a prefix telling what it names, and a random UUID. */
export function newTodoListIdentifier(): string {
  return `TDLS_${randomUUID()}`;
}

/** A new todo identifier, unique across lists too. */
export function newTodoIdentifier(): string {
  return `TODO_${randomUUID()}`;
}

/** What the HTTP API accepts as identifiers (JSON schema patterns). */
export const TODO_LIST_IDENTIFIER_PATTERN =
  '^TDLS_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const TODO_IDENTIFIER_PATTERN = '^TODO_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
// #endregion identifiers
