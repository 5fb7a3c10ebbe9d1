import { EventoBundle } from '../../../src';
import type { EventSpec } from '../../harness/bulk';
import { runConcurrently } from '../../harness/concurrency';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { Account, Deposit } from './domain';
import { openStores, preload, startBundle } from './stores';

/** Sizes of the commands workload. */
export interface CommandsSize {
  readonly spec: EventSpec;
  readonly commands: number;
  readonly concurrency: number;
}

/**
 * A command is `Deposit(account k mod n)`, sent through the command gateway: load, decide, append.
 * With `cache` (the default of a bundle), a command on an account commanded before reads only the
 * events stored since its state was cached; without, every command reads all of them.
 */
export async function eventoCommands(
  store: StoreKind,
  size: CommandsSize,
  cache: boolean,
): Promise<SystemRun> {
  const stores = await openStores(store, cache ? 'evt_' : 'evu_');
  let bundle: EventoBundle | undefined;
  try {
    await preload(stores, size.spec);
    bundle = await startBundle(stores, 'bench-commands', [Account], [], cache ? undefined : 0);
  } catch (error) {
    await stores.close();
    throw error;
  }
  const gateway = bundle.commandGateway;
  const { aggregates, idPrefix } = size.spec;
  return {
    system: cache ? 'evento-ts' : 'evento-ts (no cache)',
    async run({ warmup }): Promise<RunOutput> {
      const count = warmup ? Math.ceil(size.commands / 5) : size.commands;
      const started = performance.now();
      const latenciesMs = await runConcurrently(count, size.concurrency, (k) =>
        gateway.send(new Deposit(`${idPrefix}${k % aggregates}`, 1, 0)),
      );
      return { ops: count, durationMs: performance.now() - started, latenciesMs };
    },
    async close() {
      await bundle?.stop();
      await stores.close();
    },
  };
}
