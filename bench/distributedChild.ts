/**
 * One instance of the distributed workload's domain (the evento-ts bundle, or the raw Kafka
 * system's), in a process of its own:
 * `distributedChild.ts <settings as JSON>` (see systems/evento/distributed/childProtocol.ts). The
 * parent starts it with `fork` and talks to it over the IPC channel.
 */
import 'reflect-metadata';
import type { ChildSettings } from './systems/evento/distributed/childProtocol';
import { runDomainChild } from './systems/evento/distributed/domainChild';
import { runRawDomainChild } from './systems/raw/kafka/rawDomain';

const settings = JSON.parse(process.argv[2] ?? '{}') as ChildSettings;
(settings.side === 'raw' ? runRawDomainChild : runDomainChild)(settings).catch((error: unknown) => {
  process.send?.({
    kind: 'failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  console.error(error);
  process.exitCode = 1;
  process.disconnect?.();
});
