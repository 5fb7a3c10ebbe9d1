import type { PoolConnection } from 'mysql2/promise';
import { LeaseLostError } from '../../src/errors';
import { MysqlConsumerStateStore } from '../../src/mysql';
import { describeWithService, MYSQL_URL } from '../support/services';
import { createTestDatabase, uniquePrefix, type TestDatabase } from './mysqlTestDb';

describeWithService('MariaDB', MYSQL_URL)('MysqlConsumerStateStore', () => {
  let db: TestDatabase;
  let store: MysqlConsumerStateStore;
  let projection: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const tablePrefix = uniquePrefix();
    projection = `${tablePrefix}projection`;
    store = await MysqlConsumerStateStore.create({ uri: db.uri, tablePrefix, connectionLimit: 2 });
    await db.admin.query(
      `CREATE TABLE \`${projection}\` (id VARCHAR(64) PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB`,
    );
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  async function projected(): Promise<unknown[]> {
    const [rows] = await db.admin.query(`SELECT id, n FROM \`${projection}\` ORDER BY id`);
    return rows as unknown[];
  }

  it('runs work on the commit transaction: its writes commit with the offset, or roll back with it', async () => {
    await store.ensureConsumer('projector', 0);
    expect(await store.acquireLease('projector', 'me', 60_000)).toBe(true);
    const failure = new Error('projection failed');
    const saga = {
      sagaName: 'S',
      sagaId: 's1',
      stateName: 'State',
      state: '{}',
      associations: { orderId: 'o1' },
    };

    await expect(
      store.commit(
        { consumerId: 'projector', owner: 'me', expectedVersion: 0, offset: 5, sagaUpserts: [saga] },
        async (tx) => {
          await (tx as PoolConnection).query(`INSERT INTO \`${projection}\` (id, n) VALUES ('a', 1)`);
          // The write is visible inside the transaction, and nowhere else yet.
          const [inside] = await (tx as PoolConnection).query(
            `SELECT n FROM \`${projection}\` WHERE id = 'a'`,
          );
          expect(inside).toEqual([{ n: 1 }]);
          expect(await projected()).toEqual([]);
          throw failure;
        },
      ),
    ).rejects.toBe(failure);

    expect(await projected()).toEqual([]);
    expect(await store.getConsumer('projector')).toMatchObject({ offset: 0, version: 0 });
    expect(await store.findSagaInstance('S', 'orderId', 'o1')).toBeUndefined();

    await store.commit(
      { consumerId: 'projector', owner: 'me', expectedVersion: 0, offset: 5 },
      async (tx) => {
        await (tx as PoolConnection).query(`INSERT INTO \`${projection}\` (id, n) VALUES ('a', 1)`);
      },
    );
    expect(await projected()).toEqual([{ id: 'a', n: 1 }]);
    expect(await store.getConsumer('projector')).toMatchObject({ offset: 5, version: 1 });
  });

  it('LeaseLostError names the consumer, the owner and the holder', async () => {
    await store.ensureConsumer('leased', 0);
    expect(await store.acquireLease('leased', 'holder-1', 60_000)).toBe(true);
    const error = await store
      .commit({ consumerId: 'leased', owner: 'intruder', expectedVersion: 0, offset: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as LeaseLostError).context).toMatchObject({
      consumerId: 'leased',
      owner: 'intruder',
      holder: 'holder-1',
    });
    expect((error as Error).message).toContain('holder-1 holds its lease');
  });

  it('leases use the database clock and pin no connection (20 leases on a pool of 2)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `pinless-${i}`);
    const results = await Promise.all(ids.map((id) => store.acquireLease(id, 'me', 30_000)));
    expect(results.every(Boolean)).toBe(true);
    const [[row]] = (await db.admin.query('SELECT UTC_TIMESTAMP(3) AS now')) as unknown as [
      [{ now: string }],
    ];
    const databaseNow = new Date(`${row.now.replace(' ', 'T')}Z`).getTime();
    const lease = await store.getLease('pinless-0');
    expect(lease?.expiresAt.getTime()).toBeGreaterThan(databaseNow + 29_000);
    expect(lease?.expiresAt.getTime()).toBeLessThanOrEqual(databaseNow + 30_000);
    // Concurrent first acquisitions by different owners: exactly one wins.
    const raced = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => store.acquireLease('raced', owner, 30_000)),
    );
    expect(raced.filter(Boolean)).toHaveLength(1);
  });
});
