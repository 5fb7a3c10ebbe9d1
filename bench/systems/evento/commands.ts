import { EventoBundle } from '../../../src';
import type { EventSpec } from '../../harness/bulk';
import { runConcurrently } from '../../harness/concurrency';
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { Account, Deposit } from './domain';
import { openStores, preload, startBundle } from './stores';
import type { BenchTracing } from './tracing';

/** Sizes of the commands workload. */
export interface CommandsSize {
  readonly spec: EventSpec;
  readonly commands: number;
  readonly concurrency: number;
}

/**
 * A command is `Deposit(account k mod n)`, sent through the command gateway: load, decide, append.
 * With `cache` (the default of a bundle), a command on an account commanded before reads only the
 * events stored since its state was cached; without, every command reads all of them. With
 * `tracing`, the bundle has its agent, and each deposit starts a trace (`@Track`).
 */
export async function eventoCommands(
  store: StoreKind,
  size: CommandsSize,
  cache: boolean,
  tracing?: BenchTracing,
): Promise<SystemRun> {
  const stores = await openStores(store, tracing?.prefix ?? (cache ? 'evt_' : 'evu_')).catch(
    async (error: unknown) => {
      await tracing?.close();
      throw error;
    },
  );
  let bundle: EventoBundle | undefined;
  try {
    await preload(stores, size.spec);
    bundle = await startBundle(
      stores,
      'bench-commands',
      [Account],
      [],
      cache ? undefined : 0,
      tracing === undefined ? {} : { tracingAgent: tracing.agent },
    );
  } catch (error) {
    await stores.close();
    await tracing?.close();
    throw error;
  }
  const gateway = bundle.commandGateway;
  const { aggregates, idPrefix } = size.spec;
  return {
    system: tracing?.system ?? (cache ? 'evento-ts' : 'evento-ts (no cache)'),
    prepare: async () => tracing?.prepare(),
    async run({ warmup }): Promise<RunOutput> {
      const count = warmup ? Math.ceil(size.commands / 5) : size.commands;
      const started = performance.now();
      const latenciesMs = await runConcurrently(count, size.concurrency, (k) =>
        gateway.send(new Deposit(`${idPrefix}${k % aggregates}`, 1, 0)),
      );
      const durationMs = performance.now() - started;
      // What the agent sent, counted after the timed part.
      const extra = tracing === undefined ? {} : await tracing.sent(count);
      return { ops: count, durationMs, latenciesMs, extra };
    },
    async close() {
      await bundle?.stop();
      await stores.close();
      await tracing?.close();
    },
  };
}
