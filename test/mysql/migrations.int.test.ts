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
        'commands',
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
      { component: 'consumer_state', version: 2 },
      { component: 'event_store', version: 1 },
      { component: 'event_store', version: 2 },
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
      { component: 'consumer_state', version: 2 },
      { component: 'event_store', version: 1 },
      { component: 'event_store', version: 2 },
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

  it("an event store of version 1 is refused by 'verify' and upgraded by 'apply': old events get UUID v7 ids from their time", async () => {
    const tablePrefix = uniquePrefix();
    const { migrate } = await import('../../src/mysql/migrations');
    const { EVENT_STORE_MIGRATIONS } = await import('../../src/mysql/eventStoreSchema');
    const pool = createPool(db.uri);
    try {
      await migrate(pool, tablePrefix, 'apply', {
        ...EVENT_STORE_MIGRATIONS,
        migrations: EVENT_STORE_MIGRATIONS.migrations.slice(0, 1),
      });
      const stamps = ['2020-01-01 00:00:00.000', '2024-06-06 07:08:09.010'];
      for (const [i, at] of stamps.entries()) {
        await pool.query(
          `INSERT INTO \`${tablePrefix}events\` (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at) VALUES ('old', ?, 'Old', 'default', '{}', '{}', ?)`,
          [i + 1, at],
        );
      }
      const refused = await MysqlEventStore.create({ uri: db.uri, tablePrefix, migrate: 'verify' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ConfigurationError);
      expect((refused as Error).message).toMatch(
        /is outdated: migration\(s\) 2 \(event ids, idempotency keys\).*migrate: 'apply'/,
      );

      const store = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
      try {
        const old = await store.readAggregate('old');
        expect(old.map((e) => parseInt(e.eventId.replace(/-/g, '').slice(0, 12), 16))).toEqual([
          Date.UTC(2020, 0, 1),
          Date.UTC(2024, 5, 6, 7, 8, 9, 10),
        ]);
        for (const e of old)
          expect(e.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const command = { idempotencyKey: 'k1', commandName: 'C', fingerprint: 'f', resultIsArray: false };
        const first = await store.append({
          aggregateId: 'old',
          expectedVersion: 2,
          events: [event()],
          command,
        });
        expect(
          await store.append({ aggregateId: 'old', expectedVersion: 2, events: [event()], command }),
        ).toEqual(first);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
    }
  });
});

function event() {
  return { eventName: 'Happened', context: 'default', payload: '{}', metadata: {}, createdAt: new Date() };
}
