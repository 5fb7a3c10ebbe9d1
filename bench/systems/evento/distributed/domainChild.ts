import { setNamespace } from '../../../harness/databases';
import { serveParent, type ChildSettings } from './childProtocol';
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
  serveParent(
    () => stamps.drain(),
    () => running.close().then(() => bus.close()),
  );
}
