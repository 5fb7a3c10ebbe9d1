/**
 * The distributed workload's raw system: the API side in this process and one domain instance in
 * a child process (rawDomain.ts), over Kafka with kafkajs and nothing of evento-ts, doing
 * evento-ts's statements by hand on tables of its own (made by evento-ts's migrations, as the
 * other systems' are).
 */
import { benchNamespace, POOL_SIZE } from '../../../harness/databases';
import { deleteKafkaPrefix, kafka, newTopicPrefix, PARTITIONS } from '../../../harness/kafka';
import { RAW_KAFKA_SYSTEM, type SystemRun } from '../../../harness/types';
import { distributedSystem, type DistributedSize } from '../../evento/distributed/distributedRun';
import { DomainChildren } from '../../evento/distributed/domainChildren';
import { Stamps } from '../../evento/distributed/stamps';
import { prepareTables } from '../../evento/distributed/tables';
import { rawTopics } from './protocol';
import { RawKafkaApi } from './rawApi';

const TOPIC_READY_MS = 10_000;

export async function rawKafkaDistributed(size: DistributedSize): Promise<SystemRun> {
  const prefix = 'rk_';
  await prepareTables(prefix, size.accounts);
  const topicPrefix = newTopicPrefix();
  let children: DomainChildren | undefined;
  let api: RawKafkaApi | undefined;
  const close = async (): Promise<void> => {
    try {
      await api?.close();
    } finally {
      try {
        await children?.stop();
      } finally {
        await deleteKafkaPrefix(topicPrefix);
      }
    }
  };
  try {
    await createTopics(topicPrefix);
    children = await DomainChildren.start([
      {
        side: 'raw',
        namespace: benchNamespace(),
        tablePrefix: prefix,
        topicPrefix,
        instance: 0,
        poolSize: POOL_SIZE,
      },
    ]);
    api = await RawKafkaApi.start(topicPrefix);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  const sender = api;
  return distributedSystem(
    RAW_KAFKA_SYSTEM,
    size,
    prefix,
    {
      command: (id, sentAt) => sender.request('command', id, sentAt),
      query: (id, sentAt) => sender.request('query', id, sentAt),
    },
    new Stamps(),
    children,
    close,
  );
}

/**
 * The request topic (12 partitions) and the reply topic (1), usable once this resolves: until
 * their leaders answer an offsets request, a write could be refused or, retried whole by kafkajs,
 * taken twice.
 */
async function createTopics(topicPrefix: string): Promise<void> {
  const topics = rawTopics(topicPrefix);
  const admin = kafka('evento-bench-raw-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: topics.requests, numPartitions: PARTITIONS },
        { topic: topics.replies, numPartitions: 1 },
      ],
    });
    const deadline = Date.now() + TOPIC_READY_MS;
    for (const topic of [topics.requests, topics.replies]) {
      for (;;) {
        const probe = kafka('evento-bench-raw-probe').admin();
        await probe.connect();
        try {
          await probe.fetchTopicOffsets(topic);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        } finally {
          await probe.disconnect();
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}
