/**
 * The code samples of docs/postgres.md (the regions below; test/docs/samples.unit.test.ts checks
 * the page shows them as they are), run against PostgreSQL.
 */
// #region imports
import { EventHandler, EventoBundle, Projector, StoreTransaction } from 'evento-ts';
import { PostgresConsumerStateStore, PostgresEventStore } from 'evento-ts/postgres';
import { Pool, type PoolClient } from 'pg';
// #endregion imports
import { ConfigurationError } from 'evento-ts';
import { AccountAggregate, AccountOpened, Deposit, Deposited, OpenAccount } from '../domain/bank';
import { describeWithService, PG_URL } from '../support/services';
import { dropSchema, newPool, newSchemaName } from './support';

// #region projector
/** Keeps each account's balance in the `balances` table, exactly once per event. */
@Projector({ batchSize: 500 })
export class BalanceProjector {
  @EventHandler()
  async onOpened(event: AccountOpened, tx: StoreTransaction<PoolClient>): Promise<void> {
    await tx.client.query('INSERT INTO balances (account_id, balance) VALUES ($1, 0)', [event.accountId]);
  }

  @EventHandler()
  async onDeposited(event: Deposited, tx: StoreTransaction<PoolClient>): Promise<void> {
    await tx.client.query('UPDATE balances SET balance = balance + $2 WHERE account_id = $1', [
      event.accountId,
      event.amount,
    ]);
  }
}
// #endregion projector

// #region setup
export async function startBank(connectionString: string, schema: string) {
  const options = {
    connectionString,
    schema, // the stores' tables: "<schema>"."evento_events", ...
    tablePrefix: 'evento_',
    // Pool settings; search_path puts the projector's unqualified `balances` in the same schema.
    poolConfig: { max: 10, options: `-c search_path=${schema}` },
  };
  // create() creates or migrates the tables (migrate: 'apply', the default) before resolving.
  const eventStore = await PostgresEventStore.create(options);
  const stateStore = await PostgresConsumerStateStore.create(options);
  const bundle = await EventoBundle.builder()
    .setBundleId('bank')
    .setComponents([AccountAggregate, BalanceProjector])
    .setEventStore(eventStore)
    .setConsumerStateStore(stateStore)
    .setLeaseTtl(15_000)
    .start();
  const stop = async (): Promise<void> => {
    await bundle.stop(); // consumers finish their batch and release their leases
    await eventStore.close(); // the stores end the pools they created
    await stateStore.close();
  };
  return { bundle, stop };
}
// #endregion setup

// #region pool
/** A deploy step, run with a user that may create tables: creates or upgrades them, then exits. */
export async function migrateBank(connectionString: string, schema: string): Promise<void> {
  await (await PostgresEventStore.create({ connectionString, schema })).close();
  await (await PostgresConsumerStateStore.create({ connectionString, schema })).close();
}

/** The application: its own pool, shared by both stores, and tables that must already be current. */
export async function openBankStores(pool: Pool, schema: string) {
  // pg requires an 'error' listener on a pool: an idle client whose connection drops emits one.
  pool.on('error', (error) => console.warn('idle PostgreSQL connection lost:', error.message));
  const eventStore = await PostgresEventStore.create({ pool, schema, migrate: 'verify' });
  const stateStore = await PostgresConsumerStateStore.create({ pool, schema, migrate: 'verify' });
  return { eventStore, stateStore }; // close() leaves a pool it did not create open: end it yourself
}
// #endregion pool

describeWithService('PostgreSQL', PG_URL)('docs/postgres.md samples', () => {
  const schema = newSchemaName();
  const admin = newPool();

  afterAll(async () => {
    await admin.end();
    await dropSchema(schema);
  });

  it('setup and projector: balances written through the StoreTransaction, in the stores’ schema', async () => {
    const { bundle, stop } = await startBank(PG_URL, schema);
    try {
      await admin.query(
        `CREATE TABLE "${schema}".balances (account_id text PRIMARY KEY, balance int NOT NULL)`,
      );
      await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
      for (const amount of [5, 10, 20]) await bundle.commandGateway.send(new Deposit('a1', amount));
      await bundle.untilIdle();
      const { rows } = await admin.query(`SELECT account_id, balance FROM "${schema}".balances`);
      expect(rows).toEqual([{ account_id: 'a1', balance: 35 }]);
      expect((await bundle.consumers())[0]).toMatchObject({
        consumerId: 'bank_BalanceProjector_1_*',
        lag: 0,
      });
    } finally {
      await stop();
    }
  });

  it("pool: 'verify' refuses missing tables, and accepts them once a deploy step has created them", async () => {
    const fresh = newSchemaName();
    const pool = new Pool({ connectionString: PG_URL, max: 4 });
    try {
      await expect(openBankStores(pool, fresh)).rejects.toThrow(ConfigurationError);
      await migrateBank(PG_URL, fresh);
      const { eventStore, stateStore } = await openBankStores(pool, fresh);
      expect(await eventStore.headSequence()).toBe(0);
      expect(await stateStore.listConsumers()).toEqual([]);
      await eventStore.close();
      await stateStore.close();
      // The stores left the pool open.
      await expect(pool.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await pool.end();
      await dropSchema(fresh);
    }
  });
});
