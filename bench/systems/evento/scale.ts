/** evento-ts in the scale workload: InMemoryEventStore appends, then a projector's catch-up. */
import { InMemoryConsumerStateStore, InMemoryEventStore, type EventToAppend } from '../../../src';
import { waitUntil } from '../../harness/concurrency';
import { DeliveryTracker } from '../../harness/delivery';
import type { ScaleSide } from '../scale';
import { ReadModel, startProjector } from './consumers';
import type { EventoStores } from './stores';

export const eventoScale: ScaleSide = async (events, accounts) => {
  const versions = new Array<number>(accounts).fill(0);
  const eventStore = new InMemoryEventStore();
  const started = performance.now();
  for (let g = 0; g < events; g++) {
    const n = g % accounts;
    const id = `acc-${n}`;
    const event: EventToAppend = {
      eventName: 'Deposited',
      context: 'default',
      payload: `{"id":"${id}","amount":1,"sentAt":0}`,
      metadata: { messageId: `m${g}`, correlationId: `m${g}` },
      createdAt: new Date(),
    };
    await eventStore.append({ aggregateId: id, expectedVersion: versions[n] ?? 0, events: [event] });
    versions[n] = (versions[n] ?? 0) + 1;
  }
  const appendMs = performance.now() - started;
  const stores: EventoStores = {
    kind: 'memory',
    eventStore,
    stateStore: new InMemoryConsumerStateStore(),
    eventsTable: '',
    close: async () => undefined,
  };
  const model = await ReadModel.create('memory', 'rm');
  const tracker = new DeliveryTracker();
  const catchUpStarted = performance.now();
  const bundle = await startProjector(stores, 'scale', model, 'exactly-once', tracker);
  await waitUntil(() => tracker.delivered >= events, 3_600_000, 5);
  await bundle.untilIdle();
  const catchUpMs = performance.now() - catchUpStarted;
  await bundle.stop();
  return { appendMs, catchUpMs };
};
