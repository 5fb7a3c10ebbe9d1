import type { StoreTransaction } from 'evento-ts';
import { Client, type ClientBase, type Pool } from 'pg';
import { TodoListListItemView, TodoListView } from '../api/views';
import { checkIdentifier, containsPattern, todosFromJson, todosToJson } from './todoDocuments';
import type { TodoListReadModel } from './TodoListReadModel';

interface TodoListRow {
  identifier: string;
  name: string;
  todos: unknown;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
}

/** Where the PostgreSQL read model keeps its table. */
export interface PostgresTodoListReadModelOptions {
  /** The schema of the table (created when missing); default: the search_path's. */
  readonly schema?: string;
}

// #region postgres-read-model
/**
 * The read model in a PostgreSQL table. The projector's writes go through the transaction the
 * PostgresConsumerStateStore opened for the event, so a view is written exactly once per event;
 * queries use the pool.
 */
export class PostgresTodoListReadModel implements TodoListReadModel {
  private readonly table: string;

  private constructor(
    private readonly pool: Pool,
    schema: string | undefined,
  ) {
    const name = '"todo_list_view"';
    this.table = schema === undefined ? name : `"${schema}".${name}`;
  }

  /** The read model, its table created when missing. */
  static async create(
    pool: Pool,
    options: PostgresTodoListReadModelOptions = {},
  ): Promise<PostgresTodoListReadModel> {
    const schema = options.schema === undefined ? undefined : checkIdentifier('schema', options.schema);
    const model = new PostgresTodoListReadModel(pool, schema);
    if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${model.table} (
        identifier text PRIMARY KEY,
        name text NOT NULL,
        todos jsonb NOT NULL,
        created_by text NOT NULL,
        updated_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
    );
    return model;
  }

  async save(view: TodoListView, transaction: StoreTransaction): Promise<void> {
    await clientOf(transaction).query(
      `INSERT INTO ${this.table} (identifier, name, todos, created_by, updated_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (identifier) DO UPDATE SET name = $2, todos = $3, updated_by = $5, updated_at = $7`,
      [
        view.identifier,
        view.name,
        todosToJson(view.todos),
        view.createdBy,
        view.updatedBy,
        view.createdAt,
        view.updatedAt,
      ],
    );
  }
  // #endregion postgres-read-model

  async delete(identifier: string, transaction: StoreTransaction): Promise<void> {
    await clientOf(transaction).query(`DELETE FROM ${this.table} WHERE identifier = $1`, [identifier]);
  }

  async find(identifier: string, transaction?: StoreTransaction): Promise<TodoListView | undefined> {
    const runner = transaction === undefined ? this.pool : clientOf(transaction);
    const { rows } = await runner.query<TodoListRow>(`SELECT * FROM ${this.table} WHERE identifier = $1`, [
      identifier,
    ]);
    const row = rows[0];
    if (row === undefined) return undefined;
    return new TodoListView(
      row.identifier,
      row.name,
      todosFromJson(row.todos),
      row.created_by,
      row.updated_by,
      row.created_at,
      row.updated_at,
    );
  }

  async search(nameLike: string, page: number, size: number): Promise<TodoListListItemView[]> {
    const { rows } = await this.pool.query<Omit<TodoListRow, 'todos'>>(
      `SELECT identifier, name, created_by, updated_by, created_at, updated_at FROM ${this.table}
       WHERE name ILIKE $1 ORDER BY created_at DESC, identifier LIMIT $2 OFFSET $3`,
      [containsPattern(nameLike), size, page * size],
    );
    return rows.map(
      (row) =>
        new TodoListListItemView(
          row.identifier,
          row.name,
          row.created_by,
          row.updated_by,
          row.created_at,
          row.updated_at,
        ),
    );
  }
}

// #region client-of
/** The projector's transaction: a `pg` client when the consumer state store is PostgreSQL. */
function clientOf(transaction: StoreTransaction): ClientBase {
  if (!(transaction.client instanceof Client)) {
    throw new TypeError(
      'PostgresTodoListReadModel writes inside the projector transaction: use it with a PostgresConsumerStateStore',
    );
  }
  return transaction.client;
}
// #endregion client-of
