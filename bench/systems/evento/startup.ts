/** EventoBundle.start() (and stop()) with generated components, on one store. */
import type { RunOutput, StoreKind, SystemRun } from '../../harness/types';
import { generateComponents } from './generated';
import { openStores, startBundle } from './stores';

export async function eventoStartup(store: StoreKind, components: number): Promise<SystemRun> {
  const stores = await openStores(store, 'evs_');
  return {
    system: 'evento-ts',
    async run({ index }): Promise<RunOutput> {
      const classes = generateComponents(components, `r${index}`);
      const started = performance.now();
      const bundle = await startBundle(stores, `startup-${index}`, classes);
      const startMs = performance.now() - started;
      const stopStarted = performance.now();
      await bundle.stop();
      return { ops: 1, durationMs: startMs, extra: { startMs, stopMs: performance.now() - stopStarted } };
    },
    close: () => stores.close(),
  };
}
