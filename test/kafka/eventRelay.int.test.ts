/**
 * KafkaEventRelay against the real broker, for each client installed, with the event store and
 * the consumer state store in memory and on PostgreSQL: every event appended by concurrent writers
 * arrives on the topic, in order per aggregate, keyed, with its headers; a restart of the relay's
 * bundle while writers go on loses nothing and re-publishes at most a tail; a broker that refuses
 * reaches onError as a typed error and holds the offset.
 */
import { randomUUID } from 'node:crypto';
import {
  BrokerUnavailableError,
  ConcurrencyError,
  ConfigurationError,
  EventoBundle,
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  type ConsumerStateStore,
  type ErrorContext,
  type EventStore,
  type StoredEvent,
} from '../../src';
import {
  KafkaEventRelay,
  RelayHeaders,
  type IncomingMessage,
  type KafkaClient,
  type KafkaEventRelayOptions,
  type RelayedEvent,
} from '../../src/kafka';
import { databases, openStores, type SqlDatabase } from '../sql/databases';
import { clientsUnderTest, describeWithKafka, TestTopics, uniqueName } from '../support/kafka';
import { describeWithService } from '../support/services';
import { eventually, sleep } from '../support/waiting';

jest.setTimeout(120_000);

/** The stores a relay's bundle runs on; `reopen` gives the ones a restarted bundle opens. */
interface StorePlace {
  /** The store the writers append to (another "process" on the same data for PostgreSQL). */
  readonly writers: EventStore;
  /** Opens the relay bundle's stores on the same data. */
  open(): Promise<{ eventStore: EventStore; stateStore: ConsumerStateStore; close(): Promise<void> }>;
  drop(): Promise<void>;
}

interface StoreTarget {
  readonly name: string;
  readonly describe: jest.Describe;
  create(): Promise<StorePlace>;
}

const postgres = databases.find((d) => d.kind === 'postgres')!;

const storeTargets: StoreTarget[] = [
  {
    name: 'in memory',
    describe,
    create: async () => {
      const eventStore = new InMemoryEventStore();
      const stateStore = new InMemoryConsumerStateStore();
      return {
        writers: eventStore,
        open: async () => ({ eventStore, stateStore, close: async () => undefined }),
        drop: async () => undefined,
      };
    },
  },
  {
    name: 'on PostgreSQL',
    describe: describeWithService(postgres.service, postgres.url),
    create: async () => {
      const db: SqlDatabase = await postgres.create();
      const writers = await openStores(db.place, { poolSize: 4 });
      return {
        writers: writers.eventStore,
        open: () => openStores(db.place, { poolSize: 4 }),
        drop: async () => {
          await writers.close();
          await db.drop();
        },
      };
    },
  },
];

/** An event to append, with metadata a reader finds in the headers. */
function event(eventName: string, payload: object, writer: number) {
  return {
    eventName,
    context: 'default',
    payload: JSON.stringify(payload),
    metadata: { correlationId: randomUUID(), tenant: 'acme', writer: String(writer) },
    createdAt: new Date(),
  };
}

/**
 * `writers` concurrent writers append `total` events over `aggregates` accounts (every tenth a
 * service event, with no aggregate), each pausing `pauseMs` between appends (0: yielding only);
 * resolves once all are appended.
 */
async function write(
  store: EventStore,
  total: number,
  aggregates: number,
  writers: number,
  pauseMs = 0,
): Promise<void> {
  const accounts = Array.from({ length: aggregates }, () => ({ id: randomUUID(), version: 0 }));
  let remaining = total;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let turn = w;
      while (remaining > 0) {
        const n = remaining--;
        if (n % 10 === 0) {
          await store.append({
            aggregateId: null,
            expectedVersion: 0,
            events: [event('RatesPublished', { n }, w)],
          });
        } else {
          const account = accounts[turn++ % accounts.length]!;
          for (;;) {
            try {
              await store.append({
                aggregateId: account.id,
                expectedVersion: account.version,
                events: [
                  event(
                    'Deposited',
                    { accountId: account.id, amount: n, at: { $date: '2026-01-01T00:00:00.000Z' } },
                    w,
                  ),
                ],
              });
              account.version++;
              break;
            } catch (error) {
              if (!(error instanceof ConcurrencyError)) throw error;
              account.version = error.actualVersion ?? account.version + 1;
            }
          }
        }
        await (pauseMs > 0 ? sleep(pauseMs) : new Promise((resolve) => setImmediate(resolve)));
      }
    }),
  );
}

async function storedEvents(store: EventStore): Promise<StoredEvent[]> {
  return store.readStream({ after: 0, limit: 1_000_000 });
}

/** Reads `topic` from the beginning with the seam's consumer until `done(messages)` holds. */
async function readTopic(
  client: KafkaClient,
  topic: string,
  partitions: number,
  done: (messages: readonly IncomingMessage[]) => boolean,
): Promise<IncomingMessage[]> {
  const messages: IncomingMessage[] = [];
  const consumer = client.consumer({
    groupId: uniqueName('relay-reader'),
    fromBeginning: true,
    concurrentPartitions: partitions,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe([topic]);
    await consumer.run(async (message) => void messages.push(message));
    await eventually(() => done(messages), { timeoutMs: 60_000, what: `the messages expected on ${topic}` });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

function valueOf(message: IncomingMessage): RelayedEvent {
  return JSON.parse(message.value?.toString('utf8') ?? 'null') as RelayedEvent;
}

/** The distinct event ids among `messages`. */
function eventIds(messages: readonly IncomingMessage[]): Set<string> {
  return new Set(messages.map((m) => m.headers[RelayHeaders.eventId] ?? ''));
}

/**
 * Checks one partition's messages, in offset order: each event arrives first in sequence order,
 * and an event seen before comes only as part of a re-published tail: once a repeat starts, new
 * events arrive only after it has repeated every message that followed its start. Returns the
 * number of repeated messages.
 */
function repeatedInTails(partition: readonly IncomingMessage[]): number {
  const firsts: number[] = [];
  const position = new Map<string, number>();
  let at = -1;
  let repeated = 0;
  for (const message of partition) {
    const id = message.headers[RelayHeaders.eventId] ?? '';
    const earlier = position.get(id);
    if (earlier !== undefined) {
      repeated++;
      at = earlier;
      continue;
    }
    if (at !== firsts.length - 1)
      throw new Error(`event ${id} arrived inside a re-published tail (at ${at} of ${firsts.length})`);
    position.set(id, firsts.length);
    firsts.push(Number(message.headers[RelayHeaders.sequenceNumber]));
    at = firsts.length - 1;
  }
  expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  return repeated;
}

/** Checks every stored event is on the topic, keyed and with its headers and value, each aggregate's in version order. */
function expectRelayed(messages: readonly IncomingMessage[], stored: readonly StoredEvent[]): void {
  const byId = new Map(stored.map((e) => [e.eventId, e]));
  expect(eventIds(messages)).toEqual(new Set(byId.keys()));
  for (const message of messages) {
    const original = byId.get(message.headers[RelayHeaders.eventId] ?? '')!;
    expect(message.key).toBe(original.aggregateId);
    expect(valueOf(message)).toEqual({
      evento: 1,
      eventId: original.eventId,
      eventName: original.eventName,
      sequenceNumber: original.sequenceNumber,
      aggregateId: original.aggregateId,
      aggregateVersion: original.aggregateVersion,
      context: 'default',
      timestamp: original.createdAt.getTime(),
      metadata: original.metadata,
      payload: JSON.parse(original.payload) as unknown,
    });
    const headers: Record<string, string> = {
      ...original.metadata,
      [RelayHeaders.eventId]: original.eventId,
      [RelayHeaders.eventName]: original.eventName,
      [RelayHeaders.sequenceNumber]: String(original.sequenceNumber),
      [RelayHeaders.context]: 'default',
      [RelayHeaders.timestamp]: String(original.createdAt.getTime()),
    };
    if (original.aggregateId !== null) {
      headers[RelayHeaders.aggregateId] = original.aggregateId;
      headers[RelayHeaders.aggregateVersion] = String(original.aggregateVersion);
    }
    expect(message.headers).toEqual(headers);
  }
  // Each aggregate's events in one partition, their first deliveries in version order.
  const aggregates = new Set(stored.flatMap((e) => (e.aggregateId === null ? [] : [e.aggregateId])));
  for (const aggregate of aggregates) {
    const ofAggregate = messages.filter((m) => m.key === aggregate);
    expect(new Set(ofAggregate.map((m) => m.partition)).size).toBe(1);
    const firsts = [
      ...new Map(
        ofAggregate.map((m) => [m.headers[RelayHeaders.eventId], valueOf(m).aggregateVersion]),
      ).values(),
    ];
    expect(firsts).toEqual(firsts.map((_, i) => i + 1));
  }
}

function byPartition(messages: readonly IncomingMessage[]): IncomingMessage[][] {
  const partitions = new Map<number, IncomingMessage[]>();
  for (const m of messages) partitions.set(m.partition, [...(partitions.get(m.partition) ?? []), m]);
  return [...partitions.values()].map((p) => [...p].sort((a, b) => Number(a.offset) - Number(b.offset)));
}

for (const implementation of clientsUnderTest()) {
  for (const target of storeTargets) {
    describeWithKafka()(`KafkaEventRelay on ${implementation.name}`, () => {
      target.describe(`with the stores ${target.name}`, () => {
        let client: KafkaClient;
        let topics: TestTopics;
        let place: StorePlace;
        const stops: (() => Promise<void>)[] = [];
        const createdByRelays: string[] = [];

        /** Starts a bundle holding only `relay`, on the place's stores; stopped after the test. */
        async function startRelay(
          relay: KafkaEventRelay,
          errors: { error: unknown; where: ErrorContext }[] = [],
        ) {
          const stores = await place.open();
          const bundle = await EventoBundle.builder()
            .setBundleId('shop')
            .addEventRelay(relay)
            .setEventStore(stores.eventStore)
            .setConsumerStateStore(stores.stateStore)
            .setLeaseTtl(3000)
            .onError((error, where) => errors.push({ error, where }))
            .start();
          let stopped = false;
          const stop = async () => {
            if (stopped) return;
            stopped = true;
            await bundle.stop();
            await stores.close();
          };
          stops.push(stop);
          return { bundle, stop, errors };
        }

        function relayOf(topic: string, options: Partial<KafkaEventRelayOptions> = {}): KafkaEventRelay {
          return new KafkaEventRelay({ client, topic, batchSize: 50, ...options });
        }

        beforeAll(() => {
          client = implementation.create(uniqueName('relay'));
          topics = new TestTopics(client);
        });

        beforeEach(async () => {
          place = await target.create();
        });

        afterEach(async () => {
          for (const stop of stops.splice(0).reverse()) await stop();
          await place.drop();
        });

        afterAll(async () => {
          await topics.deleteAll();
          const admin = client.admin();
          await admin.connect();
          await admin.deleteTopics(createdByRelays.splice(0));
          await admin.disconnect();
        });

        it('publishes every event of concurrent writers once, keyed, with its headers, in order per aggregate', async () => {
          const topic = uniqueName('relay-all');
          const relay = relayOf(topic, { partitions: 3 }); // it creates the topic
          createdByRelays.push(topic);
          const { bundle, errors } = await startRelay(relay);
          await write(place.writers, 300, 12, 6);
          await bundle.untilIdle();
          const stored = await storedEvents(place.writers);
          expect(stored).toHaveLength(300);

          const messages = await readTopic(client, topic, 3, (m) => m.length >= stored.length);
          expect(eventIds(messages).size / stored.length).toBe(1);
          expect(messages).toHaveLength(stored.length);
          expectRelayed(messages, stored);
          for (const partition of byPartition(messages)) expect(repeatedInTails(partition)).toBe(0);
          expect(await bundle.consumers()).toEqual([
            expect.objectContaining({
              consumerId: `shop_relay-${topic}_1_*`,
              kind: 'relay',
              offset: stored[stored.length - 1]!.sequenceNumber,
              lag: 0,
              error: null,
              deadEvents: 0,
            }),
          ]);
          expect(errors).toEqual([]);
        });

        it('loses nothing when its bundle is stopped and started again while writers append, and repeats at most a tail', async () => {
          const topic = await topics.create('relay-restart', 2);
          let writersDone = false;
          const writing = write(place.writers, 600, 8, 4, 10).then(() => (writersDone = true));
          const first = await startRelay(relayOf(topic, { batchSize: 20 }));
          await eventually(async () => ((await first.bundle.consumers())[0]?.offset ?? 0) >= 100, {
            timeoutMs: 60_000,
            what: 'the first relay published 100 events',
          });
          await first.stop();
          expect(writersDone).toBe(false);
          const second = await startRelay(relayOf(topic, { batchSize: 20 }));
          await writing;
          await second.bundle.untilIdle();
          const stored = await storedEvents(place.writers);
          expect(stored).toHaveLength(600);

          const messages = await readTopic(client, topic, 2, (m) => eventIds(m).size >= stored.length);
          expectRelayed(messages, stored);
          const repeated = byPartition(messages).reduce((sum, p) => sum + repeatedInTails(p), 0);
          expect(messages.length - stored.length).toBe(repeated);
          expect([...first.errors, ...second.errors]).toEqual([]);
        });

        it('reports an unreachable broker through onError as BrokerUnavailableError, and moves no offset', async () => {
          const unreachable = implementation.create(uniqueName('unreachable'), ['127.0.0.1:1']);
          const relay = new KafkaEventRelay({ client: unreachable, topic: uniqueName('relay-nowhere') });
          await write(place.writers, 20, 2, 2);
          const { bundle, errors } = await startRelay(relay);
          await eventually(() => errors.length >= 2, { timeoutMs: 60_000, what: 'two failures reported' });
          const consumerId = `shop_relay-${relay.topic}_1_*`;
          for (const { error, where } of errors) {
            expect(error).toBeInstanceOf(BrokerUnavailableError);
            expect(where).toMatchObject({ kind: 'handler', bundleId: 'shop', consumerId, sequenceNumber: 1 });
          }
          const [report] = await bundle.consumers();
          expect(report).toMatchObject({ consumerId, offset: 0, deadEvents: 0 });
          expect(report?.error?.message).toContain('BrokerUnavailableError');
        });

        it('holds its offset with a ConfigurationError while its topic is gone, and goes on once it is back', async () => {
          const topic = await topics.create('relay-deleted', 1);
          const relay = relayOf(topic, { createTopic: false });
          await write(place.writers, 30, 3, 2);
          const { bundle, errors } = await startRelay(relay);
          await bundle.untilIdle();
          const before = (await bundle.consumers())[0]!.offset;
          expect(before).toBe(await place.writers.headSequence());

          const admin = client.admin();
          await admin.connect();
          try {
            await admin.deleteTopics([topic]);
            await write(place.writers, 10, 2, 1);
            // librdkafka gives up on a partition that disappeared after about 30 s.
            await eventually(() => errors.length >= 1, { timeoutMs: 90_000, what: 'a failure reported' });
            for (const { error, where } of errors) {
              expect(error).toBeInstanceOf(ConfigurationError);
              expect(where).toMatchObject({ kind: 'handler', sequenceNumber: before + 1 });
            }
            expect((await bundle.consumers())[0]).toMatchObject({ offset: before, deadEvents: 0 });

            await admin.createTopics([{ topic, partitions: 1 }]);
          } finally {
            await admin.disconnect();
          }
          await bundle.untilIdle({ timeoutMs: 90_000 });
          const stored = await storedEvents(place.writers);
          const messages = await readTopic(client, topic, 1, (m) => m.length >= 10);
          // The topic holds what was published since it came back: the 10 later events, in order.
          expect(messages.map((m) => Number(m.headers[RelayHeaders.sequenceNumber]))).toEqual(
            stored.filter((e) => e.sequenceNumber > before).map((e) => e.sequenceNumber),
          );
        });
      });
    });
  }
}
