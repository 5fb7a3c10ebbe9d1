import { eventually } from 'evento-ts/testing';
import { client, startTestApp } from './support';

describe('the extended TodoList, end to end in one bundle', () => {
  it('notifies each check, registers the contributions in the ERP once all are checked, and ends the saga', async () => {
    const { app, notifications, erp } = await startTestApp();
    const alice = client(app, 'alice');
    const bob = client(app, 'bob');
    const list = (await alice.post('/todo-list', { name: 'Groceries' })).json<{ identifier: string }>()
      .identifier;
    const milk = (await alice.post(`/todo-list/${list}/todo`, { content: 'Milk' })).json<{
      identifier: string;
    }>();
    const bread = (await bob.post(`/todo-list/${list}/todo`, { content: 'Bread' })).json<{
      identifier: string;
    }>();
    await bob.put(`/todo-list/${list}/todo/${milk.identifier}`);
    await bob.put(`/todo-list/${list}/todo/${bread.identifier}`);

    await eventually(() => erp.registered.length === 1 && notifications.sent.length === 2);
    expect(erp.registered).toEqual([
      { resourceType: 'TodoList', resourceIdentifier: list, contributions: { alice: 1, bob: 3 } },
    ]);
    expect(notifications.sent.map((n) => n.recipient)).toEqual(['bob', 'bob']);
    expect(notifications.sent[0]?.body).toContain('You checked "Milk" in "Groceries"');
    await eventually(
      async () =>
        (await app.bundle.consumerStateStore.listSagaInstances('ErpTodoListActivityRegistrationSaga'))
          .length === 0,
    );
    await app.close();
  });

  it('ends the saga of a deleted list without registering anything', async () => {
    const { app, erp } = await startTestApp();
    const alice = client(app, 'alice');
    const list = (await alice.post('/todo-list', { name: 'Groceries' })).json<{ identifier: string }>()
      .identifier;
    await app.bundle.untilIdle();
    const sagas = () =>
      app.bundle.consumerStateStore.listSagaInstances('ErpTodoListActivityRegistrationSaga');
    expect(await sagas()).toHaveLength(1);
    await alice.delete(`/todo-list/${list}`);
    await app.bundle.untilIdle();
    expect(await sagas()).toHaveLength(0);
    expect(erp.registered).toEqual([]);
    await app.close();
  });
});
