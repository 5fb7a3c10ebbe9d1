import type { TodoListApp } from '../src/app';
import { client, startTestApp } from './support';

describe('the HTTP API', () => {
  let app: TodoListApp;
  let alice: ReturnType<typeof client>;

  beforeEach(async () => {
    ({ app } = await startTestApp());
    alice = client(app, 'alice');
  });

  afterEach(() => app.close());

  /** Creates a list through the API and waits for the read model. */
  async function createList(name: string): Promise<string> {
    const response = await alice.post('/todo-list', { name });
    expect(response.statusCode).toBe(201);
    const { identifier } = response.json<{ identifier: string }>();
    await app.bundle.untilIdle();
    return identifier;
  }

  async function addTodo(list: string, content: string, as = alice): Promise<string> {
    const response = await as.post(`/todo-list/${list}/todo`, { content });
    expect(response.statusCode).toBe(201);
    return response.json<{ identifier: string }>().identifier;
  }

  // #region http-test
  it('creates a list, adds and checks todos, and reads it back', async () => {
    const created = await alice.post('/todo-list', { name: 'Groceries' });
    expect(created.statusCode).toBe(201);
    const { identifier } = created.json<{ identifier: string }>();
    expect(identifier).toMatch(/^TDLS_[0-9a-f-]{36}$/);
    expect(created.headers.location).toBe(`/todo-list/${identifier}`);

    const milk = await addTodo(identifier, 'Milk');
    await addTodo(identifier, 'Bread', client(app, 'bob'));
    expect((await alice.put(`/todo-list/${identifier}/todo/${milk}`)).statusCode).toBe(204);
    await app.bundle.untilIdle();

    const list = await alice.get(`/todo-list/${identifier}`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      identifier,
      name: 'Groceries',
      createdBy: 'alice',
      updatedBy: 'alice',
      todos: [
        { identifier: milk, content: 'Milk', completed: true, createdBy: 'alice', completedBy: 'alice' },
        { content: 'Bread', completed: false, createdBy: 'bob', completedBy: null, completedAt: null },
      ],
    });
  });
  // #endregion http-test

  it('removes a todo and deletes a list', async () => {
    const list = await createList('Chores');
    const todo = await addTodo(list, 'Dishes');
    expect((await alice.delete(`/todo-list/${list}/todo/${todo}`)).statusCode).toBe(204);
    await app.bundle.untilIdle();
    expect((await alice.get(`/todo-list/${list}`)).json()).toMatchObject({ todos: [] });
    expect((await alice.delete(`/todo-list/${list}`)).statusCode).toBe(204);
    await app.bundle.untilIdle();
    expect((await alice.get(`/todo-list/${list}`)).statusCode).toBe(404);
  });

  it('searches lists by name, a page at a time', async () => {
    // Newest first: lists created within one millisecond would tie (then ordered by identifier).
    for (const name of ['Groceries', 'Garden', 'More groceries']) {
      await createList(name);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const names = async (query: string) =>
      (await alice.get(`/todo-list?${query}`)).json<{ name: string }[]>().map((l) => l.name);
    expect(await names('nameLike=GROC')).toEqual(['More groceries', 'Groceries']);
    expect(await names('page=0&size=2')).toEqual(['More groceries', 'Garden']);
    expect(await names('page=1&size=2')).toEqual(['Groceries']);
    expect(await names('')).toHaveLength(3);
  });

  // #region bad-input-test
  it.each([
    ['POST', '/todo-list', {}, "body must have required property 'name'"],
    ['POST', '/todo-list', { name: 'x'.repeat(101) }, 'body/name must NOT have more than 100 characters'],
    ['POST', '/todo-list', { name: '' }, 'body/name must NOT have fewer than 1 characters'],
    ['GET', '/todo-list?page=-1', undefined, 'querystring/page must be >= 0'],
    ['GET', '/todo-list?size=500', undefined, 'querystring/size must be <= 50'],
    ['GET', '/todo-list/not-a-list', undefined, 'params/id must match pattern'],
    ['PUT', '/todo-list/TDLS_x/todo/TODO_y', undefined, 'params/id must match pattern'],
  ])('answers %s %s with 400 naming the field', async (method, url, payload, message) => {
    const response = await app.server.inject({
      method: method as 'GET' | 'POST' | 'PUT',
      url,
      headers: { authorization: 'Bearer alice' },
      ...(payload === undefined ? {} : { payload }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ message: string }>().message).toContain(message);
  });
  // #endregion bad-input-test

  describe("refuses what the schemas do not allow, in the app's own error body", () => {
    const inject = (
      method: 'GET' | 'POST',
      url: string,
      payload?: string,
      contentType = 'application/json',
    ) =>
      app.server.inject({
        method,
        url,
        headers: { authorization: 'Bearer alice', 'content-type': contentType },
        ...(payload === undefined ? {} : { payload }),
      });

    it.each([
      ['a number where the schema wants a string', '{"name":42}', 'body/name must be string'],
      ['a boolean where the schema wants a string', '{"name":true}', 'body/name must be string'],
      [
        'a property the schema does not name',
        '{"name":"Groceries","owner":"mallory"}',
        'must NOT have additional properties',
      ],
      [
        'a 900 kB property the schema does not name',
        JSON.stringify({ name: 'Groceries', extra: 'x'.repeat(900_000) }),
        'must NOT have additional properties',
      ],
    ])('refuses %s with 400, and creates nothing', async (_what, payload, message) => {
      const response = await inject('POST', '/todo-list', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'BadRequest', message: expect.stringContaining(message) });
      expect(await app.bundle.eventStore.headSequence()).toBe(0);
    });

    it('refuses an unknown query parameter with 400', async () => {
      const response = await inject('GET', '/todo-list?nameLike=G&sort=name');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'BadRequest',
        message: expect.stringContaining('querystring must NOT have additional properties'),
      });
    });

    it('still reads numbers from the query string', async () => {
      expect((await inject('GET', '/todo-list?page=1&size=5')).statusCode).toBe(200);
    });

    it('answers an unknown route, a too large body and a wrong content type in the same body', async () => {
      const unknown = await inject('GET', '/todo-lists/everything?x=1');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error: 'NotFound', message: 'No route GET /todo-lists/everything' });

      const large = await inject('POST', '/todo-list', JSON.stringify({ name: 'x'.repeat(1_100_000) }));
      expect(large.statusCode).toBe(413);
      expect(large.json()).toEqual({ error: 'PayloadTooLarge', message: expect.any(String) });

      const text = await inject('POST', '/todo-list', 'name=Groceries', 'application/x-www-form-urlencoded');
      expect(text.statusCode).toBe(415);
      expect(text.json()).toEqual({ error: 'UnsupportedMediaType', message: expect.any(String) });

      const broken = await inject('POST', '/todo-list', '{"name":');
      expect(broken.statusCode).toBe(400);
      expect(broken.json()).toEqual({ error: 'BadRequest', message: expect.any(String) });
    });
  });

  it('lets anyone read, as documented: lists are shared, writes name their user', async () => {
    await createList('Groceries');
    const read = await client(app, null).get('/todo-list');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject([{ name: 'Groceries', createdBy: 'alice' }]);
  });

  it('answers 401 to a change without a user', async () => {
    const response = await client(app, null).post('/todo-list', { name: 'Groceries' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'UnauthenticatedError' });
  });

  // #region rule-test
  it('answers a broken rule with 409 or 422 naming the rule, and appends nothing', async () => {
    const list = await createList('Groceries');
    for (let n = 1; n <= 5; n++) await addTodo(list, `todo ${n}`);
    const head = await app.bundle.eventStore.headSequence();

    const sixth = await alice.post(`/todo-list/${list}/todo`, { content: 'one too many' });
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json()).toMatchObject({ error: 'TodoListFullError', rule: 'todo-list-at-most-5-todos' });

    const blank = await alice.post('/todo-list', { name: '   ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json()).toMatchObject({ rule: 'todo-list-name-not-blank' });

    expect(await app.bundle.eventStore.headSequence()).toBe(head);
  });
  // #endregion rule-test

  it('keeps a list with a checked todo, and a checked todo checked', async () => {
    const list = await createList('Groceries');
    const todo = await addTodo(list, 'Milk');
    await alice.put(`/todo-list/${list}/todo/${todo}`);
    const head = await app.bundle.eventStore.headSequence();

    const again = await alice.put(`/todo-list/${list}/todo/${todo}`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ rule: 'todo-not-checked' });
    const removed = await alice.delete(`/todo-list/${list}/todo/${todo}`);
    expect(removed.statusCode).toBe(409);
    const deleted = await alice.delete(`/todo-list/${list}`);
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json()).toMatchObject({ rule: 'todo-list-without-checked-todos-on-delete' });

    expect(await app.bundle.eventStore.headSequence()).toBe(head);
  });

  it('answers 404 for a list or a todo it does not know', async () => {
    const unknown = 'TDLS_00000000-0000-4000-8000-000000000000';
    const unknownTodo = 'TODO_00000000-0000-4000-8000-000000000000';
    expect((await alice.get(`/todo-list/${unknown}`)).statusCode).toBe(404);
    expect((await alice.post(`/todo-list/${unknown}/todo`, { content: 'Milk' })).statusCode).toBe(404);
    expect((await alice.delete(`/todo-list/${unknown}`)).statusCode).toBe(404);

    const list = await createList('Groceries');
    const check = await alice.put(`/todo-list/${list}/todo/${unknownTodo}`);
    expect(check.statusCode).toBe(404);
    expect(check.json()).toMatchObject({ error: 'TodoNotFoundError', rule: 'todo-exists' });

    await alice.delete(`/todo-list/${list}`);
    const afterDelete = await alice.post(`/todo-list/${list}/todo`, { content: 'Milk' });
    expect(afterDelete.statusCode).toBe(404);
    expect(afterDelete.json()).toMatchObject({ message: `No todo list ${list}` });
  });

  it('serves the web page', async () => {
    const page = await alice.get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>Evento TodoList</title>');
  });
});
