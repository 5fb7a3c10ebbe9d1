import type { StoreTransaction } from 'evento-ts';
import { PoolConnection, type Pool, type RowDataPacket } from 'mysql2/promise';
import { TodoListListItemView, TodoListView } from '../api/views';
import { checkIdentifier, containsPattern, todosFromJson, todosToJson } from './todoDocuments';
import type { TodoListReadModel } from './TodoListReadModel';

interface TodoListRow extends RowDataPacket {
  identifier: string;
  name: string;
  todos: unknown;
  created_by: string;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
}

/** Where the MySQL read model keeps its table. */
export interface MysqlTodoListReadModelOptions {
  /** Prepended to the table name `todo_list_view`; default none. */
  readonly tablePrefix?: string;
}

/**
 * The read model in a MySQL / MariaDB table. The projector's writes go through the connection
 * the MysqlConsumerStateStore holds the event's transaction on (exactly once); queries use the
 * pool. The pool must read and write dates in UTC (`timezone: 'Z'`).
 */
export class MysqlTodoListReadModel implements TodoListReadModel {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  /** The read model, its table created when missing. */
  static async create(
    pool: Pool,
    options: MysqlTodoListReadModelOptions = {},
  ): Promise<MysqlTodoListReadModel> {
    const table = checkIdentifier('table', `${options.tablePrefix ?? ''}todo_list_view`);
    await pool.query(
      `CREATE TABLE IF NOT EXISTS \`${table}\` (
        identifier VARCHAR(64) NOT NULL PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        todos LONGTEXT NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        updated_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL
      ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4`,
    );
    return new MysqlTodoListReadModel(pool, table);
  }

  async save(view: TodoListView, transaction: StoreTransaction): Promise<void> {
    await connectionOf(transaction).execute(
      `INSERT INTO \`${this.table}\` (identifier, name, todos, created_by, updated_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE name = VALUES(name), todos = VALUES(todos),
         updated_by = VALUES(updated_by), updated_at = VALUES(updated_at)`,
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

  async delete(identifier: string, transaction: StoreTransaction): Promise<void> {
    await connectionOf(transaction).execute(`DELETE FROM \`${this.table}\` WHERE identifier = ?`, [
      identifier,
    ]);
  }

  async find(identifier: string, transaction?: StoreTransaction): Promise<TodoListView | undefined> {
    const runner = transaction === undefined ? this.pool : connectionOf(transaction);
    const [rows] = await runner.execute<TodoListRow[]>(
      `SELECT * FROM \`${this.table}\` WHERE identifier = ?`,
      [identifier],
    );
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
    const [rows] = await this.pool.query<TodoListRow[]>(
      `SELECT identifier, name, created_by, updated_by, created_at, updated_at FROM \`${this.table}\`
       WHERE LOWER(name) LIKE LOWER(?) ORDER BY created_at DESC, identifier LIMIT ? OFFSET ?`,
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

/** The projector's transaction: a mysql2 connection when the consumer state store is MySQL. */
function connectionOf(transaction: StoreTransaction): PoolConnection {
  if (!(transaction.client instanceof PoolConnection)) {
    throw new TypeError(
      'MysqlTodoListReadModel writes inside the projector transaction: use it with a MysqlConsumerStateStore',
    );
  }
  return transaction.client;
}
