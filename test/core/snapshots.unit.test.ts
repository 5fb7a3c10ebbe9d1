import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  DomainEvent,
  EventoBundle,
  EventSourcingHandler,
  InMemoryEventStore,
  SerializationError,
  type Snapshot,
  type StoredEvent,
} from '../../src';

class Add extends DomainCommand {
  constructor(
    readonly id: string,
    readonly item: string,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

class Added extends DomainEvent {
  constructor(
    readonly id: string,
    readonly item: string,
    readonly at: Date,
  ) {
    super();
  }
}

class BasketState extends AggregateState {
  items = new Set<string>();
  lastAt: Date | undefined;
  count(): number {
    return this.items.size;
  }
}

@Aggregate({ snapshotFrequency: 5 })
class Basket {
  @AggregateCommandHandler({ init: true })
  first(command: Add, state?: BasketState): Added {
    return new Added(command.id, `${command.item}#${state?.count() ?? 0}`, new Date(1_700_000_000_000));
  }

  @EventSourcingHandler()
  onAdded(event: Added, state?: BasketState): BasketState {
    const next = state ?? new BasketState();
    next.items.add(event.item);
    next.lastAt = event.at;
    return next;
  }
}

class Add2 extends Add {}

@Aggregate({ snapshotFrequency: 5, state: BasketState })
class Basket2 {
  @AggregateCommandHandler({ init: true })
  create(command: Add): Added {
    return new Added(command.id, command.item, new Date(0));
  }

  @AggregateCommandHandler()
  add(command: Add2, state: BasketState): Added {
    return new Added(command.id, `${command.item}#${state.count()}`, new Date(1_700_000_000_000));
  }

  @EventSourcingHandler()
  onAdded(event: Added, state?: BasketState): BasketState {
    const next = state ?? new BasketState();
    next.items.add(event.item);
    next.lastAt = event.at;
    return next;
  }
}

class CountingStore extends InMemoryEventStore {
  eventsRead = 0;
  snapshotsSaved: Snapshot[] = [];
  override async readAggregate(id: string, after?: number): Promise<StoredEvent[]> {
    const events = await super.readAggregate(id, after);
    this.eventsRead += events.length;
    return events;
  }
  override async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.snapshotsSaved.push(snapshot);
    return super.saveSnapshot(snapshot);
  }
}

describe('snapshots', () => {
  it('stores a snapshot once N events accumulated and loads from it, reading fewer events', async () => {
    const store = new CountingStore();
    // Without the aggregate cache, so that every command loads from the store.
    const bundle = await EventoBundle.builder()
      .setBundleId('shop')
      .setComponents([Basket2])
      .setEventStore(store)
      .setAggregateCacheSize(0)
      .start();
    await bundle.commandGateway.send(new Add('b1', 'apple'));
    for (let i = 0; i < 11; i++) await bundle.commandGateway.send(new Add2('b1', `item${i}`));
    // versions 1..12; snapshots when 5 events accumulated since the last one: at 5 and 10
    expect(store.snapshotsSaved.map((s) => s.aggregateVersion)).toEqual([5, 10]);
    store.eventsRead = 0;
    await bundle.commandGateway.send(new Add2('b1', 'pear'));
    expect(store.eventsRead).toBe(2); // versions 11 and 12 only, not 12 events
    const latest = await store.loadSnapshot('b1');
    expect(latest?.stateName).toBe('BasketState');
    await bundle.stop();
  });

  it('revives the snapshot state as its class, with Set and Date fields intact', async () => {
    const store = new CountingStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('shop')
      .setComponents([Basket2])
      .setEventStore(store)
      .start();
    await bundle.commandGateway.send(new Add('b2', 'apple'));
    for (let i = 0; i < 5; i++) await bundle.commandGateway.send(new Add2('b2', `x${i}`));
    const result = await bundle.commandGateway.send<Added>(new Add2('b2', 'y'));
    // the state seen by the handler counted 6 distinct items through the snapshot
    expect(result.item).toBe('y#6');
    await bundle.stop();
  });

  it('refuses to start an aggregate that snapshots but whose state class cannot be told', async () => {
    @Aggregate({ snapshotFrequency: 1 })
    class NoState {
      @AggregateCommandHandler({ init: true, inject: [] })
      create(command: Add): Added {
        return new Added(command.id, command.item, new Date());
      }
      @EventSourcingHandler({ inject: [] })
      onAdded(): void {}
    }
    await expect(EventoBundle.builder().setBundleId('x').setComponents([NoState]).start()).rejects.toThrow(
      /state class cannot be told/,
    );
    expect(Basket).toBeDefined();
  });

  describe('a state holding an instance of an unregistered class', () => {
    class Label {
      constructor(readonly text: string) {}
      describe(): string {
        return `label ${this.text}`;
      }
    }
    class LabelledState extends AggregateState {
      current: Label | undefined;
      seen: string[] = [];
    }
    @Aggregate({ snapshotFrequency: 1, state: LabelledState })
    class Labelled {
      @AggregateCommandHandler({ init: true })
      create(command: Add): Added {
        return new Added(command.id, command.item, new Date(0));
      }
      @AggregateCommandHandler()
      relabel(command: Add2, state: LabelledState): Added {
        return new Added(
          command.id,
          `${command.item} after ${state.current?.describe() ?? 'none'}`,
          new Date(0),
        );
      }
      @EventSourcingHandler()
      onAdded(event: Added, state?: LabelledState): LabelledState {
        const next = state ?? new LabelledState();
        next.current = new Label(event.item);
        next.seen.push(event.item);
        return next;
      }
    }

    it('fails the command that would write the snapshot, naming the field and the fix, and stores nothing', async () => {
      const store = new CountingStore();
      const bundle = await EventoBundle.builder()
        .setBundleId('labels')
        .setComponents([Labelled])
        .setEventStore(store)
        .setAggregateCacheSize(0)
        .start();
      const failure = bundle.commandGateway.send(new Add('l1', 'first'));
      await expect(failure).rejects.toBeInstanceOf(SerializationError);
      await expect(failure).rejects.toThrow(
        'The state of Labelled (LabelledState, snapshotted every 1 events) does not survive serialization: ' +
          'the store keeps it as JSON, and reading it back gives another value.\n' +
          '  current: an instance of Label, which is not a registered class, comes back as a plain object without its methods\n' +
          'Register the classes of nested values with EventoBundle.builder().registerPayloads([...])',
      );
      expect(await store.readAggregate('l1')).toEqual([]);
      expect(store.snapshotsSaved).toEqual([]);
      await bundle.stop();
    });

    it('works from its snapshots once the class is registered', async () => {
      const store = new CountingStore();
      const bundle = await EventoBundle.builder()
        .setBundleId('labels')
        .setComponents([Labelled])
        .registerPayloads([Label])
        .setEventStore(store)
        .setAggregateCacheSize(0)
        .start();
      await bundle.commandGateway.send(new Add('l1', 'first'));
      await bundle.commandGateway.send(new Add2('l1', 'second'));
      const third = await bundle.commandGateway.send<Added>(new Add2('l1', 'third'));
      expect(third.item).toBe('third after label second after label first');
      expect(store.snapshotsSaved).toHaveLength(3);
      await bundle.stop();
    });
  });
});
