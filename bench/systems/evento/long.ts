/** evento-ts on one aggregate with 10,000 events: loads and commands, with or without snapshots. */
import { HandlingPipeline } from '../../../src/handling/handlingPipeline';
import { AggregateRuntime } from '../../../src/aggregate/aggregateRuntime';
import type { EventSpec } from '../../harness/bulk';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { Account, Deposit, SnapshottedAccount } from './domain';
import { openStores, preload, startBundle } from './stores';

export async function eventoLong(
  store: StoreKind,
  snapshots: boolean,
  spec: EventSpec,
  commands: number,
): Promise<SystemRun> {
  const stores = await openStores(store, snapshots ? 'els_' : 'eln_');
  const type = snapshots ? SnapshottedAccount : Account;
  await preload(stores, spec);
  // No aggregate cache: every command loads the aggregate, which is what this workload measures.
  const bundle = await startBundle(stores, 'bench-long', [type], [], 0);
  const descriptor = bundle.registry.components.find((c) => c.type === type);
  if (descriptor === undefined) throw new Error('no descriptor');
  // The runtime the bundle uses, built the same way, to time a load alone.
  const runtime = new AggregateRuntime(descriptor, new type(), {
    eventStore: stores.eventStore,
    payloads: bundle.registry.payloads,
    gateways: { commandGateway: bundle.commandGateway, queryGateway: bundle.queryGateway },
    conflictRetries: 0,
    cacheSize: 0,
    pipeline: new HandlingPipeline(),
  });
  const id = `${spec.idPrefix}0`;
  return {
    system: 'evento-ts',
    async run({ warmup }): Promise<RunOutput> {
      const loadStarted = performance.now();
      const loaded = await runtime.load(id);
      const loadMs = performance.now() - loadStarted;
      const count = warmup ? 1 : commands;
      const started = performance.now();
      for (let i = 0; i < count; i++) await bundle.commandGateway.send(new Deposit(id, 1, 0));
      return {
        ops: count,
        durationMs: performance.now() - started,
        extra: { loadMs, eventsReplayed: loaded.version - loaded.snapshotVersion },
      };
    },
    async close() {
      await bundle.stop();
      await stores.close();
    },
  };
}
