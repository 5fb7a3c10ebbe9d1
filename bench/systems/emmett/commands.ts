import { CommandHandler, type EventStore } from '@event-driven-io/emmett';
import { runConcurrently } from '../../harness/concurrency';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import type { CommandsSize } from '../evento/commands';
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

/** Emmett's CommandHandler: aggregate the stream, decide, append with the expected stream version. */
export const handle = CommandHandler<EmmettAccount, AccountEvent>({
  evolve,
  initialState,
  retry: { onVersionConflict: 10 },
});

export function deposit(id: string, sentAt: number): (state: EmmettAccount) => AccountEvent {
  return (state) => {
    if (state.deposits < 0) throw new Error('cannot deposit');
    return { type: 'Deposited', data: { id, amount: 1, sentAt } };
  };
}

export async function emmettCommands(store: StoreKind, size: CommandsSize): Promise<SystemRun> {
  let eventStore: EventStore;
  let close: () => Promise<void>;
  if (store === 'postgres') {
    const pg = await emmettPostgres();
    await bulkLoadEmmett(pg.pool, size.spec);
    eventStore = pg.store;
    close = () => pg.close();
  } else if (store === 'memory') {
    eventStore = await emmettMemory(size.spec);
    close = async () => undefined;
  } else {
    throw new Error('Emmett 0.42 has no MySQL event store');
  }
  const { aggregates, idPrefix } = size.spec;
  return {
    system: 'emmett',
    async run({ warmup }): Promise<RunOutput> {
      const count = warmup ? Math.ceil(size.commands / 5) : size.commands;
      const started = performance.now();
      const latenciesMs = await runConcurrently(count, size.concurrency, async (k) => {
        const id = `${idPrefix}${k % aggregates}`;
        await handle(eventStore, streamOf(id), deposit(id, 0));
      });
      return { ops: count, durationMs: performance.now() - started, latenciesMs };
    },
    close,
  };
}
