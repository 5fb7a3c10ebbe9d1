import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  ConfigurationError,
  DomainCommand,
  DomainEvent,
  EventoBundle,
  EventSourcingHandler,
  InMemoryEventStore,
  type AppendRequest,
  type StoredEvent,
} from '../../src';
import { AggregateCache } from '../../src/aggregate/aggregateCache';

/** A command on counter `id`. */
abstract class CounterCommand extends DomainCommand {
  constructor(readonly id: string) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}
class Create extends CounterCommand {}
class Increment extends CounterCommand {}
/** An increment with a lock id of its own: increments of one counter may run at the same time. */
class IncrementUnlocked extends CounterCommand {
  override getLockId(): string {
    return `${this.id}-${Math.random()}`;
  }
}
/** An increment allowed only once the counter has reached `atLeast`. */
class IncrementFrom extends CounterCommand {
  constructor(
    id: string,
    readonly atLeast: number,
  ) {
    super(id);
  }
}
/** Changes the state outside an event sourcing handler, then fails: a bug the cache must not keep. */
class Sneak extends CounterCommand {}
class Created extends DomainEvent {
  constructor(readonly id: string) {
    super();
  }
}
/** `value` is the counter after this event, as the deciding command saw it plus one. */
class Incremented extends DomainEvent {
  constructor(
    readonly id: string,
    readonly value: number,
  ) {
    super();
  }
}
class CounterState extends AggregateState {
  value = 0;
}

@Aggregate()
class Counter {
  @AggregateCommandHandler({ init: true })
  create(command: Create): Created {
    return new Created(command.id);
  }
  @AggregateCommandHandler()
  increment(command: Increment, state: CounterState): Incremented {
    return new Incremented(command.id, state.value + 1);
  }
  @AggregateCommandHandler()
  incrementUnlocked(command: IncrementUnlocked, state: CounterState): Incremented {
    return new Incremented(command.id, state.value + 1);
  }
  @AggregateCommandHandler()
  incrementFrom(command: IncrementFrom, state: CounterState): Incremented {
    if (state.value < command.atLeast)
      throw new Error(`${command.id} is at ${state.value}, not ${command.atLeast}`);
    return new Incremented(command.id, state.value + 1);
  }

  @AggregateCommandHandler()
  sneak(command: Sneak, state: CounterState): Incremented {
    state.value += 100;
    throw new Error(`no sneaking into ${command.id}`);
  }
  @EventSourcingHandler()
  onCreated(_event: Created): CounterState {
    return new CounterState();
  }
  @EventSourcingHandler()
  onIncremented(_event: Incremented, state: CounterState): void {
    // Counts: a state object two commands applied their events to would be off.
    state.value += 1;
  }
}

@Aggregate({ cacheSize: 0 })
class UncachedCounter extends Counter {}

/** Counts the events read per aggregate; can slip in a foreign event before the next append. */
class WatchedStore extends InMemoryEventStore {
  eventsRead = 0;
  appends = 0;
  beforeNextAppend: (() => Promise<void>) | undefined;
  override async readAggregate(id: string, after?: number): Promise<StoredEvent[]> {
    const events = await super.readAggregate(id, after);
    this.eventsRead += events.length;
    return events;
  }
  override async append(request: AppendRequest): Promise<StoredEvent[]> {
    const before = this.beforeNextAppend;
    this.beforeNextAppend = undefined;
    await before?.();
    this.appends++;
    return super.append(request);
  }
}

async function counterBundle(
  store: InMemoryEventStore,
  components: unknown[] = [Counter],
): Promise<EventoBundle> {
  return EventoBundle.builder()
    .setBundleId('counting')
    .setComponents(components)
    .setEventStore(store)
    .start();
}

async function values(store: InMemoryEventStore, id: string): Promise<number[]> {
  const events = await store.readAggregate(id);
  return events
    .filter((e) => e.eventName === 'Incremented')
    .map((e) => (JSON.parse(e.payload) as { value: number }).value);
}

/**
 * Two bundles on one store: `here` caches counter c1 at 1, then `there` takes it to 3, so the
 * state `here` cached is stale.
 */
async function staleCache(): Promise<{ store: WatchedStore; here: EventoBundle; there: EventoBundle }> {
  const store = new WatchedStore();
  const here = await counterBundle(store);
  const there = await counterBundle(store);
  await here.commandGateway.send(new Create('c1'));
  await here.commandGateway.send(new Increment('c1'));
  await there.commandGateway.send(new Increment('c1'));
  await there.commandGateway.send(new Increment('c1'));
  return { store, here, there };
}

describe('the aggregate state cache', () => {
  it('lets a command on a recently commanded aggregate read only the events stored since', async () => {
    const store = new WatchedStore();
    const bundle = await counterBundle(store);
    await bundle.commandGateway.send(new Create('c1'));
    for (let i = 0; i < 20; i++) await bundle.commandGateway.send(new Increment('c1'));
    expect(store.eventsRead).toBe(0);
    expect(await values(store, 'c1')).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await bundle.stop();
  });

  it('reads the whole stream on every command when cacheSize is 0', async () => {
    const store = new WatchedStore();
    const bundle = await counterBundle(store, [UncachedCounter]);
    await bundle.commandGateway.send(new Create('c1'));
    for (let i = 0; i < 3; i++) await bundle.commandGateway.send(new Increment('c1'));
    // before the increments: 1, 2, then 3 events
    expect(store.eventsRead).toBe(1 + 2 + 3);
    await bundle.stop();
  });

  it('decides again on the stored state when another process appended since the state was cached', async () => {
    const { store, here, there } = await staleCache();
    const appendsBefore = store.appends;
    const next = await here.commandGateway.send<Incremented>(new Increment('c1'));
    expect(next.value).toBe(4);
    // Decided on the cached state, refused by the version check, decided again on the stored one.
    expect(store.appends).toBe(appendsBefore + 2);
    expect(here.stats().conflictRetries).toEqual({ Counter: 1 });
    expect(await values(store, 'c1')).toEqual([1, 2, 3, 4]);
    await here.stop();
    await there.stop();
  });

  it('decides again on the stored state a command its stale cached state refuses', async () => {
    const { store, here, there } = await staleCache();
    // The cached state says 1; the store says 3.
    const next = await here.commandGateway.send<Incremented>(new IncrementFrom('c1', 3));
    expect(next.value).toBe(4);
    // Refused on the cached state, then once more on the stored state (its 5 events read), no more.
    const readBefore = store.eventsRead;
    const refused = await here.commandGateway.send(new IncrementFrom('c1', 9)).catch((e: unknown) => e);
    expect((refused as Error).message).toBe('c1 is at 4, not 9');
    expect(store.eventsRead - readBefore).toBe(5);
    expect(await values(store, 'c1')).toEqual([1, 2, 3, 4]);
    await here.stop();
    await there.stop();
  });

  it('keeps nothing of a command that failed after changing the state it was given', async () => {
    const store = new WatchedStore();
    const bundle = await counterBundle(store);
    await bundle.commandGateway.send(new Create('c1'));
    await bundle.commandGateway.send(new Increment('c1'));
    await expect(bundle.commandGateway.send(new Sneak('c1'))).rejects.toThrow('no sneaking into c1');
    const next = await bundle.commandGateway.send<Incremented>(new Increment('c1'));
    expect(next.value).toBe(2);
    await bundle.stop();
  });

  it('drops the state on a version conflict and decides again on the stored events', async () => {
    const store = new WatchedStore();
    const bundle = await counterBundle(store);
    await bundle.commandGateway.send(new Create('c1'));
    await bundle.commandGateway.send(new Increment('c1'));
    // Another writer appends between this process's read and its append.
    store.beforeNextAppend = async () => {
      await InMemoryEventStore.prototype.append.call(store, {
        aggregateId: 'c1',
        expectedVersion: 2,
        events: [
          {
            eventName: 'Incremented',
            context: 'default',
            payload: '{"id":"c1","value":50}',
            metadata: {},
            createdAt: new Date(),
          },
        ],
      });
    };
    const appendsBefore = store.appends;
    const next = await bundle.commandGateway.send<Incremented>(new Increment('c1'));
    expect(next.value).toBe(3);
    expect(store.appends).toBe(appendsBefore + 2); // the refused append and the retry
    const after = await bundle.commandGateway.send<Incremented>(new Increment('c1'));
    expect(after.value).toBe(4);
    expect(await values(store, 'c1')).toEqual([1, 50, 3, 4]);
    await bundle.stop();
  });

  it('never lets two commands running at once share a state: each decides on its own, conflicts are retried', async () => {
    const store = new WatchedStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('counting')
      .setComponents([Counter])
      .setEventStore(store)
      .setCommandConflictRetries(100)
      .start();
    await bundle.commandGateway.send(new Create('c1'));
    await bundle.commandGateway.send(new Increment('c1'));
    const results = await Promise.all(
      Array.from({ length: 12 }, () => bundle.commandGateway.send<Incremented>(new IncrementUnlocked('c1'))),
    );
    // Every decision saw the state its append's version stands for: values 2..13, each once.
    expect(results.map((e) => e.value).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 2),
    );
    expect(await values(store, 'c1')).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    const next = await bundle.commandGateway.send<Incremented>(new Increment('c1'));
    expect(next.value).toBe(14);
    await bundle.stop();
  });

  it('refuses a cacheSize that is not a whole number of at least 0, naming the fix', async () => {
    @Aggregate({ cacheSize: -1 })
    class Broken extends Counter {}
    const started = EventoBundle.builder().setBundleId('x').setComponents([Broken]).start();
    await expect(started).rejects.toThrow(/Broken: has cacheSize -1.*or 0 to keep none/s);
    expect(() => EventoBundle.builder().setAggregateCacheSize(1.5)).toThrow(ConfigurationError);
    expect(() => EventoBundle.builder().setAggregateCacheSize(-1)).toThrow(/setAggregateCacheSize\(-1\)/);
  });
});

describe('AggregateCache', () => {
  const entry = (version: number): { state: undefined; version: number; snapshotVersion: number } => ({
    state: undefined,
    version,
    snapshotVersion: 0,
  });

  it('hands an entry to one taker only', () => {
    const cache = new AggregateCache(10);
    cache.put('a', entry(1));
    expect(cache.take('a')?.version).toBe(1);
    expect(cache.take('a')).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the least recently used first', () => {
    const cache = new AggregateCache(2);
    cache.put('a', entry(1));
    cache.put('b', entry(1));
    const a = cache.take('a');
    if (a !== undefined) cache.put('a', a); // used again: now the most recent
    cache.put('c', entry(1));
    expect(cache.size).toBe(2);
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('a')?.version).toBe(1);
    expect(cache.take('c')?.version).toBe(1);
  });

  it('does not replace an entry by an older version', () => {
    const cache = new AggregateCache(10);
    cache.put('a', entry(5));
    cache.put('a', entry(3));
    expect(cache.take('a')?.version).toBe(5);
    cache.put('a', entry(3));
    cache.put('a', entry(7));
    expect(cache.take('a')?.version).toBe(7);
  });

  it('keeps nothing with capacity 0', () => {
    const cache = new AggregateCache(0);
    cache.put('a', entry(1));
    expect(cache.size).toBe(0);
  });
});
