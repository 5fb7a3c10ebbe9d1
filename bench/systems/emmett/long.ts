/** Emmett on one long stream (it has no snapshots): aggregateStream, and its CommandHandler. */
import type { EventStore } from '@event-driven-io/emmett';
import type { EventSpec } from '../../harness/bulk';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { deposit, handle } from './commands';
import {
  bulkLoadEmmett,
  emmettMemory,
  emmettPostgres,
  evolve,
  initialState,
  streamOf,
  type AccountEvent,
  type EmmettAccount,
} from './setup';

export async function emmettLong(store: StoreKind, spec: EventSpec, commands: number): Promise<SystemRun> {
  let eventStore: EventStore;
  let close: () => Promise<void>;
  if (store === 'postgres') {
    const pg = await emmettPostgres();
    await bulkLoadEmmett(pg.pool, spec);
    eventStore = pg.store;
    close = () => pg.close();
  } else if (store === 'memory') {
    eventStore = await emmettMemory(spec);
    close = async () => undefined;
  } else {
    throw new Error('Emmett 0.42 has no MySQL event store');
  }
  const id = `${spec.idPrefix}0`;
  return {
    system: 'emmett',
    async run({ warmup }): Promise<RunOutput> {
      const loadStarted = performance.now();
      await eventStore.aggregateStream<EmmettAccount, AccountEvent>(streamOf(id), { evolve, initialState });
      const loadMs = performance.now() - loadStarted;
      const count = warmup ? 1 : commands;
      const started = performance.now();
      for (let i = 0; i < count; i++) await handle(eventStore, streamOf(id), deposit(id, 0));
      return { ops: count, durationMs: performance.now() - started, extra: { loadMs } };
    },
    close,
  };
}
