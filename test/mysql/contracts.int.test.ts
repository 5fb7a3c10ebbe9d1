import { MysqlConsumerStateStore, MysqlEventStore } from '../../src/mysql';
import { consumerStateStoreContract } from '../contracts/consumerStateStoreContract';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { describeWithService, MYSQL_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from './mysqlTestDb';

describeWithService('MariaDB', MYSQL_URL)('MySQL stores against the store contracts', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  eventStoreContract(
    'MysqlEventStore',
    async () => {
      const store = await MysqlEventStore.create({ uri: db.uri, pollIntervalMs: 50 });
      return { store, cleanup: () => store.close() };
    },
    async (idempotencyRetentionMs) => {
      const store = await MysqlEventStore.create({ uri: db.uri, pollIntervalMs: 50, idempotencyRetentionMs });
      return { store, cleanup: () => store.close() };
    },
  );

  consumerStateStoreContract('MysqlConsumerStateStore', async () => {
    const store = await MysqlConsumerStateStore.create({ uri: db.uri });
    return { store, cleanup: () => store.close() };
  });
});
