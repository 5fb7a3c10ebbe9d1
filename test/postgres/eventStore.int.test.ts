import { randomBytes, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ConcurrencyError, StoreUnavailableError } from '../../src/errors';
import { PostgresEventStore, type PostgresEventStoreOptions } from '../../src/postgres';
import type { EventToAppend, StoredEvent } from '../../src/stores/eventStore';
import { describeWithService, PG_URL } from '../support/services';
import {
  dropSchema,
  eventually,
  newPool,
  newSchemaName,
  rejectionOf,
  sleep,
  terminateConnections,
  waitFor,
} from './support';

/** A store whose append transactions run `hook` after inserting, before NOTIFY and COMMIT. */
class HookedEventStore extends PostgresEventStore {
  hook: ((client: PoolClient) => Promise<void>) | undefined;

  protected override async beforeCommit(client: PoolClient): Promise<void> {
    await this.hook?.(client);
  }
}

function event(context: string, overrides: Partial<EventToAppend> = {}): EventToAppend {
  return {
    eventName: 'Happened',
    context,
    payload: '{"n":1}',
    metadata: {},
    createdAt: new Date(),
    ...overrides,
  };
}

/** A promise with its resolve function, to hold an append transaction open until released. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

function appName(): string {
  return `evento_test_${randomBytes(4).toString('hex')}`;
}

describeWithService('PostgreSQL', PG_URL)('PostgresEventStore', () => {
  const schema = newSchemaName();
  const admin = newPool();
  const stores: PostgresEventStore[] = [];

  function options(applicationName: string, max: number): PostgresEventStoreOptions {
    return { connectionString: PG_URL, schema, poolConfig: { application_name: applicationName, max } };
  }

  async function open(applicationName = appName()): Promise<PostgresEventStore> {
    const store = await PostgresEventStore.create(options(applicationName, 10));
    stores.push(store);
    return store;
  }

  async function openHooked(applicationName = appName(), max = 10): Promise<HookedEventStore> {
    const store = await HookedEventStore.create(options(applicationName, max));
    stores.push(store);
    return store;
  }

  /** True once a backend of `applicationName` waits for a lock. */
  function waitingForLock(applicationName: string): Promise<boolean> {
    return eventually(async () => {
      const { rows } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [applicationName],
      );
      return rows.length > 0;
    });
  }

  afterAll(async () => {
    for (const store of stores) await store.close();
    await admin.end();
    await dropSchema(schema);
  });

  describe('optimistic concurrency', () => {
    it('maps a concurrent duplicate (aggregate_id, aggregate_version), SQLSTATE 23505, to ConcurrencyError', async () => {
      const first = await openHooked();
      const secondName = appName();
      const second = await open(secondName);
      const id = `agg-${randomUUID()}`;
      const held = gate();
      const entered = gate();
      first.hook = async () => {
        entered.open();
        await held.opened;
      };

      // The first append has inserted version 1 and holds its transaction open...
      const winning = first.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] });
      await entered.opened;
      first.hook = undefined;
      // ...so the second passes the max(version) check and blocks on the unique index.
      const losing = rejectionOf(
        second.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] }),
      );
      try {
        expect(await waitingForLock(secondName)).toBe(true);
      } finally {
        held.open();
      }

      const [won] = await winning;
      const error = await losing;
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ aggregateId: id, expectedVersion: 0, retriable: true });
      expect((error as Error).cause).toMatchObject({ code: '23505' });
      expect(await second.readAggregate(id)).toEqual([won]);
    });
  });

  describe('gap safety', () => {
    it('readStream does not return a later event while an earlier sequence number is uncommitted', async () => {
      const slow = await openHooked();
      const fast = await open();
      const reader = await open();
      const context = `ctx-${randomUUID()}`;
      const held = gate();
      const entered = gate();
      slow.hook = async () => {
        entered.open();
        await held.opened;
      };

      const slowAppend = slow.append({ aggregateId: null, expectedVersion: 0, events: [event(context)] });
      await entered.opened;
      slow.hook = undefined;
      const [later] = await fast.append({ aggregateId: null, expectedVersion: 0, events: [event(context)] });

      // The hazard is real: a plain query already sees the later event but not the earlier one.
      const { rows } = await admin.query<{ sequence_number: string }>(
        `SELECT sequence_number FROM "${schema}".evento_events WHERE context = $1`,
        [context],
      );
      expect(rows.map((r) => Number(r.sequence_number))).toEqual([later?.sequenceNumber]);

      // readStream waits for the earlier transaction instead of returning the later event alone.
      let settled = false;
      const read = reader
        .readStream({ after: 0, limit: 10, contexts: [context] })
        .finally(() => (settled = true));
      try {
        await sleep(300);
        expect(settled).toBe(false);
      } finally {
        held.open();
      }
      const [earlier] = await slowAppend;
      expect(earlier?.sequenceNumber).toBeLessThan(later?.sequenceNumber ?? 0);
      expect((await read).map((e) => e.sequenceNumber)).toEqual([
        earlier?.sequenceNumber,
        later?.sequenceNumber,
      ]);
      expect(await reader.headSequence()).toBeGreaterThanOrEqual(later?.sequenceNumber ?? Infinity);
    });

    it('a reader following 40 concurrent appenders that commit out of order sees every event once, in order', async () => {
      const writer = await openHooked(appName(), 45);
      writer.hook = () => sleep(Math.random() * 50);
      const reader = await open();
      const context = `ctx-${randomUUID()}`;
      const appendsPerWriter = 8;
      const committed: number[] = [];
      let expected = 0;
      let writing = true;

      const appendAll = async (w: number): Promise<void> => {
        const aggregateId = `agg-${w}-${randomUUID()}`;
        let version = 0;
        for (let i = 0; i < appendsPerWriter; i++) {
          const count = 1 + ((w + i) % 3);
          expected += count;
          const events = Array.from({ length: count }, () => event(context));
          // Half the writers append service events, half to their own aggregate.
          const stored =
            w % 2 === 0
              ? await writer.append({ aggregateId: null, expectedVersion: 0, events })
              : await writer.append({ aggregateId, expectedVersion: version, events });
          version += count;
          committed.push(...stored.map((e) => e.sequenceNumber));
        }
      };

      const seen: StoredEvent[] = [];
      const follow = async (): Promise<void> => {
        let offset = 0;
        for (;;) {
          const done = !writing;
          const page = await reader.readStream({ after: offset, limit: 7, contexts: [context] });
          for (const e of page) {
            if (e.sequenceNumber <= offset)
              throw new Error(`after ${offset} readStream returned ${e.sequenceNumber}`);
            seen.push(e);
            offset = e.sequenceNumber;
          }
          if (done && page.length === 0) return;
          if (page.length === 0) await sleep(1);
        }
      };

      const following = follow();
      try {
        await Promise.all(Array.from({ length: 40 }, (_, w) => appendAll(w)));
      } finally {
        writing = false;
      }
      await following;

      const numbers = seen.map((e) => e.sequenceNumber);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers).toEqual([...committed].sort((a, b) => a - b));
      expect(committed).toHaveLength(expected);
      // Transactions really did commit out of sequence order (otherwise the test proves nothing).
      const inversions = committed.filter((n, i) => i > 0 && n < Math.max(...committed.slice(0, i))).length;
      expect(inversions).toBeGreaterThan(0);
    }, 60_000);
  });

  describe('onAppend', () => {
    it("hears other stores' appends through LISTEN/NOTIFY, its own once, and resumes after its connection drops", async () => {
      const writer = await open();
      const listenerName = appName();
      const listening = await open(listenerName);
      let calls = 0;
      const unsubscribe = listening.onAppend(() => calls++);
      // The first LISTEN calls the listener once: appends may have happened before it was active.
      expect(await waitFor(() => calls === 1)).toBe(true);

      await writer.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      expect(await waitFor(() => calls === 2)).toBe(true);

      // Its own append: called directly, and the NOTIFY it also receives is not counted twice.
      await listening.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      expect(calls).toBe(3);
      await sleep(300);
      expect(calls).toBe(3);

      // Killing the LISTEN connection: it reconnects and calls the listener once (it may have missed some).
      expect(await terminateConnections(listenerName)).toBeGreaterThan(0);
      expect(await waitFor(() => calls === 4)).toBe(true);
      await writer.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      expect(await waitFor(() => calls === 5)).toBe(true);

      unsubscribe();
      await writer.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      await sleep(300);
      expect(calls).toBe(5);
    });
  });

  describe('connection loss', () => {
    it('after its connections are killed, the next append succeeds or fails retriably, and the one after succeeds', async () => {
      const name = appName();
      const store = await open(name);
      const id = `agg-${randomUUID()}`;
      await store.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] });
      await Promise.all([store.headSequence(), store.readAggregate(id), store.readAggregate(id)]);
      expect(await terminateConnections(name)).toBeGreaterThan(0);

      let version = 1;
      try {
        await store.append({ aggregateId: id, expectedVersion: version, events: [event('c')] });
        version++;
      } catch (error) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error).toMatchObject({ retriable: true });
      }
      await store.append({ aggregateId: id, expectedVersion: version, events: [event('c')] });
      expect((await store.readAggregate(id)).map((e) => e.aggregateVersion)).toEqual(
        Array.from({ length: version + 1 }, (_, i) => i + 1),
      );
    });

    it('a connection killed inside the append transaction is a StoreUnavailableError and writes nothing', async () => {
      const store = await openHooked();
      const id = `agg-${randomUUID()}`;
      store.hook = async (client) => {
        store.hook = undefined;
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      };

      const error = await rejectionOf(
        store.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] }),
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ retriable: true });
      expect((error as Error).cause).toBeDefined();
      expect(await store.readAggregate(id)).toEqual([]);
      await expect(
        store.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] }),
      ).resolves.toHaveLength(1);
    });

    it('a database that cannot be reached is a StoreUnavailableError', async () => {
      const store = new PostgresEventStore({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        schema,
        poolConfig: { connectionTimeoutMillis: 2000 },
      });
      try {
        const error = await rejectionOf(store.headSequence());
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
      } finally {
        await store.close();
      }
    });
  });
});
