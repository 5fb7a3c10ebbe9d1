import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TodoListApp } from '../src/app';
import { eventually } from 'evento-ts/testing';
import { client, startTestApp } from './support';

/** An open Server-Sent Events stream, collecting the `data` of each `todo-list-changed` event. */
async function listen(base: string, path: string): Promise<{ changes: unknown[]; close: () => void }> {
  const changes: unknown[] = [];
  const response = await new Promise<IncomingMessage>((resolve, reject) =>
    request(`${base}${path}`, resolve).on('error', reject).end(),
  );
  expect(response.headers['content-type']).toBe('text/event-stream');
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    const messages = buffer.split('\n\n');
    buffer = messages.pop() ?? '';
    for (const message of messages) {
      const data = /^event: todo-list-changed\ndata: (.*)$/m.exec(message)?.[1];
      if (data !== undefined) changes.push(JSON.parse(data));
    }
  });
  return { changes, close: () => response.destroy() };
}

describe('real-time updates (save-notify over Server-Sent Events)', () => {
  let app: TodoListApp;
  let base: string;

  beforeEach(async () => {
    ({ app } = await startTestApp());
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
  });

  afterEach(() => app.close());

  it('streams every list change on /sse/todo-lists, and one list on /sse/todo-list/:id', async () => {
    const all = await listen(base, '/sse/todo-lists');
    const alice = client(app);
    const first = (await alice.post('/todo-list', { name: 'First' })).json<{ identifier: string }>()
      .identifier;
    const one = await listen(base, `/sse/todo-list/${first}`);
    const second = (await alice.post('/todo-list', { name: 'Second' })).json<{ identifier: string }>()
      .identifier;
    await alice.post(`/todo-list/${first}/todo`, { content: 'Milk' });
    await alice.delete(`/todo-list/${second}`);

    await eventually(() => all.changes.length === 4);
    expect(all.changes).toEqual([
      { identifier: first, change: 'created' },
      { identifier: second, change: 'created' },
      { identifier: first, change: 'updated' },
      { identifier: second, change: 'deleted' },
    ]);
    expect(one.changes).toEqual([{ identifier: first, change: 'updated' }]);
    all.close();
    one.close();
  });

  it('sends a change only once the read model shows it', async () => {
    const stream = await listen(base, '/sse/todo-lists');
    const seen: number[] = [];
    const alice = client(app);
    const list = (await alice.post('/todo-list', { name: 'Groceries' })).json<{ identifier: string }>()
      .identifier;
    await eventually(() => stream.changes.length === 1);
    for (let n = 1; n <= 3; n++) {
      await alice.post(`/todo-list/${list}/todo`, { content: `todo ${n}` });
      await eventually(() => stream.changes.length === n + 1);
      seen.push((await alice.get(`/todo-list/${list}`)).json<{ todos: unknown[] }>().todos.length);
    }
    expect(seen).toEqual([1, 2, 3]);
    stream.close();
  });

  it('closes with streams still open', async () => {
    await listen(base, '/sse/todo-lists');
    await listen(base, '/sse/todo-lists');
    // afterEach closes the app: it must not wait for the clients to hang up.
  });
});
