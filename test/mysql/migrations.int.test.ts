import { createPool } from 'mysql2/promise';
import { ConfigurationError } from '../../src/errors';
import { MysqlConsumerStateStore, MysqlEventStore } from '../../src/mysql';
import { describeWithService, MYSQL_URL } from '../support/services';
import { createTestDatabase, uniquePrefix, type TestDatabase } from './mysqlTestDb';

describeWithService('MariaDB', MYSQL_URL)('MySQL store migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  async function migrationRows(prefix: string): Promise<{ component: string; version: number }[]> {
    const [rows] = await db.admin.query(
      `SELECT component, version FROM \`${prefix}migrations\` ORDER BY component, version`,
    );
    return rows as { component: string; version: number }[];
  }

  async function tables(prefix: string): Promise<string[]> {
    const [rows] = await db.admin.query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ? ORDER BY TABLE_NAME',
      [`${prefix.replace(/_/g, '\\_')}%`],
    );
    return (rows as { name: string }[]).map((r) => r.name);
  }

  it("verify on a missing schema is a ConfigurationError that says to run with migrate: 'apply'", async () => {
    const tablePrefix = uniquePrefix();
    for (const create of [
      () => MysqlEventStore.create({ uri: db.uri, tablePrefix, migrate: 'verify' }),
      () => MysqlConsumerStateStore.create({ uri: db.uri, tablePrefix, migrate: 'verify' }),
    ]) {
      const error = await create().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain("migrate: 'apply'");
      expect((error as Error).message).toContain('is missing');
    }
    expect(await tables(tablePrefix)).toEqual([]);
  });

  it('apply creates the schema and records it; verify then passes; an outdated schema fails verify', async () => {
    const tablePrefix = uniquePrefix();
    const events = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
    const consumers = await MysqlConsumerStateStore.create({ uri: db.uri, tablePrefix, migrate: 'apply' });
    await events.close();
    await consumers.close();

    expect(await tables(tablePrefix)).toEqual(
      [
        'append_gate',
        'consumers',
        'dead_events',
        'events',
        'leases',
        'migrations',
        'saga_associations',
        'saga_instances',
        'snapshots',
      ].map((t) => tablePrefix + t),
    );
    expect(await migrationRows(tablePrefix)).toEqual([
      { component: 'consumer_state', version: 1 },
      { component: 'event_store', version: 1 },
    ]);

    const verified = await MysqlEventStore.create({ uri: db.uri, tablePrefix, migrate: 'verify' });
    await verified.append({ aggregateId: 'a', expectedVersion: 0, events: [event()] });
    await verified.close();
    await (await MysqlConsumerStateStore.create({ uri: db.uri, tablePrefix, migrate: 'verify' })).close();

    await db.admin.query(`DELETE FROM \`${tablePrefix}migrations\` WHERE component = 'event_store'`);
    await db.admin.query(
      `INSERT INTO \`${tablePrefix}migrations\` VALUES ('event_store', 0, 'older', UTC_TIMESTAMP(3))`,
    );
    const outdated = await MysqlEventStore.create({ uri: db.uri, tablePrefix, migrate: 'verify' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(outdated).toBeInstanceOf(ConfigurationError);
    expect((outdated as Error).message).toMatch(/is outdated.*migrate: 'apply'/);
    // apply brings it back up to date without touching the data.
    const reapplied = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
    expect(await reapplied.readAggregate('a')).toHaveLength(1);
    await reapplied.close();
  });

  it('stores starting at once migrate once, one after the other', async () => {
    const tablePrefix = uniquePrefix();
    const stores = await Promise.all([
      ...Array.from({ length: 4 }, () => MysqlEventStore.create({ uri: db.uri, tablePrefix })),
      ...Array.from({ length: 4 }, () => MysqlConsumerStateStore.create({ uri: db.uri, tablePrefix })),
    ]);
    await Promise.all(stores.map((s) => s.close()));

    expect(await migrationRows(tablePrefix)).toEqual([
      { component: 'consumer_state', version: 1 },
      { component: 'event_store', version: 1 },
    ]);
    const [gate] = await db.admin.query(`SELECT id FROM \`${tablePrefix}append_gate\``);
    expect(gate).toEqual([{ id: 1 }]);
  });

  it('leaves a pool it was given open, and ends a pool it created', async () => {
    const pool = createPool({ uri: db.uri, connectionLimit: 2 });
    try {
      const store = await MysqlEventStore.create({ pool, tablePrefix: uniquePrefix() });
      await store.close();
      const consumers = await MysqlConsumerStateStore.create({ pool, tablePrefix: uniquePrefix() });
      await consumers.close();
      await expect(pool.query('SELECT 1 AS one')).resolves.toBeDefined();
    } finally {
      await pool.end();
    }

    const owning = await MysqlEventStore.create({ uri: db.uri, tablePrefix: uniquePrefix() });
    await owning.close();
    await expect(owning.headSequence()).rejects.toThrow();
  });
});

function event() {
  return { eventName: 'Happened', context: 'default', payload: '{}', metadata: {}, createdAt: new Date() };
}
