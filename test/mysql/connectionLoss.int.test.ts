import { StoreUnavailableError } from '../../src/errors';
import { MysqlConsumerStateStore } from '../../src/mysql';
import type { EventToAppend } from '../../src/stores/eventStore';
import { describeWithService, MYSQL_URL } from '../support/services';
import { HeldEventStore } from './heldEventStore';
import { createTestDatabase, sleep, uniquePrefix, type TestDatabase } from './mysqlTestDb';

function event(): EventToAppend {
  return { eventName: 'Happened', context: 'default', payload: '{}', metadata: {}, createdAt: new Date() };
}

/** Resolves to the value, or to the error it rejected with. */
function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => error,
  );
}

describeWithService('MariaDB', MYSQL_URL)('MySQL stores when connections are lost', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  /** KILLs every connection to the test database but the admin's; resolves to how many. */
  async function killConnections(): Promise<number> {
    const [rows] = await db.admin.query(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
      [db.name],
    );
    const ids = (rows as { id: number }[]).map((r) => r.id);
    for (const id of ids) await db.admin.query(`KILL ${Number(id)}`);
    return ids.length;
  }

  it('after KILL of its connections, the next append succeeds or fails with StoreUnavailableError, and the one after succeeds', async () => {
    const store = await HeldEventStore.open({ uri: db.uri, tablePrefix: uniquePrefix(), connectionLimit: 3 });
    try {
      await Promise.all(
        ['a', 'b', 'c'].map((id) => store.append({ aggregateId: id, expectedVersion: 0, events: [event()] })),
      );
      expect(await killConnections()).toBeGreaterThan(0);

      const next = await settle(store.append({ aggregateId: 'a', expectedVersion: 1, events: [event()] }));
      if (next instanceof Error) expect(next).toBeInstanceOf(StoreUnavailableError);
      const written = next instanceof Error ? 1 : 2;
      await expect(
        store.append({ aggregateId: 'a', expectedVersion: written, events: [event()] }),
      ).resolves.toHaveLength(1);
      expect(await store.readAggregate('a')).toHaveLength(written + 1);
      expect(await store.headSequence()).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('a connection killed inside an append fails it with StoreUnavailableError and writes nothing', async () => {
    const store = await HeldEventStore.open({ uri: db.uri, tablePrefix: uniquePrefix(), connectionLimit: 3 });
    try {
      store.hold = async (connection) => {
        await db.admin.query(`KILL ${Number(connection.threadId)}`);
        await sleep(20);
      };
      const error = await settle(store.append({ aggregateId: 'k', expectedVersion: 0, events: [event()] }));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toBeDefined();

      store.hold = async () => undefined;
      expect(await store.readAggregate('k')).toEqual([]);
      await expect(
        store.append({ aggregateId: 'k', expectedVersion: 0, events: [event()] }),
      ).resolves.toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('the consumer state store recovers too, and a connection killed inside work rolls the commit back', async () => {
    const store = await MysqlConsumerStateStore.create({
      uri: db.uri,
      tablePrefix: uniquePrefix(),
      connectionLimit: 2,
    });
    try {
      await store.ensureConsumer('c', 0);
      expect(await store.acquireLease('c', 'me', 60_000)).toBe(true);
      expect(await killConnections()).toBeGreaterThan(0);

      const next = await settle(
        store.commit({ consumerId: 'c', owner: 'me', expectedVersion: 0, offset: 1 }),
      );
      if (next instanceof Error) expect(next).toBeInstanceOf(StoreUnavailableError);
      const version = next instanceof Error ? 0 : 1;
      await expect(
        store.commit({ consumerId: 'c', owner: 'me', expectedVersion: version, offset: 2 }),
      ).resolves.toMatchObject({
        version: version + 1,
      });

      const killed = await settle(
        store.commit(
          { consumerId: 'c', owner: 'me', expectedVersion: version + 1, offset: 3 },
          async (tx) => {
            await db.admin.query(`KILL ${Number((tx as { threadId: number }).threadId)}`);
            await sleep(20);
          },
        ),
      );
      expect(killed).toBeInstanceOf(StoreUnavailableError);
      expect(await store.getConsumer('c')).toMatchObject({ offset: 2, version: version + 1 });
    } finally {
      await store.close();
    }
  });
});
