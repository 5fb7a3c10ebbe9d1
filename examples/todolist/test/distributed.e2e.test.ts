import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import type { Page } from 'playwright-core';
import { eventually } from 'evento-ts/testing';
import { PostgresConsumerStateStore } from 'evento-ts/postgres';
import { KAFKA_BROKERS, describeWithKafka, uniqueName } from '../../../test/support/kafka';
import { PG_URL, describeWithService } from '../../../test/support/services';
import { TodoListProcess, type TodoListRole } from '../src/distributed/todoListProcess';
import { describeWithChromium, openChromium, screenshot, type ChromiumPage } from './chromium';
import { TodoListPage } from './todoListPage';

/** `describe` when Kafka, PostgreSQL and Chromium are all there (each says why it skips, or fails in CI). */
const describeWithAll = [
  describeWithKafka(),
  describeWithService('PostgreSQL', PG_URL),
  describeWithChromium(),
].every((choice) => choice === describe)
  ? describe
  : describe.skip;

// Each process transpiles the app with ts-node at start, some 10 to 40 s on a busy 2-core machine.
jest.setTimeout(180_000);

describeWithAll('the TodoList as two processes over Kafka and PostgreSQL', () => {
  const schema = `todolist_dist_${randomBytes(5).toString('hex')}`;
  const prefix = uniqueName('todolist');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    TODOLIST_TOPIC_PREFIX: prefix,
    EVENTO_PG_URL: PG_URL,
    EVENTO_PG_SCHEMA: schema,
    PORT: '0',
    HOST: '127.0.0.1',
  };
  const processes = new Map<TodoListRole, TodoListProcess>();
  let base: string;
  let browser: ChromiumPage;
  let page: Page;

  /** Starts the `role` process and resolves with its ready line. */
  const start = (role: TodoListRole): Promise<string> => {
    const child = TodoListProcess.start(role, { env });
    processes.set(role, child);
    return child.ready;
  };
  /** Everything the domain process printed: its notification sender and ERP client write there. */
  const domainOutput = (): string => processes.get('domain')?.output() ?? '';
  /** An HTTP call to the API process as `user`. */
  const call = async (user: string, method: string, path: string, body?: object) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${user}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    await start('domain');
    const ready = await start('api');
    base = /(http:\/\/\S+?)\/? /.exec(ready)?.[1] ?? '';
    browser = await openChromium();
    ({ page } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    for (const role of ['api', 'domain'] as const) await processes.get(role)?.stop();
    const admin = new Kafka({
      clientId: 'todolist-test-cleanup',
      brokers: KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`));
      await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
    const pool = new Pool({ connectionString: PG_URL });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('serves the web page: lists and todos go through the bus, changes made elsewhere show live', async () => {
    const todoList = new TodoListPage(page);
    await todoList.open(base);
    await todoList.createList('Groceries');
    for (const content of ['Milk', 'Bread']) {
      await todoList.addTodo(content);
      await todoList.todo(content).waitFor();
    }

    // Bob adds a todo through the API: the domain process notifies, the API process streams it.
    const list = await todoList.listIdentifier('Groceries');
    expect((await call('bob', 'POST', `/todo-list/${list}/todo`, { content: 'Eggs from Bob' })).status).toBe(
      201,
    );
    await todoList.todo('Eggs from Bob').filter({ hasText: 'added by bob' }).waitFor();

    // The observer (in the domain process) notifies each check, reading the list through the bus.
    await todoList.check('Milk');
    await eventually(
      () => domainOutput().includes('[notification] to alice: You checked "Milk" in "Groceries"'),
      {
        timeoutMs: 20_000,
        what: "the observer's notification",
      },
    );

    // Once all are checked, the saga registers the contributions in the ERP, and ends.
    await todoList.check('Bread');
    await todoList.check('Eggs from Bob');
    await eventually(() => domainOutput().includes(`[erp] activity on TodoList ${list}: alice: 5, bob: 1`), {
      timeoutMs: 20_000,
      what: "the saga's ERP registration",
    });
    const pool = new Pool({ connectionString: PG_URL });
    try {
      const sagas = await PostgresConsumerStateStore.create({ pool, schema });
      await eventually(
        async () => (await sagas.listSagaInstances('ErpTodoListActivityRegistrationSaga')).length === 0,
        { timeoutMs: 20_000, what: 'the end of the saga' },
      );
    } finally {
      await pool.end();
    }
    await screenshot(page, 'todolist-distributed');
  });

  it("answers the domain's refusals as one process does: the errors cross the bus as their classes", async () => {
    const todoList = new TodoListPage(page);
    await todoList.open(base);
    await todoList.createList('Full');
    for (const content of ['One', 'Two', 'Three', 'Four', 'Five', 'Six']) await todoList.addTodo(content);
    await todoList.error('Todo list "Full" already has 5 todos');
    await todoList.todo('Five').waitFor();
    expect(await todoList.todos().count()).toBe(5);

    const list = await todoList.listIdentifier('Full');
    const missing = await call('alice', 'GET', `/todo-list/${list.slice(0, -4)}0000`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('TodoListNotFoundError');
    const blank = await call('alice', 'POST', '/todo-list', { name: '   ' });
    expect(blank).toMatchObject({ status: 422, body: { rule: 'todo-list-name-not-blank' } });
  });

  it('stops both processes cleanly on SIGTERM, the API first', async () => {
    for (const role of ['api', 'domain'] as const) {
      const child = processes.get(role);
      expect(await child?.stop()).toEqual({ code: 0, signal: null });
      expect(child?.output()).toContain(`todolist ${role}: stopped`);
    }
  });
});
