/**
 * The distributed workload's relay case: writers send Deposit commands through one bundle on
 * PostgreSQL while another bundle, with stores of its own on the same tables, runs a
 * KafkaEventRelay publishing the store to a topic of the system's own, which a kafkajs consumer
 * reads back from the beginning. A run lasts from the first command until the reader has every
 * event appended (or nothing new came for a while); it reports what the topic held of them.
 */
import type { EventoBundle } from '../../../../src';
import { KafkaEventRelay } from '../../../../src/kafka';
import { waitUntil } from '../../../harness/concurrency';
import { DeliveryTracker } from '../../../harness/delivery';
import { liveSystem, type LiveOptions, type LiveTarget } from '../../../harness/live';
import { RELAY_SYSTEM, type RunInfo, type RunOutput, type SystemRun } from '../../../harness/types';
import { depositWriter } from '../depositWriter';
import { Account } from '../domain';
import { openStores, startBundle, type EventoStores } from '../stores';
import { EventCounter } from './eventCount';
import { deleteKafkaPrefix, newTopicPrefix } from '../../../harness/kafka';
import { benchClient } from './kafkaBus';
import { RelayReader } from './relayReader';

/** Tables of this system. */
const PREFIX = 'drl_';

/** `live.writers` writers send commands while a relay publishes to `partitions` partitions. */
export async function relayDistributed(live: LiveOptions, partitions: number): Promise<SystemRun> {
  const topicPrefix = newTopicPrefix();
  const topic = `${topicPrefix}.events`;
  const counter = new EventCounter(PREFIX);
  const stores: EventoStores[] = [];
  const bundles: EventoBundle[] = [];
  let reader: RelayReader | undefined;
  const target: LiveTarget = {
    tracker: new DeliveryTracker(),
    head: async () => 0,
    write: async () => undefined,
  };
  const close = async (): Promise<void> => {
    await reader?.stop();
    for (const bundle of bundles.reverse()) await bundle.stop();
    for (const opened of stores) await opened.close();
    await counter.close();
    await deleteKafkaPrefix(topicPrefix);
  };
  const open = async (): Promise<EventoStores> => {
    const opened = await openStores('postgres', PREFIX, { idleTimeoutMillis: 1000 });
    stores.push(opened);
    return opened;
  };
  let relayBundle: EventoBundle;
  try {
    const writers = await startBundle(await open(), 'bench-writers', [Account]);
    bundles.push(writers);
    target.write = await depositWriter(writers, live.writers, 'relay-');
    const relayStores = await open();
    target.head = () => relayStores.eventStore.headSequence();
    const relay = new KafkaEventRelay({
      client: benchClient('evento-bench-relay'),
      topic,
      partitions,
    });
    relayBundle = await startBundle(relayStores, 'bench-relay', [], [], undefined, { relays: [relay] });
    bundles.push(relayBundle);
    // The relay creates the topic with the accounts' Opened events; the reader then reads them.
    await relayBundle.untilIdle({ timeoutMs: 60_000 });
    const opened = await target.head();
    const started = await RelayReader.start(topicPrefix, topic, (sequenceNumber, sentAt) =>
      target.tracker.record(sequenceNumber, sentAt),
    );
    reader = started;
    if (!(await waitUntil(() => started.highest >= opened, 60_000)))
      throw new Error(`The reader of ${topic} did not read the accounts' ${opened} events in 60 s`);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const topicReader = reader;
  const system = liveSystem(RELAY_SYSTEM, target, live, close);
  return {
    ...system,
    async run(info: RunInfo): Promise<RunOutput> {
      const before = await counter.count();
      const output = await system.run(info);
      const appended = (await counter.count()) - before;
      const { delivered, duplicates, outOfOrder } = topicReader.figures(target.tracker.after);
      const relayReport = (await relayBundle.consumers()).find((c) => c.kind === 'relay');
      return {
        ...output,
        extra: {
          ...output.extra,
          appended,
          delivered,
          deliveredRatio: appended === 0 ? 0 : delivered / appended,
          duplicates,
          outOfOrder,
          lag: relayReport?.lag ?? Number.NaN,
        },
      };
    },
  };
}
