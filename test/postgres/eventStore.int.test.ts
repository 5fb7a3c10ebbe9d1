import { randomBytes, randomUUID } from 'node:crypto';
import { ConcurrencyError, ConfigurationError, StoreUnavailableError } from '../../src/errors';
import { PostgresEventStore, type PostgresEventStoreOptions } from '../../src/postgres';
import { Connection } from '../../src/postgres/connection';
import { EVENT_STORE_COMPONENT, EVENT_STORE_MIGRATIONS } from '../../src/postgres/eventStoreSchema';
import { TableNames } from '../../src/postgres/identifiers';
import { migrate } from '../../src/postgres/migrations';
import type { EventToAppend, StoredEvent } from '../../src/stores/eventStore';
import { describeWithService, PG_URL } from '../support/services';
import {
  appendTrigger,
  dropSchema,
  holdAppends,
  newPool,
  newSchemaName,
  terminateConnections,
  terminateWaiting,
} from './support';
import { eventually, rejectionOf, sleep } from '../support/waiting';

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

  async function open(applicationName = appName(), max = 10): Promise<PostgresEventStore> {
    const store = await PostgresEventStore.create(options(applicationName, max));
    stores.push(store);
    return store;
  }

  /** Resolves once a backend of `applicationName` waits for a lock (rejects if none does in time). */
  function waitingForLock(applicationName: string): Promise<void> {
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
      const firstName = appName();
      const first = await open(firstName);
      const secondName = appName();
      const second = await open(secondName);
      const id = `agg-${randomUUID()}`;
      const held = await holdAppends(admin, schema, firstName);
      let winning: Promise<StoredEvent[]> | undefined;
      let losing: Promise<unknown> | undefined;
      try {
        // The first append has inserted version 1 and waits inside its transaction...
        winning = first.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] });
        await waitingForLock(firstName);
        // ...so the second passes the max(version) check and blocks on the unique index.
        losing = rejectionOf(second.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] }));
        await waitingForLock(secondName);
      } finally {
        await held.drop();
      }

      const [won] = await winning;
      const error = await losing;
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ aggregateId: id, expectedVersion: 0, retriable: true });
      expect((error as Error).cause).toMatchObject({ code: '23505' });
      expect(await second.readAggregate(id)).toEqual([won]);
    });
  });

  describe('append (one append_events statement)', () => {
    async function countRows(aggregateId: string): Promise<number> {
      const { rows } = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}".evento_events WHERE aggregate_id = $1`,
        [aggregateId],
      );
      return Number(rows[0]?.n);
    }

    it('a wrong expected version is a ConcurrencyError with the actual version, and inserts nothing', async () => {
      const store = await open();
      const id = `agg-${randomUUID()}`;
      const [first] = await store.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] });
      await store.append({ aggregateId: id, expectedVersion: 1, events: [event('c'), event('c')] });

      for (const expectedVersion of [0, 2, 5]) {
        const error = await rejectionOf(
          store.append({ aggregateId: id, expectedVersion, events: [event('c'), event('c')] }),
        );
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ aggregateId: id, expectedVersion, actualVersion: 3, retriable: true });
        // Found by the version check, not by the unique index.
        expect((error as Error).cause).toBeUndefined();
      }
      const missing = `agg-${randomUUID()}`;
      await expect(
        store.append({ aggregateId: missing, expectedVersion: 2, events: [event('c')] }),
      ).rejects.toMatchObject({ aggregateId: missing, expectedVersion: 2, actualVersion: 0 });

      expect(await countRows(id)).toBe(3);
      expect(await countRows(missing)).toBe(0);
      expect((await store.readAggregate(id)).map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
      // The check comes before any sequence number is drawn: the rejected appends used none.
      const [next] = await store.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      expect(next?.sequenceNumber).toBe((first?.sequenceNumber ?? NaN) + 3);
    });

    it('numbers a multi-event append and an aggregate-less append ascending, with the right versions', async () => {
      const store = await open();
      const id = `agg-${randomUUID()}`;
      const context = `ctx-${randomUUID()}`;
      const createdAt = new Date('2024-01-02T03:04:05.678Z');
      const events = [1, 2, 3].map((n) =>
        event(context, { eventName: `E${n}`, payload: `{"n":${n}}`, metadata: { n: String(n) }, createdAt }),
      );

      const first = await store.append({ aggregateId: id, expectedVersion: 0, events });
      const second = await store.append({ aggregateId: id, expectedVersion: 3, events: events.slice(0, 2) });
      const service = await store.append({ aggregateId: null, expectedVersion: 0, events });

      const ascending = (stored: StoredEvent[]): void => {
        const numbers = stored.map((e) => e.sequenceNumber);
        expect(numbers.every((n, i) => Number.isInteger(n) && (i === 0 || n > (numbers[i - 1] ?? n)))).toBe(
          true,
        );
      };
      for (const stored of [first, second, service]) ascending(stored);
      ascending([...first, ...second, ...service]);
      expect(first.map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
      expect(second.map((e) => e.aggregateVersion)).toEqual([4, 5]);
      expect(service.map((e) => e.aggregateVersion)).toEqual([null, null, null]);
      expect(service.map((e) => e.aggregateId)).toEqual([null, null, null]);

      // The returned events are frozen, carry what was appended, and are what a read returns.
      expect(first[1]).toEqual({
        eventName: 'E2',
        context,
        payload: '{"n":2}',
        metadata: { n: '2' },
        createdAt,
        sequenceNumber: first[1]?.sequenceNumber,
        aggregateId: id,
        aggregateVersion: 2,
        eventId: first[1]?.eventId,
      });
      expect(first[1]?.eventId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      for (const e of [...first, ...service]) {
        expect(Object.isFrozen(e)).toBe(true);
        expect(Object.isFrozen(e.metadata)).toBe(true);
      }
      expect(await store.readAggregate(id)).toEqual([...first, ...second]);
      const read = await store.readStream({ after: 0, limit: 100, contexts: [context] });
      expect(read).toEqual([...first, ...second, ...service]);
      expect(read.every((e) => Object.isFrozen(e) && Object.isFrozen(e.metadata))).toBe(true);
    });

    it('append_events rejects calls that would break the protocol or the rows, inserting nothing', async () => {
      const store = await open();
      await store.headSequence();
      const fn = `"${schema}".evento_append_events`;
      const id = `agg-${randomUUID()}`;
      const call = (lockClass: number | null, names: string[], contexts: string[], expected: number | null) =>
        rejectionOf(
          admin.query(`SELECT * FROM ${fn}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
            lockClass,
            1,
            id,
            expected,
            names,
            contexts,
            names.map(() => '{}'),
            names.map(() => '{}'),
            names.map(() => new Date()),
            'evento_test_channel',
            'x',
          ]),
        );
      // Without a lock key the (strict) lock function would silently take no lock.
      expect(await call(null, ['E'], ['c'], 0)).toMatchObject({ code: '22023' });
      expect(await call(1, ['E', 'F'], ['c'], 0)).toMatchObject({ code: '22023' });
      expect(await call(1, [], [], 0)).toMatchObject({ code: '22023' });
      expect(await call(1, ['E'], ['c'], null)).toMatchObject({ code: '22023' });
      expect(await countRows(id)).toBe(0);
    });
  });

  describe('gap safety', () => {
    it('readStream does not return a later event while an earlier sequence number is uncommitted', async () => {
      const slowName = appName();
      const slow = await open(slowName);
      const fast = await open();
      const reader = await open();
      const context = `ctx-${randomUUID()}`;
      const held = await holdAppends(admin, schema, slowName);
      let slowAppend: Promise<StoredEvent[]> | undefined;
      let later: StoredEvent | undefined;
      let read: Promise<StoredEvent[]> | undefined;
      try {
        // The slow append has drawn its sequence number and inserted, and waits before COMMIT.
        slowAppend = slow.append({ aggregateId: null, expectedVersion: 0, events: [event(context)] });
        await waitingForLock(slowName);
        [later] = await fast.append({ aggregateId: null, expectedVersion: 0, events: [event(context)] });

        // The hazard is real: a plain query already sees the later event but not the earlier one.
        const { rows } = await admin.query<{ sequence_number: string }>(
          `SELECT sequence_number FROM "${schema}".evento_events WHERE context = $1`,
          [context],
        );
        expect(rows.map((r) => Number(r.sequence_number))).toEqual([later?.sequenceNumber]);

        // readStream waits for the earlier transaction instead of returning the later event alone.
        let settled = false;
        read = reader
          .readStream({ after: 0, limit: 10, contexts: [context] })
          .finally(() => (settled = true));
        await sleep(300);
        expect(settled).toBe(false);
      } finally {
        await held.drop();
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
      const writerName = appName();
      const writer = await open(writerName, 45);
      // Each append waits up to 50 ms after its INSERT, holding its sequence numbers uncommitted.
      const dropTrigger = await appendTrigger(
        admin,
        schema,
        writerName,
        'PERFORM pg_sleep(random() * 0.05);',
      );
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
        await dropTrigger();
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
      await eventually(() => calls === 1);

      await writer.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      await eventually(() => calls === 2);

      // Its own append: called directly, and the NOTIFY it also receives is not counted twice.
      await listening.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      expect(calls).toBe(3);
      await sleep(300);
      expect(calls).toBe(3);

      // Killing the LISTEN connection: it reconnects and calls the listener once (it may have missed some).
      expect(await terminateConnections(listenerName)).toBeGreaterThan(0);
      await eventually(() => calls === 4);
      await writer.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      await eventually(() => calls === 5);

      unsubscribe();
      await writer.append({ aggregateId: null, expectedVersion: 0, events: [event('c')] });
      await sleep(300);
      expect(calls).toBe(5);
    });
  });

  describe('connection loss', () => {
    it('after its connections are killed, appends fail only retriably, at most once per killed connection, then succeed', async () => {
      const name = appName();
      const store = await open(name);
      const id = `agg-${randomUUID()}`;
      await store.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] });
      await Promise.all([store.headSequence(), store.readAggregate(id), store.readAggregate(id)]);
      const killed = await terminateConnections(name);
      expect(killed).toBeGreaterThan(0);

      // An append is one autocommit statement, which is never sent twice (it may have committed):
      // a pooled connection whose death the pool has not noticed yet fails the append it is given.
      let version = 1;
      let failures = 0;
      for (let appended = 0; appended < 2;) {
        try {
          await store.append({ aggregateId: id, expectedVersion: version, events: [event('c')] });
          version++;
          appended++;
        } catch (error) {
          expect(error).toBeInstanceOf(StoreUnavailableError);
          expect(error).toMatchObject({ retriable: true });
          failures++;
          expect(failures).toBeLessThanOrEqual(killed);
        }
      }
      expect((await store.readAggregate(id)).map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
    });

    it('a connection killed inside the append transaction is a StoreUnavailableError and writes nothing', async () => {
      const name = appName();
      const store = await open(name);
      const id = `agg-${randomUUID()}`;
      const held = await holdAppends(admin, schema, name);
      let error: unknown;
      try {
        // The append has inserted its event and waits before COMMIT when its backend is killed.
        const appending = rejectionOf(
          store.append({ aggregateId: id, expectedVersion: 0, events: [event('c')] }),
        );
        await waitingForLock(name);
        expect(await terminateWaiting(admin, name)).toBe(1);
        error = await appending;
      } finally {
        await held.drop();
      }
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

describeWithService('PostgreSQL', PG_URL)('PostgresEventStore prepared statements', () => {
  const schema = newSchemaName();

  afterAll(async () => {
    await dropSchema(schema);
  });

  /** The names of the statements prepared on the one connection of `pool`. */
  async function prepared(pool: ReturnType<typeof newPool>): Promise<string[]> {
    const { rows } = await pool.query<{ name: string }>(
      'SELECT name FROM pg_prepared_statements ORDER BY name',
    );
    return rows.map((r) => r.name);
  }

  async function appendAndRead(store: PostgresEventStore): Promise<void> {
    const id = `agg-${randomUUID()}`;
    for (let version = 0; version < 3; version++) {
      await store.append({ aggregateId: id, expectedVersion: version, events: [event('c')] });
      expect((await store.readAggregate(id)).map((e) => e.aggregateVersion)).toHaveLength(version + 1);
    }
    await expect(store.append({ aggregateId: id, expectedVersion: 1, events: [event('c')] })).rejects.toThrow(
      ConcurrencyError,
    );
  }

  it('names the append and read statements, so a connection prepares each once', async () => {
    const pool = newPool({ max: 1 });
    const store = await PostgresEventStore.create({ pool, schema });
    try {
      await appendAndRead(store);
      const names = await prepared(pool);
      // append_events and readAggregate, each prepared once however often it ran
      expect(names).toHaveLength(2);
      expect(names.every((name) => name.startsWith('evento_'))).toBe(true);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('sends unnamed statements with preparedStatements: false, and refuses a value that is not a boolean', async () => {
    const pool = newPool({ max: 1 });
    const store = await PostgresEventStore.create({ pool, schema, preparedStatements: false });
    try {
      await appendAndRead(store);
      expect(await prepared(pool)).toEqual([]);
    } finally {
      await store.close();
      await pool.end();
    }
    expect(
      () =>
        new PostgresEventStore({
          connectionString: PG_URL,
          schema,
          preparedStatements: 'yes' as unknown as boolean,
        }),
    ).toThrow(/preparedStatements must be true or false \(got "yes"\)/);
  });
});

describeWithService('PostgreSQL', PG_URL)('PostgresEventStore on a version 1 schema', () => {
  const schema = newSchemaName();
  const names = new TableNames('evento_', schema);

  afterAll(async () => {
    await dropSchema(schema);
  });

  it("is refused by 'verify' and upgraded to the current version (append_events) by 'apply', keeping its events", async () => {
    const connection = new Connection({ connectionString: PG_URL });
    try {
      await migrate(connection, names, EVENT_STORE_COMPONENT, EVENT_STORE_MIGRATIONS.slice(0, 1), 'apply');
      // An event written before the upgrade (by the version 1 protocol).
      await connection.transaction('test', async (client) => {
        await client.query(
          `INSERT INTO ${names.table('events')} (aggregate_id, aggregate_version, event_name, context, payload, created_at)
           VALUES ('old', 1, 'E', 'c', '{}', now())`,
        );
      });
    } finally {
      await connection.end();
    }
    const options = { connectionString: PG_URL, schema } as const;

    const refused = await rejectionOf(PostgresEventStore.create({ ...options, migrate: 'verify' }));
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toMatch(/at version 1 of 3.*migrate: 'apply'/);

    const applied = await PostgresEventStore.create({ ...options, migrate: 'apply' });
    try {
      const [stored] = await applied.append({ aggregateId: 'old', expectedVersion: 1, events: [event('c')] });
      expect(stored).toMatchObject({ aggregateId: 'old', aggregateVersion: 2, sequenceNumber: 2 });
      await expect(
        applied.append({ aggregateId: 'old', expectedVersion: 1, events: [event('c')] }),
      ).rejects.toMatchObject({ actualVersion: 2 });
    } finally {
      await applied.close();
    }

    const pool = newPool();
    try {
      const { rows } = await pool.query<{ version: number; description: string }>(
        `SELECT version, description FROM ${names.table('migrations')} WHERE component = $1 ORDER BY version`,
        [EVENT_STORE_COMPONENT],
      );
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
      const fn = await pool.query('SELECT to_regproc($1) IS NOT NULL AS found', [
        `${names.table('append_events')}`,
      ]);
      expect(fn.rows).toEqual([{ found: true }]);
    } finally {
      await pool.end();
    }
    const verified = await PostgresEventStore.create({ ...options, migrate: 'verify' });
    try {
      expect((await verified.readAggregate('old')).map((e) => e.aggregateVersion)).toEqual([1, 2]);
    } finally {
      await verified.close();
    }
  });
});
