import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { TodoListApp } from '../src/app';
import { describeWithChromium, openChromium, screenshot, type ChromiumPage } from './chromium';
import { client, startTestApp } from './support';
import { TodoListPage } from './todoListPage';

jest.setTimeout(60_000);

describeWithChromium()('the TodoList web page in headless Chromium', () => {
  let app: TodoListApp;
  let base: string;
  let browser: ChromiumPage;
  let page: Page;

  beforeAll(async () => {
    ({ app } = await startTestApp());
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    browser = await openChromium();
    ({ page } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('creates a list, adds, checks and removes todos, and follows changes made elsewhere live', async () => {
    const todoList = new TodoListPage(page);
    await todoList.open(base);
    await todoList.createList('Groceries');
    for (const content of ['Milk', 'Bread', 'Butter']) {
      await todoList.addTodo(content);
      await todoList.todo(content).waitFor();
    }

    await todoList.check('Milk');
    await todoList.todo('Bread').getByRole('button', { name: 'Remove' }).click();
    await todoList.todo('Bread').waitFor({ state: 'detached' });

    // Bob adds a todo through the API: the page shows it without a reload (Server-Sent Events).
    const list = await todoList.listIdentifier('Groceries');
    const bob = await client(app, 'bob').post(`/todo-list/${list}/todo`, { content: 'Eggs from Bob' });
    expect(bob.statusCode).toBe(201);
    await todoList.todo('Eggs from Bob').filter({ hasText: 'added by bob' }).waitFor();

    // A broken rule shows its message: a list holds at most 5 todos.
    for (const content of ['Jam', 'Tea', 'Honey']) await todoList.addTodo(content);
    // ...named by the list's name, not its TDLS_ identifier.
    await todoList.error('Todo list "Groceries" already has 5 todos');
    expect(await todoList.todos().count()).toBe(5);

    await screenshot(page, 'todolist');
    expect(await page.getByTestId('detail-name').textContent()).toBe('Groceries');
  });

  it("shows its own words for refused input, not the schema validator's", async () => {
    await page.goto(base);
    const message = await page.evaluate(async () => {
      try {
        // `api` is the page's own request helper.
        await (globalThis as unknown as { api: (m: string, p: string, b: unknown) => Promise<unknown> }).api(
          'POST',
          '/todo-list',
          { name: 42 },
        );
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toBe('Not accepted: a list name takes 1 to 100 characters, a todo 1 to 200.');
  });

  it('with exactly one page of lists, leaves "Next" disabled; one more list enables it', async () => {
    const lists = (await client(app).get('/todo-list?size=50')).json<unknown[]>();
    for (let n = lists.length; n < 8; n++) await client(app).post('/todo-list', { name: `List ${n + 1}` });
    await app.bundle.untilIdle();
    await page.goto(base);
    await page.getByTestId('lists').locator('li').nth(7).waitFor();
    expect(await page.getByTestId('lists').locator('li').count()).toBe(8);
    expect(await page.locator('#next').isDisabled()).toBe(true);

    await client(app).post('/todo-list', { name: 'The ninth' });
    await page.locator('#next:not([disabled])').waitFor();
    await page.locator('#next').click();
    await page.locator('#page', { hasText: 'page 2' }).waitFor();
    expect(await page.getByTestId('lists').locator('li').count()).toBe(1);
  });

  it('fits a 400 px wide screen: nothing overflows, and the Create button is in view', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      await page.goto(base);
      await page.getByTestId('lists').locator('li').first().waitFor();
      const width = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
            .documentElement.scrollWidth,
      );
      expect(width).toBeLessThanOrEqual(400);
      const create = await page.getByTestId('create-list').boundingBox();
      expect(create).not.toBeNull();
      expect((create?.x ?? 0) + (create?.width ?? 0)).toBeLessThanOrEqual(400);
      // One column: each section takes the width, and the Create button stays inside its own.
      const sections = await page.locator('main > section').evaluateAll((nodes) =>
        nodes.map((node) => {
          const box = (
            node as unknown as { getBoundingClientRect(): { left: number; right: number } }
          ).getBoundingClientRect();
          return { left: box.left, right: box.right };
        }),
      );
      for (const section of sections) expect(section.right - section.left).toBeGreaterThanOrEqual(350);
      expect((create?.x ?? 0) + (create?.width ?? 0)).toBeLessThanOrEqual(sections[0]?.right ?? 0);
      await page.getByTestId('list-name').fill('Narrow');
      await page.getByTestId('create-list').click();
      await page.getByTestId('detail-name').filter({ hasText: 'Narrow' }).waitFor();
      await screenshot(page, 'todolist-400px');
    } finally {
      await page.setViewportSize({ width: 1100, height: 700 });
    }
  });
});
