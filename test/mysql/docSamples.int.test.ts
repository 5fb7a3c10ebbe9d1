/**
 * The code samples of docs/mysql.md (the regions below; test/docs/samples.unit.test.ts checks the
 * page shows them as they are), run against MariaDB.
 */
// #region imports
import { EventHandler, EventoBundle, Projector, StoreTransaction } from 'evento-ts';
import { MysqlConsumerStateStore, MysqlEventStore } from 'evento-ts/mysql';
import { createPool, type Pool, type PoolConnection } from 'mysql2/promise';
// #endregion imports
import { ConfigurationError } from 'evento-ts';
import { AccountAggregate, AccountOpened, Deposit, Deposited, OpenAccount } from '../domain/bank';
import { describeWithService, MYSQL_URL } from '../support/services';
import { createTestDatabase, uniquePrefix, type TestDatabase } from './mysqlTestDb';

// #region projector
/** Keeps each account's balance in the `balances` table, exactly once per event. */
@Projector({ batchSize: 500 })
export class BalanceProjector {
  @EventHandler()
  async onOpened(event: AccountOpened, tx: StoreTransaction<PoolConnection>): Promise<void> {
    await tx.client.query('INSERT INTO balances (account_id, balance) VALUES (?, 0)', [event.accountId]);
  }

  @EventHandler()
  async onDeposited(event: Deposited, tx: StoreTransaction<PoolConnection>): Promise<void> {
    await tx.client.query('UPDATE balances SET balance = balance + ? WHERE account_id = ?', [
      event.amount,
      event.accountId,
    ]);
  }
}
// #endregion projector

// #region setup
export async function startBank(uri: string) {
  // The database named in the URI holds the tables: evento_events, evento_consumers, ...
  const options = { uri, tablePrefix: 'evento_', connectionLimit: 10 };
  // create() creates or migrates the tables (migrate: 'apply', the default) before resolving.
  const eventStore = await MysqlEventStore.create({ ...options, pollIntervalMs: 100 });
  const stateStore = await MysqlConsumerStateStore.create(options);
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
export async function migrateBank(uri: string, tablePrefix: string): Promise<void> {
  await (await MysqlEventStore.create({ uri, tablePrefix })).close();
  await (await MysqlConsumerStateStore.create({ uri, tablePrefix })).close();
}

/** The application: its own pool (utf8mb4, mysql2's default), shared by both stores, tables current. */
export async function openBankStores(pool: Pool, tablePrefix: string) {
  const eventStore = await MysqlEventStore.create({ pool, tablePrefix, migrate: 'verify' });
  const stateStore = await MysqlConsumerStateStore.create({ pool, tablePrefix, migrate: 'verify' });
  return { eventStore, stateStore }; // close() leaves a pool it did not create open: end it yourself
}
// #endregion pool

describeWithService('MariaDB', MYSQL_URL)('docs/mysql.md samples', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('setup and projector: balances written through the StoreTransaction', async () => {
    await db.admin.query('CREATE TABLE balances (account_id VARCHAR(64) PRIMARY KEY, balance INT NOT NULL)');
    const { bundle, stop } = await startBank(db.uri);
    try {
      await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
      for (const amount of [5, 10, 20]) await bundle.commandGateway.send(new Deposit('a1', amount));
      await bundle.untilIdle();
      const [rows] = await db.admin.query('SELECT account_id, balance FROM balances');
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
    const prefix = uniquePrefix();
    const pool = createPool({ uri: db.uri, connectionLimit: 4 });
    try {
      await expect(openBankStores(pool, prefix)).rejects.toThrow(ConfigurationError);
      await migrateBank(db.uri, prefix);
      const { eventStore, stateStore } = await openBankStores(pool, prefix);
      expect(await eventStore.headSequence()).toBe(0);
      expect(await stateStore.listConsumers()).toEqual([]);
      await eventStore.close();
      await stateStore.close();
      // The stores left the pool open.
      const [rows] = await pool.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
