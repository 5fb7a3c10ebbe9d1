import {
  EventoBundle,
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  Projector,
  EventHandler,
  PublishedEvent,
  DomainEvent,
} from '../../src';
import {
  AccountAggregate,
  AccountProjection,
  AccountReadModel,
  Deposit,
  FindAccount,
  OpenAccount,
} from '../domain/bank';
import { AccountProjector } from '../domain/bankConsumers';
import { appendConcurrently, scopeWith } from './support';
import { eventually } from '../support/waiting';

describe('projectors', () => {
  it('handles 10,000 events over 100 aggregates from 8 concurrent writers exactly once, in sequence order', async () => {
    const store = new InMemoryEventStore();
    const model = new AccountReadModel();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate, AccountProjector])
      .setEventStore(store)
      .setContainer(scopeWith(model))
      .start();
    await appendConcurrently(store, 10_000, 100, 8);
    await bundle.untilIdle();
    expect(model.handled).toHaveLength(10_000);
    expect(model.handled).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    const [report] = await bundle.consumers();
    expect(report).toMatchObject({
      consumerId: 'bank_AccountProjector_1_*',
      offset: 10_000,
      lag: 0,
      running: true,
      deadEvents: 0,
      error: null,
    });
    await bundle.stop();
  });

  it('answers a query from the read model once untilIdle resolves (read your writes)', async () => {
    const model = new AccountReadModel();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate, AccountProjector, AccountProjection])
      .setContainer(scopeWith(model))
      .start();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 42));
    await bundle.untilIdle();
    const view = await bundle.queryGateway.query(new FindAccount('a1'));
    expect(view.data.balance).toBe(42);
    await bundle.stop();
  });

  it('replays from the first event under a new version, and reports head reached only at the head', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const first = new AccountReadModel();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate, AccountProjector])
      .setEventStore(store)
      .setConsumerStateStore(states)
      .setContainer(scopeWith(first))
      .start();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    for (let i = 0; i < 600; i++) await bundle.commandGateway.send(new Deposit('a1', 1));
    await bundle.untilIdle();
    await bundle.stop();

    @Projector({ version: 2, batchSize: 250, waitForHeadReached: true })
    class AccountProjectorV2 extends AccountProjector {}
    const second = new AccountReadModel();
    const replay = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountProjectorV2])
      .setEventStore(store)
      .setConsumerStateStore(states)
      .setContainer(scopeWith(second))
      .start();
    // waitForHeadReached: start() resolved only after the replay
    expect(second.handled).toHaveLength(601);
    // batches of 250: 250 + 250 full (replaying), the last 101 (all deposits) reach the head
    expect(second.liveUpdates).toBe(101);
    const ids = (await replay.consumers()).map((c) => c.consumerId);
    expect(ids).toEqual(['bank_AccountProjectorV2_2_*']);
    await replay.stop();
  });

  it('consumes only the contexts it names, one consumer per context', async () => {
    class Audited extends DomainEvent {
      constructor(readonly zone: string) {
        super();
      }
      override getContext(): string {
        return this.zone;
      }
    }
    const seen: string[] = [];
    @Projector({ contexts: ['eu', 'us'] })
    class ZoneProjector {
      @EventHandler()
      on(event: Audited, published: PublishedEvent): void {
        seen.push(`${published.context}:${event.zone}`);
      }
    }
    const store = new InMemoryEventStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('zones')
      .setComponents([ZoneProjector])
      .setEventStore(store)
      .start();
    const payloads = bundle.registry.payloads;
    for (const zone of ['eu', 'asia', 'us', 'eu']) {
      await store.append({
        aggregateId: null,
        expectedVersion: 0,
        events: [
          {
            eventName: 'Audited',
            context: zone,
            payload: payloads.serialize(new Audited(zone)),
            metadata: {},
            createdAt: new Date(),
          },
        ],
      });
    }
    await bundle.untilIdle();
    expect(seen.sort()).toEqual(['eu:eu', 'eu:eu', 'us:us']);
    expect((await bundle.consumers()).map((c) => c.consumerId).sort()).toEqual([
      'zones_ZoneProjector_1_eu',
      'zones_ZoneProjector_1_us',
    ]);
    await bundle.stop();
  });

  it('an idle bundle wakes on append without polling', async () => {
    const model = new AccountReadModel();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate, AccountProjector])
      .setContainer(scopeWith(model))
      .setLeaseTtl(60_000)
      .start();
    await bundle.untilIdle();
    const started = Date.now();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await eventually(() => model.handled.length === 1, 5_000);
    // With a 60 s lease the only timer-driven wake-up is 20 s away: handling came from the append.
    expect(Date.now() - started).toBeLessThan(5_000);
    await bundle.stop();
  });
});
