/**
 * The distributed workload's systems: an API bundle sending Deposit commands or GetBalance queries
 * to the domain bundle, either in this process over one InProcessMessageBus (`evento-ts`), or over
 * Kafka to 1, 2 or 3 instances of the domain bundle in child processes (`evento-ts (kafka ×n)`),
 * all on PostgreSQL. Each system has tables and Kafka topics of its own.
 */
import { InProcessMessageBus, type EventoBundle, type MessageBus } from '../../../../src';
import { epochNow } from '../../../harness/clock';
import { runConcurrently } from '../../../harness/concurrency';
import { benchNamespace, POOL_SIZE } from '../../../harness/databases';
import { runPaced } from '../../../harness/paced';
import { KAFKA_SYSTEMS, type RunOutput, type SystemName, type SystemRun } from '../../../harness/types';
import { Deposit } from '../domain';
import { openStores, preload } from '../stores';
import { startApi } from './apiSide';
import { BalanceTable, GetBalance } from './balances';
import { breakdown } from './breakdown';
import { DomainChildren, type ChildrenReport } from './domainChildren';
import { startDomain } from './domainSide';
import { EventCounter } from './eventCount';
import { benchBus, deleteKafkaPrefix, newTopicPrefix } from './kafkaBus';
import { Stamps } from './stamps';
import { TimedBus } from './timedBus';

/** What a run sends: a number of requests at a concurrency, or commands at a steady rate. */
export type DistributedLoad =
  | { readonly kind: 'commands' | 'queries'; readonly count: number; readonly concurrency: number }
  | { readonly kind: 'commands'; readonly rate: number; readonly seconds: number };

export interface DistributedSize {
  /** Accounts opened before the runs; request k goes to account k mod accounts. */
  readonly accounts: number;
  readonly load: DistributedLoad;
}

const ID_PREFIX = 'acc-';

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
  return distributedSystem('evento-ts', size, prefix, api, stamps, undefined, async () => {
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
  return distributedSystem(kafkaSystemName(instances), size, prefix, api, stamps, remote, close);
}

/** Creates the system's tables: `accounts` opened accounts and their balances. */
async function prepareTables(prefix: string, accounts: number): Promise<void> {
  const stores = await openStores('postgres', prefix);
  const balances = new BalanceTable(prefix);
  try {
    await preload(stores, {
      aggregates: accounts,
      perAggregate: 1,
      opened: true,
      order: 'grouped',
      idPrefix: ID_PREFIX,
    });
    await balances.fill(accounts, ID_PREFIX);
  } finally {
    await balances.close();
    await stores.close();
  }
}

function distributedSystem(
  system: SystemName,
  size: DistributedSize,
  prefix: string,
  api: EventoBundle,
  stamps: Stamps,
  remote: DomainChildren | undefined,
  close: () => Promise<void>,
): SystemRun {
  const { load, accounts } = size;
  const events = new EventCounter(prefix);
  const countEvents = (): Promise<number> => events.count();
  const send = (k: number): Promise<unknown> => {
    const id = `${ID_PREFIX}${k % accounts}`;
    return load.kind === 'commands'
      ? api.commandGateway.send(new Deposit(id, 1, epochNow()))
      : api.queryGateway.query(new GetBalance(id, epochNow()));
  };
  return {
    system,
    async run({ warmup }): Promise<RunOutput> {
      // The stamps of earlier runs (and the warm-up) are dropped.
      await remote?.drain();
      stamps.drain();
      const before = load.kind === 'commands' ? await countEvents() : 0;
      const started = performance.now();
      let ops: number;
      let durationMs: number;
      let latenciesMs: number[];
      let failed = 0;
      if ('rate' in load) {
        const paced = await runPaced(load.rate, warmup ? Math.max(1, load.seconds / 5) : load.seconds, send);
        ({ latenciesMs, durationMs, failed } = paced);
        ops = latenciesMs.length;
      } else {
        const count = warmup ? Math.ceil(load.count / 5) : load.count;
        latenciesMs = await runConcurrently(count, load.concurrency, send);
        durationMs = performance.now() - started;
        ops = count;
      }
      const wallMs = performance.now() - started;
      const report: ChildrenReport | undefined = await remote?.drain();
      const appended = load.kind === 'commands' ? (await countEvents()) - before : undefined;
      return {
        ops,
        durationMs,
        latenciesMs,
        extra: {
          ...breakdown(stamps.drain(), report?.stamps ?? {}),
          ...(report === undefined ? {} : { domainCpuPct: (100 * report.cpuMs) / wallMs }),
          ...(appended === undefined ? {} : { acknowledged: ops, appended, appendedRatio: appended / ops }),
          ...(failed > 0 ? { failed } : {}),
        },
      };
    },
    async close() {
      await events.close();
      await close();
    },
  };
}
