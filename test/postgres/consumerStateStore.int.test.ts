import { randomBytes, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ConcurrencyError, LeaseLostError, StoreUnavailableError } from '../../src/errors';
import { PostgresConsumerStateStore } from '../../src/postgres';
import type { ConsumerCommit, DeadEvent } from '../../src/stores/consumerStateStore';
import { describeWithService, PG_URL } from '../support/services';
import { dropSchema, newPool, newSchemaName, terminateConnections } from './support';
import { rejectionOf } from '../support/waiting';

function appName(): string {
  return `evento_test_${randomBytes(4).toString('hex')}`;
}

function deadEvent(consumerId: string, sequenceNumber: number): DeadEvent {
  return {
    consumerId,
    event: {
      sequenceNumber,
      aggregateId: null,
      aggregateVersion: null,
      eventName: 'E',
      context: 'c',
      payload: '{"b":1, "a":2}',
      metadata: {},
      createdAt: new Date(1_700_000_000_000),
      eventId: `0190a5d0-0000-7000-8000-${String(sequenceNumber).padStart(12, '0')}`,
    },
    errorName: 'Error',
    errorMessage: 'failed',
    errorStack: undefined,
    deadAt: new Date(1_700_000_001_000),
    retries: 0,
  };
}

describeWithService('PostgreSQL', PG_URL)('PostgresConsumerStateStore', () => {
  const schema = newSchemaName();
  const admin = newPool();
  const projection = `"${schema}".projection`;
  const stores: PostgresConsumerStateStore[] = [];

  async function open(applicationName = appName(), max = 10): Promise<PostgresConsumerStateStore> {
    const store = await PostgresConsumerStateStore.create({
      connectionString: PG_URL,
      schema,
      poolConfig: { application_name: applicationName, max },
    });
    stores.push(store);
    return store;
  }

  /** A consumer at offset 0 whose lease `owner` holds. */
  async function leased(store: PostgresConsumerStateStore): Promise<{ id: string; owner: string }> {
    const id = `consumer-${randomUUID()}`;
    const owner = `owner-${randomUUID()}`;
    await store.ensureConsumer(id, 0);
    expect(await store.acquireLease(id, owner, 60_000)).toBe(true);
    return { id, owner };
  }

  async function projected(id: string): Promise<string[]> {
    const { rows } = await admin.query<{ value: string }>(
      `SELECT value FROM ${projection} WHERE id = $1 ORDER BY value`,
      [id],
    );
    return rows.map((r) => r.value);
  }

  function project(id: string, value: string) {
    return async (transaction: unknown): Promise<void> => {
      await (transaction as PoolClient).query(`INSERT INTO ${projection} (id, value) VALUES ($1, $2)`, [
        id,
        value,
      ]);
    };
  }

  beforeAll(async () => {
    // The store creates the schema; the projection table lives next to its tables.
    await open();
    await admin.query(`CREATE TABLE ${projection} (id text NOT NULL, value text NOT NULL)`);
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await admin.end();
    await dropSchema(schema);
  });

  describe('commit with work', () => {
    it('runs work on the transaction: a throwing work rolls back its own writes and the whole commit', async () => {
      const store = await open();
      const { id, owner } = await leased(store);
      const sagaName = `Saga-${randomUUID()}`;
      const base: ConsumerCommit = { consumerId: id, owner, expectedVersion: 0, offset: 3 };
      await store.commit({
        ...base,
        sagaUpserts: [{ sagaName, sagaId: 's1', stateName: 'S', state: '{}', associations: { k: 'v' } }],
        deadEvents: [deadEvent(id, 2)],
      });
      const before = {
        consumer: await store.getConsumer(id),
        sagas: await store.listSagaInstances(sagaName),
        dead: await store.listDeadEvents(id),
      };
      const failure = new Error('projection failed');
      let seenFromOutside: string[] | undefined;

      const failing: ConsumerCommit = {
        consumerId: id,
        owner,
        expectedVersion: 1,
        offset: 9,
        sagaUpserts: [{ sagaName, sagaId: 's2', stateName: 'S', state: '{}', associations: { k: 'w' } }],
        sagaDeletes: [{ sagaName, sagaId: 's1' }],
        deadEvents: [deadEvent(id, 8)],
        deadEventRemovals: [2],
        error: { since: new Date(), lastErrorAt: new Date(), count: 1, message: 'x' },
      };
      const error = await rejectionOf(
        store.commit(failing, async (transaction) => {
          await project(id, 'first try')(transaction);
          // Inside the transaction: another connection cannot see the write yet.
          seenFromOutside = await projected(id);
          throw failure;
        }),
      );

      expect(error).toBe(failure);
      expect(seenFromOutside).toEqual([]);
      expect(await projected(id)).toEqual([]);
      expect({
        consumer: await store.getConsumer(id),
        sagas: await store.listSagaInstances(sagaName),
        dead: await store.listDeadEvents(id),
      }).toEqual(before);

      // The same commit with work that succeeds writes the projection and the offset together.
      await expect(store.commit(failing, project(id, 'second try'))).resolves.toMatchObject({
        offset: 9,
        version: 2,
      });
      expect(await projected(id)).toEqual(['second try']);
      expect(await store.listSagaInstances(sagaName)).toMatchObject([{ sagaId: 's2' }]);
    });

    it('a commit rejected for its version does not run work, and says which versions', async () => {
      const store = await open();
      const { id, owner } = await leased(store);
      await store.commit({ consumerId: id, owner, expectedVersion: 0, offset: 1 });
      let ran = false;
      const error = await rejectionOf(
        store.commit({ consumerId: id, owner, expectedVersion: 0, offset: 2 }, async () => {
          ran = true;
        }),
      );
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ aggregateId: id, expectedVersion: 0, actualVersion: 1 });
      expect(ran).toBe(false);
    });
  });

  describe('leases', () => {
    it('LeaseLostError names the consumer, the owner and the holder', async () => {
      const store = await open();
      const { id, owner } = await leased(store);
      const error = await rejectionOf(
        store.commit({ consumerId: id, owner: 'intruder', expectedVersion: 0, offset: 1 }),
      );
      expect(error).toBeInstanceOf(LeaseLostError);
      expect((error as Error).message).toContain(id);
      expect((error as Error).message).toContain('intruder');
      expect((error as Error).message).toContain(owner);
      expect(error).toMatchObject({ context: { consumerId: id, owner: 'intruder', holder: owner } });
    });

    it('times leases by the database clock and holds no connection or session lock', async () => {
      const name = appName();
      // One connection: a lease that pinned it would block every other call.
      const store = await open(name, 1);
      const { id, owner } = await leased(store);
      const lease = await store.getLease(id);
      const { rows } = await admin.query<{ now: Date }>('SELECT clock_timestamp() AS now');
      const dbNow = rows[0]?.now.getTime() ?? 0;
      expect(Math.abs((lease?.expiresAt.getTime() ?? 0) - (dbNow + 60_000))).toBeLessThan(2_000);

      const locks = await admin.query(
        `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE a.application_name = $1 AND l.locktype = 'advisory'`,
        [name],
      );
      expect(locks.rows).toEqual([]);
      const other = await leased(store);
      await expect(
        store.commit({ consumerId: id, owner, expectedVersion: 0, offset: 1 }),
      ).resolves.toMatchObject({
        version: 1,
      });
      await expect(
        store.commit({ consumerId: other.id, owner: other.owner, expectedVersion: 0, offset: 1 }),
      ).resolves.toMatchObject({ version: 1 });
    });
  });

  describe('connection loss', () => {
    it('after its connections are killed, the next commit succeeds or fails retriably, and the one after succeeds', async () => {
      const name = appName();
      const store = await open(name);
      const { id, owner } = await leased(store);
      await Promise.all([store.getConsumer(id), store.getLease(id), store.listConsumers()]);
      expect(await terminateConnections(name)).toBeGreaterThan(0);

      let version = 0;
      try {
        await store.commit({ consumerId: id, owner, expectedVersion: version, offset: 1 });
        version++;
      } catch (error) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error).toMatchObject({ retriable: true });
      }
      await expect(
        store.commit({ consumerId: id, owner, expectedVersion: version, offset: 2 }),
      ).resolves.toMatchObject({
        version: version + 1,
        offset: 2,
      });
    });

    it('a connection killed during work is a StoreUnavailableError and writes nothing', async () => {
      const store = await open();
      const { id, owner } = await leased(store);
      const error = await rejectionOf(
        store.commit({ consumerId: id, owner, expectedVersion: 0, offset: 5 }, async (transaction) => {
          const client = transaction as PoolClient;
          await project(id, 'lost')(client);
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
          await client.query('SELECT 1');
        }),
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(await projected(id)).toEqual([]);
      expect(await store.getConsumer(id)).toMatchObject({ offset: 0, version: 0 });
      await expect(
        store.commit({ consumerId: id, owner, expectedVersion: 0, offset: 5 }, project(id, 'kept')),
      ).resolves.toMatchObject({ offset: 5, version: 1 });
      expect(await projected(id)).toEqual(['kept']);
    });
  });
});
