import { ConcurrencyError } from '../../src/errors';
import { createPool } from 'mysql2/promise';
import { MysqlConsumerStateStore, MysqlEventStore } from '../../src/mysql';
import type { EventToAppend, StoredEvent } from '../../src/stores/eventStore';
import { describeWithService, MYSQL_URL } from '../support/services';
import { HeldEventStore } from './heldEventStore';
import { createTestDatabase, deferred, sleep, uniquePrefix, type TestDatabase } from './mysqlTestDb';

function event(overrides: Partial<EventToAppend> = {}): EventToAppend {
  return {
    eventName: 'Happened',
    context: 'default',
    payload: '{"n":1}',
    metadata: {},
    createdAt: new Date(),
    ...overrides,
  };
}

describeWithService('MariaDB', MYSQL_URL)('MysqlEventStore', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('maps ER_DUP_ENTRY of a concurrent append that passed the version check to ConcurrencyError', async () => {
    const tablePrefix = uniquePrefix();
    const first = await HeldEventStore.open({ uri: db.uri, tablePrefix });
    const second = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
    try {
      const inserted = deferred();
      const release = deferred();
      first.hold = async () => {
        inserted.resolve();
        await release.promise;
      };
      const winning = first.append({ aggregateId: 'order-1', expectedVersion: 0, events: [event()] });
      await inserted.promise;
      // The first append's row is not committed: the second passes the version check, then waits
      // on the unique key until the first commits, and gets ER_DUP_ENTRY.
      const losing = second
        .append({ aggregateId: 'order-1', expectedVersion: 0, events: [event({ eventName: 'Other' })] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      await sleep(100);
      release.resolve();
      const [won] = await winning;
      const error = await losing;

      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ aggregateId: 'order-1', expectedVersion: 0, actualVersion: 1 });
      expect(((error as Error).cause as { errno?: number }).errno).toBe(1062);
      expect(await second.readAggregate('order-1')).toEqual([won]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  describe('gap safety', () => {
    it('never returns an event while one with a smaller sequence number is still uncommitted', async () => {
      const tablePrefix = uniquePrefix();
      const writer = await HeldEventStore.open({ uri: db.uri, tablePrefix });
      const reader = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
      try {
        const inserted = deferred();
        const release = deferred();
        writer.hold = async () => {
          inserted.resolve();
          await release.promise;
        };
        const slow = writer.append({ aggregateId: 'slow', expectedVersion: 0, events: [event()] });
        await inserted.promise;
        writer.hold = async () => undefined;
        const [fast] = await writer.append({ aggregateId: 'fast', expectedVersion: 0, events: [event()] });

        // The later number is committed and visible; a naive reader would move past the earlier one.
        const [visible] = await db.admin.query(`SELECT sequence_number FROM \`${tablePrefix}events\``);
        expect(visible).toEqual([{ sequence_number: fast?.sequenceNumber }]);

        let read: StoredEvent[] | undefined;
        let head: number | undefined;
        const reading = reader.readStream({ after: 0, limit: 100 }).then((r) => (read = r));
        const heading = reader.headSequence().then((h) => (head = h));
        await sleep(300);
        expect(read).toBeUndefined();
        expect(head).toBeUndefined();

        release.resolve();
        const [slowEvent] = await slow;
        await Promise.all([reading, heading]);
        expect(slowEvent?.sequenceNumber).toBeLessThan(fast?.sequenceNumber ?? 0);
        expect(read).toEqual([slowEvent, fast]);
        expect(head).toBe(fast?.sequenceNumber);
      } finally {
        await writer.close();
        await reader.close();
      }
    });

    it('a reader following 40 concurrent appends that commit out of order sees each once, in order', async () => {
      const tablePrefix = uniquePrefix();
      const writer = await HeldEventStore.open({ uri: db.uri, tablePrefix, connectionLimit: 45 });
      const reader = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
      writer.hold = () => sleep(Math.random() * 50);
      try {
        const appended: number[] = [];
        const commitOrder: number[] = [];
        const seen: number[] = [];
        let writing = true;

        const follow = async (): Promise<void> => {
          let offset = 0;
          for (;;) {
            const done = !writing;
            const page = await reader.readStream({ after: offset, limit: 7 });
            for (const e of page) {
              expect(e.sequenceNumber).toBeGreaterThan(offset);
              seen.push(e.sequenceNumber);
              offset = e.sequenceNumber;
            }
            if (done && page.length === 0) return;
            if (page.length === 0) await sleep(1);
          }
        };

        const following = follow();
        try {
          await Promise.all(
            Array.from({ length: 40 }, async (_, i) => {
              await sleep(Math.random() * 20);
              const stored = await writer.append({
                aggregateId: i % 4 === 0 ? null : `agg-${i}`,
                expectedVersion: 0,
                events: Array.from({ length: 1 + (i % 3) }, () => event()),
              });
              appended.push(...stored.map((e) => e.sequenceNumber));
              commitOrder.push(stored[0]?.sequenceNumber ?? 0);
            }),
          );
        } finally {
          writing = false;
        }
        await following;

        // The scenario really happened: some append committed before one with a smaller number.
        expect(commitOrder.some((seq, i) => i > 0 && seq < (commitOrder[i - 1] ?? 0))).toBe(true);
        expect(appended).toHaveLength(
          Array.from({ length: 40 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b),
        );
        expect(seen).toEqual([...appended].sort((a, b) => a - b));
        expect(new Set(seen).size).toBe(seen.length);
      } finally {
        await writer.close();
        await reader.close();
      }
    }, 60_000);
  });

  describe('onAppend', () => {
    it('polling wakes listeners for appends made by another store, and stops with the last listener', async () => {
      const tablePrefix = uniquePrefix();
      const listening = await MysqlEventStore.create({ uri: db.uri, tablePrefix, pollIntervalMs: 20 });
      const writing = await MysqlEventStore.create({ uri: db.uri, tablePrefix });
      const timer = (): unknown =>
        (listening as unknown as { pollTimer: unknown; polling: boolean }).pollTimer;
      try {
        let calls = 0;
        const unsubscribe = listening.onAppend(() => calls++);
        await sleep(100);
        expect(calls).toBe(0);

        await writing.append({ aggregateId: null, expectedVersion: 0, events: [event()] });
        const deadline = Date.now() + 2000;
        while (calls === 0 && Date.now() < deadline) await sleep(5);
        expect(calls).toBe(1);
        await sleep(100);
        expect(calls).toBe(1);

        unsubscribe();
        await sleep(50);
        expect(timer()).toBeUndefined();
        await writing.append({ aggregateId: null, expectedVersion: 0, events: [event()] });
        await sleep(100);
        expect(calls).toBe(1);
        expect(timer()).toBeUndefined();
      } finally {
        await listening.close();
        await writing.close();
      }
    });

    it('an append through the store wakes its listeners at once', async () => {
      const store = await MysqlEventStore.create({
        uri: db.uri,
        tablePrefix: uniquePrefix(),
        pollIntervalMs: 60_000,
      });
      try {
        let calls = 0;
        const unsubscribe = store.onAppend(() => calls++);
        await store.append({ aggregateId: 'x', expectedVersion: 0, events: [event()] });
        expect(calls).toBe(1);
        unsubscribe();
      } finally {
        await store.close();
      }
    });
  });

  it("round-trips times exactly whatever the given pool's and the session's time zone", async () => {
    const pool = createPool({ uri: db.uri, connectionLimit: 2, timezone: '+05:00' });
    pool.on('connection', (connection) => {
      void connection.query("SET time_zone = '+05:00'");
    });
    const tablePrefix = uniquePrefix();
    const events = await MysqlEventStore.create({ pool, tablePrefix });
    const consumers = await MysqlConsumerStateStore.create({ pool, tablePrefix });
    try {
      const createdAt = new Date(Date.UTC(2024, 2, 31, 1, 30, 0, 987));
      const [stored] = await events.append({
        aggregateId: 'tz',
        expectedVersion: 0,
        events: [event({ createdAt })],
      });
      expect((await events.readAggregate('tz'))[0]?.createdAt.getTime()).toBe(createdAt.getTime());
      expect(
        (
          await events.readStream({ after: (stored?.sequenceNumber ?? 1) - 1, limit: 1 })
        )[0]?.createdAt.getTime(),
      ).toBe(createdAt.getTime());
      const before = Date.now();
      await consumers.acquireLease('tz', 'me', 10_000);
      const expiresAt = (await consumers.getLease('tz'))?.expiresAt.getTime() ?? 0;
      expect(Math.abs(expiresAt - (before + 10_000))).toBeLessThan(2_000);
    } finally {
      await events.close();
      await consumers.close();
      await pool.end();
    }
  });

  it('keeps ids that differ only in case or trailing spaces apart', async () => {
    const store = await MysqlEventStore.create({ uri: db.uri, tablePrefix: uniquePrefix() });
    try {
      for (const id of ['Order', 'order', 'order ']) {
        await store.append({ aggregateId: id, expectedVersion: 0, events: [event()] });
      }
      for (const id of ['Order', 'order', 'order ']) {
        expect((await store.readAggregate(id)).map((e) => e.aggregateId)).toEqual([id]);
      }
    } finally {
      await store.close();
    }
  });
});
