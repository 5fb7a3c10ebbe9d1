/** evento-ts in the catch-up and latency workloads. */
import type { EventoBundle, EventToAppend } from '../../../src';
import type { EventSpec } from '../../harness/bulk';
import { waitUntil } from '../../harness/concurrency';
import { DeliveryTracker } from '../../harness/delivery';
import { liveSystem, type LiveOptions, type LiveTarget } from '../../harness/live';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { ReadModel, startProjector, type ProjectionMode } from './consumers';
import { depositWriter } from './depositWriter';
import { Account, AccountProjector, ReadModelSink } from './domain';
import { openStores, preload, startBundle } from './stores';

/** A new AccountProjector (a new consumer id each run) catches up with the preloaded events. */
export async function eventoCatchup(
  store: StoreKind,
  mode: ProjectionMode,
  spec: EventSpec,
): Promise<SystemRun> {
  const stores = await openStores(store, 'evc_');
  const total = spec.aggregates * spec.perAggregate;
  let model: ReadModel | undefined;
  try {
    await preload(stores, spec);
    model = await ReadModel.create(store, 'rm_evento');
  } catch (error) {
    await stores.close();
    throw error;
  }
  const readModel = model;
  return {
    system: 'evento-ts',
    prepare: () => readModel.truncate(),
    async run({ index, warmup }): Promise<RunOutput> {
      const tracker = new DeliveryTracker();
      const started = performance.now();
      const bundle = await startProjector(stores, `catchup-${index}`, readModel, mode, tracker);
      try {
        // The warm-up stops after a tenth of the events.
        await waitUntil(() => tracker.delivered >= (warmup ? total / 10 : total), 600_000, 5);
        if (!warmup) await bundle.untilIdle();
        const durationMs = performance.now() - started;
        return { ops: tracker.delivered, durationMs, extra: { deliveredRatio: tracker.delivered / total } };
      } finally {
        await bundle.stop();
      }
    },
    async close() {
      await readModel.close();
      await stores.close();
    },
  };
}

/** What a live evento-ts system writes with: store appends, or commands through the gateway. */
export type LiveWrites = 'append' | 'command';

/**
 * A running AccountProjector (exactly-once) plus writers: `append` writes Deposited events with
 * eventStore.append; `command` sends Deposit commands to opened accounts.
 */
export async function eventoLive(
  store: StoreKind,
  writes: LiveWrites,
  options: LiveOptions,
): Promise<SystemRun> {
  const writers = options.writers;
  const stores = await openStores(store, 'evl_');
  let model: ReadModel | undefined;
  let bundle: EventoBundle | undefined;
  const target: LiveTarget = {
    tracker: new DeliveryTracker(),
    head: () => stores.eventStore.headSequence(),
    write: async () => undefined,
  };
  try {
    model = await ReadModel.create(store, 'rm_evento_live');
    const readModel = model;
    const sink = new ReadModelSink(async (event, sequenceNumber, transaction) => {
      await readModel.upsert(event, sequenceNumber, transaction);
      target.tracker.record(sequenceNumber, event.sentAt);
    });
    bundle = await startBundle(stores, 'live', [Account, AccountProjector], [[ReadModelSink, sink]]);
  } catch (error) {
    await model?.close();
    await stores.close();
    throw error;
  }
  const running = bundle;
  if (writes === 'command') {
    target.write = await depositWriter(running, writers, 'live-');
  } else {
    const versions = new Map<string, number>();
    target.write = async (w, k, sentAt) => {
      const id = `live-${w}-${k % 10}`;
      const expectedVersion = versions.get(id) ?? 0;
      const event: EventToAppend = {
        eventName: 'Deposited',
        context: 'default',
        payload: JSON.stringify({ id, amount: 1, sentAt }),
        metadata: {},
        createdAt: new Date(),
      };
      await stores.eventStore.append({ aggregateId: id, expectedVersion, events: [event] });
      versions.set(id, expectedVersion + 1);
    };
  }
  await running.untilIdle();
  const readModel = model;
  return liveSystem('evento-ts', target, options, async () => {
    await running.stop();
    await readModel.close();
    await stores.close();
  });
}
