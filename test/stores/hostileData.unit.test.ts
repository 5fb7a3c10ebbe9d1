import { InMemoryConsumerStateStore, InMemoryEventStore } from '../../src';
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
