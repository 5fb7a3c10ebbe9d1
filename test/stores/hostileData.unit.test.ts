import {
  EventHandler,
  EventoBundle,
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  Projector,
  PublishedEvent,
} from '../../src';
import { Deposited } from '../domain/bank';
import { hostileDataContract } from '../contracts/hostileDataContract';

hostileDataContract('in memory', async () => {
  const eventStore = new InMemoryEventStore();
  return {
    eventStore,
    stateStore: new InMemoryConsumerStateStore(),
    damagedMetadata: undefined,
    async insertEvent(row) {
      await eventStore.append({
        aggregateId: row.aggregateId,
        expectedVersion: (row.aggregateVersion ?? 1) - 1,
        events: [
          {
            eventName: row.eventName,
            context: 'default',
            payload: row.payload,
            metadata: JSON.parse(row.metadata) as Record<string, string>,
            createdAt: new Date(),
          },
        ],
      });
    },
    cleanup: () => eventStore.close(),
  };
});

describe('an unreadable event under a retry-forever handler', () => {
  it('goes to the dead events at once instead of blocking the consumer', async () => {
    const handled: number[] = [];
    @Projector()
    class Forever {
      @EventHandler({ retry: -1, retryDelay: 10 })
      on(_event: Deposited, published: PublishedEvent): void {
        handled.push(published.sequenceNumber);
      }
    }
    const eventStore = new InMemoryEventStore();
    const deposit = (payload: string) => ({
      aggregateId: null,
      expectedVersion: 0,
      events: [{ eventName: 'Deposited', context: 'default', payload, metadata: {}, createdAt: new Date() }],
    });
    await eventStore.append(deposit('{"accountId":"a","amount":1}'));
    await eventStore.append(deposit('{"accountId":"a","amount":1,"__proto__":{"isAdmin":true}}'));
    await eventStore.append(deposit('{"accountId":"a","amount":2}'));
    const bundle = await EventoBundle.builder()
      .setBundleId('forever')
      .setComponents([Forever])
      .setEventStore(eventStore)
      .setErrorHandler(() => undefined)
      .start();
    try {
      await bundle.untilIdle();
      expect(handled).toEqual([1, 3]);
      const [report] = await bundle.consumers();
      expect(report).toMatchObject({ offset: 3, deadEvents: 1 });
    } finally {
      await bundle.stop();
    }
  });
});
