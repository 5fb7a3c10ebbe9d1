/**
 * Upgrading an event store schema of version 2 (before event ids and idempotency keys) to 3:
 * 'verify' refuses the old schema with the fix, 'apply' upgrades it, the events stored before get
 * UUID v7 ids from their own time, and a process of the previous version appending through the
 * old function still works (its events get ids from the column default).
 */
import { ConfigurationError } from '../../src/errors';
import { PostgresEventStore } from '../../src/postgres';
import { Connection } from '../../src/postgres/connection';
import { EVENT_STORE_COMPONENT, EVENT_STORE_MIGRATIONS } from '../../src/postgres/eventStoreSchema';
import { LOCK_CLASS, TableNames } from '../../src/postgres/identifiers';
import { migrate } from '../../src/postgres/migrations';
import { describeWithService, PG_URL } from '../support/services';
import { rejectionOf } from '../support/waiting';
import { dropSchema, newPool, newSchemaName } from './support';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeWithService('PostgreSQL', PG_URL)('PostgreSQL event store upgrade to idempotency keys', () => {
  const schema = newSchemaName();
  const names = new TableNames('evento_', schema);
  const pool = newPool();

  afterAll(async () => {
    await pool.end();
    await dropSchema(schema);
  });

  /** An append through version 2's function, as the previous release makes it. */
  async function appendV2(aggregateId: string, expectedVersion: number, createdAt: Date): Promise<void> {
    await pool.query(
      `SELECT * FROM ${names.table('append_events')}($1, $2, $3, $4, $5, $6, $7, $8::jsonb[], $9, $10, $11)`,
      [
        LOCK_CLASS.append,
        names.lockKey('append'),
        aggregateId,
        expectedVersion,
        ['Old'],
        ['default'],
        ['{"old":true}'],
        ['{}'],
        [createdAt],
        names.channel(),
        'old-process',
      ],
    );
  }

  it("'verify' refuses version 2 with the fix; 'apply' upgrades it and keeps every event, with ids", async () => {
    const connection = new Connection({ connectionString: PG_URL });
    try {
      await migrate(connection, names, EVENT_STORE_COMPONENT, EVENT_STORE_MIGRATIONS.slice(0, 2), 'apply');
    } finally {
      await connection.end();
    }
    const stamps = [new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2024, 5, 6, 7, 8, 9, 10))];
    await appendV2('old', 0, stamps[0] as Date);
    await appendV2('old', 1, stamps[1] as Date);

    const error = await rejectionOf(
      PostgresEventStore.create({ connectionString: PG_URL, schema, migrate: 'verify' }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/at version 2 of 3.*migrate: 'apply'/);

    const store = await PostgresEventStore.create({ connectionString: PG_URL, schema });
    try {
      const old = await store.readAggregate('old');
      expect(old.map((e) => e.aggregateVersion)).toEqual([1, 2]);
      for (const [i, event] of old.entries()) {
        expect(event.eventId).toMatch(UUID_V7);
        // The id's first 48 bits are the event's own time.
        expect(parseInt(event.eventId.replace(/-/g, '').slice(0, 12), 16)).toBe(stamps[i]?.getTime());
      }

      // The previous release, still running during a rolling upgrade, appends through the old function.
      await appendV2('old', 2, new Date());
      const [late] = await store.readAggregate('old', 2);
      expect(late?.eventId).toMatch(UUID_V7);

      // This release records keys on the upgraded schema.
      const command = { idempotencyKey: 'k1', commandName: 'C', fingerprint: 'f', resultIsArray: false };
      const event = {
        eventName: 'New',
        context: 'default',
        payload: '{}',
        metadata: {},
        createdAt: new Date(),
      };
      const first = await store.append({ aggregateId: 'old', expectedVersion: 3, events: [event], command });
      expect(
        await store.append({ aggregateId: 'old', expectedVersion: 3, events: [event], command }),
      ).toEqual(first);
      expect(await store.readAggregate('old')).toHaveLength(4);
      await store.close();
      const verified = await PostgresEventStore.create({
        connectionString: PG_URL,
        schema,
        migrate: 'verify',
      });
      await verified.close();
    } finally {
      await store.close();
    }
  });
});
