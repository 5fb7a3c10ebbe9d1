import { PostgresConsumerStateStore, PostgresEventStore } from '../../src/postgres';
import { consumerStateStoreContract } from '../contracts/consumerStateStoreContract';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { describeWithService, PG_URL } from '../support/services';
import { dropSchema, newSchemaName } from './support';

describeWithService('PostgreSQL', PG_URL)('PostgreSQL stores against the store contracts', () => {
  const schema = newSchemaName();

  afterAll(async () => {
    await dropSchema(schema);
  });

  eventStoreContract(
    'PostgresEventStore',
    async () => {
      const store = await PostgresEventStore.create({ connectionString: PG_URL, schema });
      return { store, cleanup: () => store.close() };
    },
    async (idempotencyRetentionMs) => {
      const store = await PostgresEventStore.create({
        connectionString: PG_URL,
        schema,
        idempotencyRetentionMs,
      });
      return { store, cleanup: () => store.close() };
    },
  );

  consumerStateStoreContract('PostgresConsumerStateStore', async () => {
    const store = await PostgresConsumerStateStore.create({ connectionString: PG_URL, schema });
    return { store, cleanup: () => store.close() };
  });
});
