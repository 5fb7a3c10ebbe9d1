import type { TodoListApp } from '../src/app';
import { client, startTestApp } from './support';

describe('the TodoList metrics', () => {
  let app: TodoListApp;

  beforeEach(async () => {
    ({ app } = await startTestApp());
  });

  afterEach(() => app.close());

  it('serves the bundle metrics at /metrics for a Prometheus scrape', async () => {
    const alice = client(app, 'alice');
    for (const name of ['Groceries', 'Chores'])
      expect((await alice.post('/todo-list', { name })).statusCode).toBe(201);
    expect((await alice.post('/todo-list', { name: ' ' })).statusCode).toBe(422);
    await app.bundle.untilIdle();

    const response = await client(app, null).get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const create =
      'bundle="todolist",kind="aggregateCommand",component="TodoListAggregate",handler="create",payload="TodoListCreateCommand"';
    expect(response.body).toContain(`evento_handler_calls_total{${create}} 3\n`);
    expect(response.body).toContain(`evento_handler_errors_total{${create}} 1\n`);
    expect(response.body).toContain(
      'evento_handler_calls_total{bundle="todolist",kind="event",component="TodoListProjector",handler="onCreated",payload="TodoListCreatedEvent"} 2\n',
    );
    expect(response.body).toMatch(
      /^evento_consumer_lag_events\{bundle="todolist",consumer="[^"]+",component="TodoListProjector"\} 0$/m,
    );
  });
});
