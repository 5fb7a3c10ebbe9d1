import { randomBytes } from 'node:crypto';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { Pool } from 'pg';
import { MYSQL_URL, PG_URL, describeWithService } from '../../../test/support/services';
import { mysqlStores, postgresStores, type TodoListStores } from '../src/stores';
import { eventually } from 'evento-ts/testing';
import { client, startTestApp } from './support';

interface TodoListJson {
  name: string;
  updatedBy: string;
  todos: { content: string; completed: boolean }[];
}

/** The restart scenario, on stores `open()` makes (each call opens them anew on the same database). */
function survivesARestart(open: () => Promise<TodoListStores>): void {
  it('keeps its lists across a restart, and projects each event exactly once', async () => {
    const first = await startTestApp({ stores: await open() });
    const alice = client(first.app, 'alice');
    const list = (await alice.post('/todo-list', { name: 'Groceries' })).json<{ identifier: string }>()
      .identifier;
    const milk = (await alice.post(`/todo-list/${list}/todo`, { content: 'Milk' })).json<{
      identifier: string;
    }>();
    await client(first.app, 'bob').post(`/todo-list/${list}/todo`, { content: 'Bread' });
    await alice.put(`/todo-list/${list}/todo/${milk.identifier}`);
    await first.app.bundle.untilIdle();
    const before = (await alice.get(`/todo-list/${list}`)).json<TodoListJson>();
    await first.app.close();

    const second = await startTestApp({ stores: await open() });
    const again = client(second.app, 'carol');
    // The read model is in the database: it is there at once, the same as before.
    expect((await again.get(`/todo-list/${list}`)).json<TodoListJson>()).toEqual(before);
    // The aggregate is rebuilt from its events: its rules still hold.
    const checked = await again.put(`/todo-list/${list}/todo/${milk.identifier}`);
    expect(checked.statusCode).toBe(409);
    await again.post(`/todo-list/${list}/todo`, { content: 'Eggs' });
    await second.app.bundle.untilIdle();
    const after = (await again.get(`/todo-list/${list}`)).json<TodoListJson>();
    expect(after.todos.map((t) => [t.content, t.completed])).toEqual([
      ['Milk', true],
      ['Bread', false],
      ['Eggs', false],
    ]);
    expect(after.updatedBy).toBe('carol');
    expect((await again.get('/todo-list?nameLike=groc')).json<unknown[]>()).toHaveLength(1);
    await second.app.close();
  });

  it('sends a change over SSE only once the read model shows it', async () => {
    const { app } = await startTestApp({ stores: await open() });
    try {
      const alice = client(app);
      const list = (await alice.post('/todo-list', { name: 'Live' })).json<{ identifier: string }>()
        .identifier;
      const reads: Promise<number>[] = [];
      // What an SSE client does on each notification: read the list again, at once.
      app.changeFeed.subscribe((change) => {
        if (change.change === 'updated')
          reads.push(alice.get(`/todo-list/${list}`).then((r) => r.json<TodoListJson>().todos.length));
      });
      for (let n = 1; n <= 4; n++) await alice.post(`/todo-list/${list}/todo`, { content: `todo ${n}` });
      await eventually(() => reads.length === 4);
      // The n-th notification announces the n-th todo: the read made on it never shows fewer.
      const seen = await Promise.all(reads);
      seen.forEach((count, i) => expect(count).toBeGreaterThanOrEqual(i + 1));
    } finally {
      await app.close();
    }
  });
}

describeWithService('PostgreSQL', PG_URL)('the TodoList app on PostgreSQL', () => {
  const schema = `todolist_test_${randomBytes(5).toString('hex')}`;

  afterAll(async () => {
    const pool = new Pool({ connectionString: PG_URL });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  survivesARestart(() => postgresStores(PG_URL, { schema }));
});

describeWithService('MySQL', MYSQL_URL)('the TodoList app on MySQL', () => {
  const prefix = `tl${randomBytes(4).toString('hex')}_`;

  afterAll(async () => {
    const connection = await createConnection(MYSQL_URL);
    const [tables] = await connection.query<({ name: string } & RowDataPacket)[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
      [`${prefix}%`],
    );
    for (const { name } of tables) await connection.query(`DROP TABLE \`${name}\``);
    await connection.end();
  });

  survivesARestart(() => mysqlStores(MYSQL_URL, { tablePrefix: prefix }));
});
