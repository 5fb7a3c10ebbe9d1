/**
 * One instance of the distributed workload's domain (the evento-ts bundle, or the raw Kafka
 * system's), in a process of its own:
 * `distributedChild.ts <settings as JSON>` (see systems/evento/distributed/childProtocol.ts). The
 * parent starts it with `fork` and talks to it over the IPC channel.
 */
import type { ChildSettings } from './systems/evento/distributed/childProtocol';

/** Loads only the side it runs: the raw domain without the framework, the bundle without raw code. */
async function run(settings: ChildSettings): Promise<void> {
  if (settings.side === 'raw') {
    const { runRawDomainChild } = await import('./systems/raw/kafka/rawDomain');
    return runRawDomainChild(settings);
  }
  await import('reflect-metadata');
  const { runDomainChild } = await import('./systems/evento/distributed/domainChild');
  return runDomainChild(settings);
}

run(JSON.parse(process.argv[2] ?? '{}') as ChildSettings).catch((error: unknown) => {
  process.send?.({
    kind: 'failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  console.error(error);
  process.exitCode = 1;
  process.disconnect?.();
});
