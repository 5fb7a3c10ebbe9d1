/**
 * One instance of the distributed workload's domain bundle, in a process of its own:
 * `distributedChild.ts <settings as JSON>` (see systems/evento/distributed/childProtocol.ts). The
 * parent starts it with `fork` and talks to it over the IPC channel.
 */
import 'reflect-metadata';
import type { ChildSettings } from './systems/evento/distributed/childProtocol';
import { runDomainChild } from './systems/evento/distributed/domainChild';

runDomainChild(JSON.parse(process.argv[2] ?? '{}') as ChildSettings).catch((error: unknown) => {
  process.send?.({
    kind: 'failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  console.error(error);
  process.exitCode = 1;
  process.disconnect?.();
});
