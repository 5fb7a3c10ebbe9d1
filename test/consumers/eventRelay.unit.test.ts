/**
 * An event relay run by the consumer machinery, with a destination kept in memory: one publish
 * per fetched batch, in order; the offset moves only after a publish resolved; failures reach
 * onError with the consumer's context and are retried without end; a refused batch is sent again
 * one event at a time; a relay shows in bundle.consumers() and untilIdle().
 */
import {
  ConfigurationError,
  EventoBundle,
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  TransientConsumerError,
  type ErrorContext,
  type EventRelay,
  type RelaySettings,
  type StoredEvent,
} from '../../src';
import { EventoMetricNames, PrometheusMetrics } from '../../src/metrics';
import { eventually } from '../support/waiting';

/** A destination in memory; `refuse` makes publishes fail until it returns undefined. */
class MemoryRelay implements EventRelay {
  readonly published: StoredEvent[] = [];
  readonly calls: number[][] = [];
  refuse: ((events: readonly StoredEvent[]) => Error | undefined) | undefined;
  closed = 0;

  constructor(
    readonly name: string,
    readonly settings: RelaySettings,
    private readonly names?: readonly string[],
  ) {}

  relays(eventName: string): boolean {
    return this.names === undefined || this.names.includes(eventName);
  }

  async publish(events: readonly StoredEvent[]): Promise<void> {
    this.calls.push(events.map((e) => e.sequenceNumber));
    const refusal = this.refuse?.(events);
    if (refusal !== undefined) throw refusal;
    await Promise.resolve();
    this.published.push(...events);
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

const settings: RelaySettings = { version: 1, startFrom: 'beginning', batchSize: 10, retryDelayMs: 5 };

async function append(store: InMemoryEventStore, count: number, eventName = 'Deposited'): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.append({
      aggregateId: `a${i % 3}`,
      expectedVersion: (await store.readAggregate(`a${i % 3}`)).length,
      events: [{ eventName, context: 'default', payload: `{"n":${i}}`, metadata: {}, createdAt: new Date() }],
    });
  }
}

async function start(
  relay: EventRelay,
  eventStore: InMemoryEventStore,
  stateStore = new InMemoryConsumerStateStore(),
) {
  const errors: { error: unknown; where: ErrorContext }[] = [];
  const bundle = await EventoBundle.builder()
    .setBundleId('shop')
    .addEventRelay(relay)
    .setEventStore(eventStore)
    .setConsumerStateStore(stateStore)
    .onError((error, where) => errors.push({ error, where }))
    .start();
  return { bundle, errors };
}

describe('event relays', () => {
  it('publishes every event in order, one publish per fetched batch, and reports as a relay consumer', async () => {
    const store = new InMemoryEventStore();
    await append(store, 25);
    const relay = new MemoryRelay('relay-shop', settings);
    const { bundle, errors } = await start(relay, store);
    await bundle.untilIdle();
    expect(relay.published.map((e) => e.sequenceNumber)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(relay.calls.map((c) => c.length)).toEqual([10, 10, 5]);
    expect(await bundle.consumers()).toEqual([
      expect.objectContaining({
        consumerId: 'shop_relay-shop_1_*',
        kind: 'relay',
        component: 'relay-shop',
        offset: 25,
        lag: 0,
        running: true,
      }),
    ]);
    expect(errors).toEqual([]);
    await bundle.stop();
    expect(relay.closed).toBe(1);
  });

  it('counts its lag and its batches in the metrics', async () => {
    const store = new InMemoryEventStore();
    await append(store, 12);
    const relay = new MemoryRelay('relay-shop', settings);
    const bundle = await EventoBundle.builder()
      .setBundleId('shop')
      .addEventRelay(relay)
      .setEventStore(store)
      .setMetrics(new PrometheusMetrics())
      .start();
    await bundle.untilIdle();
    const { families } = await bundle.metrics();
    const samples = (name: string) => families.find((f) => f.name === name)?.samples ?? [];
    const labels = { bundle: 'shop', consumer: 'shop_relay-shop_1_*', component: 'relay-shop' };
    expect(samples(EventoMetricNames.consumerLagEvents)).toEqual([
      expect.objectContaining({ labels, value: 0 }),
    ]);
    expect(samples(EventoMetricNames.consumerBatchSize)).toContainEqual(
      expect.objectContaining({ name: `${EventoMetricNames.consumerBatchSize}_count`, labels, value: 2 }),
    );
    await bundle.stop();
  });

  it('passes over the events it does not relay, moving its offset past them', async () => {
    const store = new InMemoryEventStore();
    await append(store, 4, 'Deposited');
    await append(store, 2, 'Withdrawn');
    const relay = new MemoryRelay('relay-shop', settings, ['Withdrawn']);
    const { bundle } = await start(relay, store);
    await bundle.untilIdle();
    expect(relay.published.map((e) => e.eventName)).toEqual(['Withdrawn', 'Withdrawn']);
    expect((await bundle.consumers())[0]?.offset).toBe(6);
    await bundle.stop();
  });

  it('retries a failing publish without end, reporting each failure, and never moves its offset before it succeeds', async () => {
    const store = new InMemoryEventStore();
    await append(store, 5);
    const relay = new MemoryRelay('relay-shop', settings);
    let refusals = 0;
    relay.refuse = () => (refusals++ < 3 ? new TransientConsumerError('broker restarting') : undefined);
    const { bundle, errors } = await start(relay, store);
    await eventually(() => errors.length >= 2, { timeoutMs: 10_000 });
    expect((await bundle.consumers())[0]).toMatchObject({ offset: 0, error: { count: expect.any(Number) } });
    await bundle.untilIdle();
    // Transient: the whole batch was sent again each time.
    expect(relay.calls.every((c) => c.length === 5)).toBe(true);
    expect(relay.published.map((e) => e.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(errors[0]?.where).toMatchObject({
      kind: 'handler',
      bundleId: 'shop',
      component: 'relay-shop',
      consumerId: 'shop_relay-shop_1_*',
      sequenceNumber: 1,
      attempt: 1,
    });
    expect((await bundle.consumers())[0]).toMatchObject({ offset: 5, error: null, deadEvents: 0 });
    await bundle.stop();
  });

  it('sends a batch refused for another reason again one event at a time, and holds at the event refused', async () => {
    const store = new InMemoryEventStore();
    await append(store, 5);
    const relay = new MemoryRelay('relay-shop', settings);
    relay.refuse = (events) =>
      events.some((e) => e.sequenceNumber === 3) ? new ConfigurationError('too large') : undefined;
    const { bundle, errors } = await start(relay, store);
    await eventually(() => errors.length >= 4, { timeoutMs: 10_000 });
    expect(relay.calls.slice(0, 4)).toEqual([[1, 2, 3, 4, 5], [1], [2], [3]]);
    expect(relay.published.map((e) => e.sequenceNumber)).toEqual([1, 2]);
    expect((await bundle.consumers())[0]).toMatchObject({ offset: 2, deadEvents: 0 });
    expect(errors.slice(1).map((e) => e.where.sequenceNumber)).toEqual(errors.slice(1).map(() => 3));
    relay.refuse = undefined;
    await bundle.untilIdle();
    expect(relay.published.map((e) => e.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
    await bundle.stop();
  });

  it('resumes after a restart from the offset it committed', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    await append(store, 7);
    const first = new MemoryRelay('relay-shop', settings);
    const one = await start(first, store, states);
    await one.bundle.untilIdle();
    await one.bundle.stop();
    await append(store, 3);
    const second = new MemoryRelay('relay-shop', settings);
    const two = await start(second, store, states);
    await two.bundle.untilIdle();
    expect(second.published.map((e) => e.sequenceNumber)).toEqual([8, 9, 10]);
    await two.bundle.stop();
  });

  it('publishes from one instance at a time: two bundles on the same stores publish each event once', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const relays = [new MemoryRelay('relay-shop', settings), new MemoryRelay('relay-shop', settings)];
    const one = await start(relays[0]!, store, states);
    const two = await start(relays[1]!, store, states);
    await append(store, 30);
    await Promise.all([one.bundle.untilIdle(), two.bundle.untilIdle()]);
    const running = [...(await one.bundle.consumers()), ...(await two.bundle.consumers())].filter(
      (r) => r.running,
    );
    expect(running).toHaveLength(1);
    expect(relays.map((r) => r.published.length).sort((a, b) => a - b)).toEqual([0, 30]);
    await Promise.all([one.bundle.stop(), two.bundle.stop()]);
  });

  it('refuses a relay whose name cannot name a consumer, and two relays of one name', async () => {
    expect(() => EventoBundle.builder().addEventRelay(new MemoryRelay('bad_name', settings))).toThrow(
      /relay name "bad_name" cannot name a consumer/,
    );
    const builder = EventoBundle.builder()
      .setBundleId('shop')
      .addEventRelay(new MemoryRelay('twice', settings))
      .addEventRelay(new MemoryRelay('twice', settings));
    await expect(builder.start()).rejects.toThrow(/two consumers named 'twice'/);
  });
});
