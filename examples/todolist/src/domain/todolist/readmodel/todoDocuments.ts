import { TodoView } from '../api/views';

/** A todo as the database read models keep it, in a JSON column. */
interface TodoDocument {
  identifier: string;
  content: string;
  completed: boolean;
  createdBy: string;
  completedBy: string | null;
  createdAt: string;
  completedAt: string | null;
}

/** The todos of a list as JSON, for a JSON column. */
export function todosToJson(todos: readonly TodoView[]): string {
  const documents: TodoDocument[] = todos.map((todo) => ({
    identifier: todo.identifier,
    content: todo.content,
    completed: todo.completed,
    createdBy: todo.createdBy,
    completedBy: todo.completedBy,
    createdAt: todo.createdAt.toISOString(),
    completedAt: todo.completedAt?.toISOString() ?? null,
  }));
  return JSON.stringify(documents);
}

/** The todos back from a JSON column: the driver may hand over the parsed value or the text. */
export function todosFromJson(value: unknown): TodoView[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new TypeError('The todos column does not hold a JSON array');
  return (parsed as TodoDocument[]).map(
    (todo) =>
      new TodoView(
        todo.identifier,
        todo.content,
        todo.completed,
        todo.createdBy,
        todo.completedBy,
        new Date(todo.createdAt),
        todo.completedAt === null ? null : new Date(todo.completedAt),
      ),
  );
}

/** `nameLike` as a LIKE pattern matching it anywhere, its own wildcards escaped. */
export function containsPattern(nameLike: string): string {
  return `%${nameLike.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Table and schema names are put into SQL, so they must be plain identifiers. */
export function checkIdentifier(what: string, name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(name))
    throw new RangeError(`${what} '${name}' must match /^[a-z_][a-z0-9_]{0,50}$/`);
  return name;
}
