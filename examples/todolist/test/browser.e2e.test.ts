import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TodoListApp } from '../src/app';
import { client, startTestApp } from './support';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

/** Runs with Debian's Chromium; without it, skips locally and fails in CI. */
function describeWithChromium(): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  const why = `${CHROMIUM} is missing; install it with 'apt-get install -y chromium' to run the browser test`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
  console.warn(`Skipping the TodoList browser test: ${why}.`);
  return describe.skip;
}

jest.setTimeout(60_000);

describeWithChromium()('the TodoList web page in headless Chromium', () => {
  let app: TodoListApp;
  let base: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ app } = await startTestApp());
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    profile = mkdtempSync(join(tmpdir(), 'todolist-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 700 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  const todos = () => page.getByTestId('todos').locator('li');
  const todo = (content: string) => todos().filter({ hasText: content });

  it('creates a list, adds, checks and removes todos, and follows changes made elsewhere live', async () => {
    await page.goto(base);
    await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();

    await page.getByTestId('list-name').fill('Groceries');
    await page.getByTestId('create-list').click();
    await page.getByTestId('detail-name').filter({ hasText: 'Groceries' }).waitFor();
    await page.getByTestId('lists').locator('li', { hasText: 'Groceries' }).waitFor();

    for (const content of ['Milk', 'Bread', 'Butter']) {
      await page.getByTestId('todo-content').fill(content);
      await page.getByTestId('add-todo').click();
      await todo(content).waitFor();
    }

    await todo('Milk').getByRole('button', { name: 'Check' }).click();
    await page.locator('#todos li.completed', { hasText: 'Milk' }).waitFor();
    await todo('Bread').getByRole('button', { name: 'Remove' }).click();
    await todo('Bread').waitFor({ state: 'detached' });

    // Bob adds a todo through the API: the page shows it without a reload (Server-Sent Events).
    const list = await page
      .getByTestId('lists')
      .locator('li', { hasText: 'Groceries' })
      .getAttribute('data-identifier');
    const bob = await client(app, 'bob').post(`/todo-list/${list ?? ''}/todo`, { content: 'Eggs from Bob' });
    expect(bob.statusCode).toBe(201);
    await todo('Eggs from Bob').filter({ hasText: 'added by bob' }).waitFor();

    // A broken rule shows its message: a list holds at most 5 todos.
    for (const content of ['Jam', 'Tea', 'Honey']) {
      await page.getByTestId('todo-content').fill(content);
      await page.getByTestId('add-todo').click();
    }
    // ...named by the list's name, not its TDLS_ identifier.
    await page
      .getByTestId('error')
      .filter({ hasText: 'Todo list "Groceries" already has 5 todos' })
      .waitFor();
    expect(await todos().count()).toBe(5);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'todolist.png'), fullPage: true });
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
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'todolist-400px.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1100, height: 700 });
    }
  });
});
