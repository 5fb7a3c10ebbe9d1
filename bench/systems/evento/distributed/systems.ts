/**
 * The distributed workload's systems: an API bundle sending Deposit commands or GetBalance queries
 * to the domain bundle, either in this process over one InProcessMessageBus (`evento-ts`), or over
 * Kafka to 1, 2 or 3 instances of the domain bundle in child processes (`evento-ts (kafka ×n)`),
 * all on PostgreSQL. Each system has tables and Kafka topics of its own.
 */
import { InProcessMessageBus, type EventoBundle, type MessageBus } from '../../../../src';
import { benchNamespace, POOL_SIZE } from '../../../harness/databases';
import { deleteKafkaPrefix, newTopicPrefix } from '../../../harness/kafka';
import { KAFKA_SYSTEMS, type SystemName, type SystemRun } from '../../../harness/types';
import { Deposit } from '../domain';
import { startApi } from './apiSide';
import { GetBalance } from './balances';
import { distributedSystem, type DistributedSize, type Requests } from './distributedRun';
import { DomainChildren } from './domainChildren';
import { startDomain } from './domainSide';
import { benchBus } from './kafkaBus';
import { Stamps } from './stamps';
import { prepareTables } from './tables';
import { TimedBus } from './timedBus';

/** The API bundle and the domain bundle in this process, on one InProcessMessageBus. */
export async function inProcessDistributed(size: DistributedSize): Promise<SystemRun> {
  const prefix = 'dip_';
  await prepareTables(prefix, size.accounts);
  const stamps = new Stamps();
  const bus = new TimedBus(new InProcessMessageBus(), stamps);
  const domain = await startDomain(prefix, bus);
  let api: EventoBundle;
  try {
    api = await startApi(bus);
  } catch (error) {
    await domain.close();
    throw error;
  }
  return distributedSystem('evento-ts', size, prefix, gatewaysOf(api), stamps, undefined, async () => {
    await api.stop();
    await domain.close();
  });
}

/** The name of the system with `instances` domain instances over Kafka. */
export function kafkaSystemName(instances: number): SystemName {
  const name = KAFKA_SYSTEMS[instances - 1];
  if (name === undefined)
    throw new Error(`The distributed workload runs 1 to ${KAFKA_SYSTEMS.length} instances, not ${instances}`);
  return name;
}

/** The API bundle here, `instances` domain instances in child processes, over Kafka. */
export async function kafkaDistributed(size: DistributedSize, instances: number): Promise<SystemRun> {
  const prefix = `dk${instances}_`;
  await prepareTables(prefix, size.accounts);
  const topicPrefix = newTopicPrefix();
  const stamps = new Stamps();
  let children: DomainChildren | undefined;
  let bus: MessageBus | undefined;
  let api: EventoBundle | undefined;
  const close = async (): Promise<void> => {
    await api?.stop();
    await bus?.close();
    await children?.stop();
    await deleteKafkaPrefix(topicPrefix);
  };
  try {
    children = await DomainChildren.start(
      Array.from({ length: instances }, (_, instance) => ({
        side: 'evento',
        namespace: benchNamespace(),
        tablePrefix: prefix,
        topicPrefix,
        instance,
        // Together no more connections than the in-process system's one domain.
        poolSize: Math.max(4, Math.ceil(POOL_SIZE / instances)),
      })),
    );
    bus = benchBus('evento-bench-api', topicPrefix, stamps);
    api = await startApi(new TimedBus(bus, stamps));
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const remote = children;
  return distributedSystem(kafkaSystemName(instances), size, prefix, gatewaysOf(api), stamps, remote, close);
}

/** Deposit commands and GetBalance queries through the API bundle's gateways. */
function gatewaysOf(api: EventoBundle): Requests {
  return {
    command: (id, sentAt) => api.commandGateway.send(new Deposit(id, 1, sentAt)),
    query: (id, sentAt) => api.queryGateway.query(new GetBalance(id, sentAt)),
  };
}
