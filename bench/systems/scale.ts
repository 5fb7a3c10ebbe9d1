/** The scale workload's measurements per system, run inside scaleChild.ts. */
import { getInMemoryEventStore } from '@event-driven-io/emmett';
import { InMemoryEventStore, type EventToAppend } from '../../src';
import { DeliveryTracker } from '../harness/delivery';
import { waitUntil } from '../harness/concurrency';
import type { AccountEvent } from './emmett/setup';
import { ReadModel, startProjector } from './evento/consumers';
import type { EventoStores } from './evento/stores';
import { InMemoryConsumerStateStore } from '../../src';
import { RawMemoryStore } from './raw/memoryStore';

export interface ScaleResult {
  readonly appendMs: number;
  /** Undefined when the system has no in-memory consumer (Emmett 0.42). */
  readonly catchUpMs: number | undefined;
  readonly heapMb: number;
  readonly peakRssMb: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

const ACCOUNTS = 1000;

export async function scaleMeasure(system: string, events: number): Promise<ScaleResult> {
  const cpu = process.cpuUsage();
  const started0 = performance.now();
  const versions = new Array<number>(ACCOUNTS).fill(0);
  let appendMs = 0;
  let catchUpMs: number | undefined;
  if (system === 'evento-ts') {
    const eventStore = new InMemoryEventStore();
    const started = performance.now();
    for (let g = 0; g < events; g++) {
      const n = g % ACCOUNTS;
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
    appendMs = performance.now() - started;
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
    catchUpMs = performance.now() - catchUpStarted;
    await bundle.stop();
  } else if (system === 'raw') {
    const store = new RawMemoryStore();
    const started = performance.now();
    for (let g = 0; g < events; g++) {
      const n = g % ACCOUNTS;
      const id = `acc-${n}`;
      store.append(
        id,
        versions[n] ?? 0,
        'Deposited',
        `{"id":"${id}","amount":1,"sentAt":0}`,
        `{"messageId":"m${g}"}`,
      );
      versions[n] = (versions[n] ?? 0) + 1;
    }
    appendMs = performance.now() - started;
    const catchUpStarted = performance.now();
    const model = new Map<string, number>();
    for (const row of store.events) {
      const e = JSON.parse(row.payload) as { id: string; amount: number };
      model.set(e.id, (model.get(e.id) ?? 0) + e.amount);
    }
    catchUpMs = performance.now() - catchUpStarted;
  } else {
    const store = getInMemoryEventStore();
    const started = performance.now();
    for (let g = 0; g < events; g++) {
      const n = g % ACCOUNTS;
      const id = `acc-${n}`;
      const event: AccountEvent = { type: 'Deposited', data: { id, amount: 1, sentAt: 0 } };
      await store.appendToStream(`account-${id}`, [event], {
        expectedStreamVersion: BigInt(versions[n] ?? 0),
      });
      versions[n] = (versions[n] ?? 0) + 1;
    }
    appendMs = performance.now() - started;
  }
  const used = process.cpuUsage(cpu);
  return {
    appendMs,
    catchUpMs,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (used.user + used.system) / 1000,
    wallMs: performance.now() - started0,
  };
}
