import type { Admin } from 'kafkajs';
import { BrokerUnavailableError } from '../errors';
import { outcomeWithin } from '../internal/promises';
import { delay } from './groupJoin';
import { hasErrorType, mapKafkajsError } from './kafkajsErrors';

/** How long `untilLed` waits for every partition of the topics to have a leader that takes writes. */
export const TOPICS_LED_WITHIN_MS = 10_000;

/**
 * What the broker answers for a topic whose creation it has not finished: its metadata does not
 * show the topic or a leader yet, or the leader has not opened the partition yet.
 */
const NOT_YET_LED: ReadonlySet<string> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
]);

/** How often `untilLed` asks again. */
const POLL_MS = 100;

/**
 * Resolves once every partition of `topics` has a leader that answers for it, so that a producer
 * or consumer can use them at once. Two steps, asked again every 100 ms until both pass:
 *
 * - The broker's metadata shows every partition with a leader. kafkajs's own wait (`createTopics`
 *   with `waitForLeaders`) gives up at the first "unknown topic", which a broker busy with other
 *   creations (instances of a bundle starting together) answers for a topic created a moment ago.
 * - Each topic's offsets can be read from its leaders, by an admin `probe()` creates for the read.
 *   A leader named in the metadata may not have opened its partition yet and refuse it ("not the
 *   leader"); a produce request refused so for one partition is sent again whole by kafkajs, and a
 *   producer that is not idempotent then writes the other partitions' messages twice.
 *
 * It waits on "unknown topic", "no leader" and "not the leader", whether kafkajs gives them plain
 * or after its own retries, and fails at once on any other error (mapped as `mapKafkajsError` maps
 * them).
 *
 * WARNING: after `withinMs` it rejects with a retriable BrokerUnavailableError naming the topics,
 * even while a request kafkajs is still retrying is in flight (its outcome is ignored).
 */
export async function untilLed(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  probe: () => ProbeAdmin,
  withinMs = TOPICS_LED_WITHIN_MS,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw notLed(topics, withinMs, last);
    const outcome = await outcomeWithin(led(admin, topics, probe), left);
    if (outcome !== undefined && 'value' in outcome) {
      if (outcome.value) return;
    } else if (outcome !== undefined) {
      if (!hasErrorType(outcome.error, NOT_YET_LED))
        throw mapKafkajsError(outcome.error, 'createTopics', topics);
      last = outcome.error;
    }
    await delay(Math.max(0, Math.min(POLL_MS, deadline - Date.now())));
  }
}

/** The calls `untilLed` makes on the admins it creates to read offsets. */
export type ProbeAdmin = Pick<Admin, 'connect' | 'disconnect' | 'fetchTopicOffsets'>;

/** Whether every partition of `topics` has a leader in the metadata that answers for it. */
async function led(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  probe: () => ProbeAdmin,
): Promise<boolean> {
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  const found = new Map(metadata.topics.map((t) => [t.name, t.partitions]));
  const named = topics.every((topic) => {
    const partitions = found.get(topic);
    return partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0);
  });
  if (!named) return false;
  // An admin of its own for each read: kafkajs keeps the topics whose offsets an admin read and
  // refreshes their metadata from then on, so a long-lived admin would fail every later call once
  // one of them is deleted; and it reads the leaders afresh, where a kept one could ask a leader
  // that has moved.
  const reader = probe();
  await reader.connect();
  try {
    await Promise.all(topics.map((topic) => reader.fetchTopicOffsets(topic)));
  } finally {
    await reader.disconnect().catch(() => undefined);
  }
  return true;
}

function notLed(topics: readonly string[], withinMs: number, cause: unknown): BrokerUnavailableError {
  const detail = cause instanceof Error ? ` (last answer: ${cause.message})` : '';
  return new BrokerUnavailableError(
    `Kafka createTopics: topic ${topics.join(', ')} has no leader that takes writes on the broker ${withinMs} ms after its creation${detail}; ` +
      "the broker may be overloaded or short of live replicas: call again, and check the broker's log.",
    { cause, context: { operation: 'createTopics', topics } },
  );
}
