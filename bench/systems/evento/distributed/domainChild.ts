import { setNamespace } from '../../../harness/databases';
import type { ChildSettings, FromChild, ToChild } from './childProtocol';
import { startDomain } from './domainSide';
import { benchBus } from './kafkaBus';
import { Stamps } from './stamps';
import { TimedBus } from './timedBus';

/**
 * Runs one instance of the domain bundle on a KafkaMessageBus in this (child) process, and answers
 * the parent over the IPC channel: `ready` once bound, its stamps on `drain`, `stopped` after
 * `stop` (then it exits).
 */
export async function runDomainChild(settings: ChildSettings): Promise<void> {
  const tell = (message: FromChild): void => {
    process.send?.(message);
  };
  setNamespace(settings.namespace);
  const stamps = new Stamps();
  const bus = benchBus(`evento-bench-domain-${settings.instance}`, settings.topicPrefix, stamps);
  let domain;
  try {
    domain = await startDomain(settings.tablePrefix, new TimedBus(bus, stamps), settings.poolSize);
  } catch (error) {
    await bus.close().catch(() => undefined);
    throw error;
  }
  const running = domain;
  let cpu = process.cpuUsage();
  process.on('message', (message: ToChild) => {
    if (message.kind === 'drain') {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      tell({
        kind: 'stamps',
        stamps: stamps.drain(),
        cpuMs: (used.user + used.system) / 1000,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      });
    } else {
      void running
        .close()
        .then(() => bus.close())
        .then(
          () => tell({ kind: 'stopped' }),
          (error: unknown) => tell({ kind: 'failed', error: String(error) }),
        )
        .finally(() => process.disconnect());
    }
  });
  tell({ kind: 'ready' });
}
