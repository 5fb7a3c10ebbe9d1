import type { Admin } from 'kafkajs';
import { BrokerUnavailableError } from '../errors';
import { outcomeWithin } from '../internal/promises';
import { delay } from './groupJoin';
import { hasErrorType, mapKafkajsError } from './kafkajsErrors';

/** How long `untilLed` waits for every partition of the topics to have a leader. */
export const TOPICS_LED_WITHIN_MS = 10_000;

/** What the broker answers for a topic whose creation its metadata does not show yet. */
const NOT_YET_LED: ReadonlySet<string> = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** How often `untilLed` reads the metadata again. */
const POLL_MS = 100;

/**
 * Resolves once every partition of `topics` has a leader in the broker's metadata, so that a
 * producer or consumer can use them at once. kafkajs's own wait (`createTopics` with
 * `waitForLeaders`) gives up at the first "unknown topic", which a broker busy with other
 * creations (instances of a bundle starting together) answers for a topic created a moment ago;
 * this waits on that answer and on "no leader", whether kafkajs gives it plain or after its own
 * retries, and fails at once on any other error (mapped as `mapKafkajsError` maps them).
 *
 * WARNING: after `withinMs` it rejects with a retriable BrokerUnavailableError naming the topics,
 * even while a metadata request kafkajs is still retrying is in flight (its outcome is ignored).
 */
export async function untilLed(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
  withinMs = TOPICS_LED_WITHIN_MS,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last: unknown;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw notLed(topics, withinMs, last);
    const outcome = await outcomeWithin(admin.fetchTopicMetadata({ topics: [...topics] }), left);
    if (outcome !== undefined && 'value' in outcome) {
      const found = new Map(outcome.value.topics.map((t) => [t.name, t.partitions]));
      const led = topics.every((topic) => {
        const partitions = found.get(topic);
        return partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (led) return;
    } else if (outcome !== undefined) {
      if (!hasErrorType(outcome.error, NOT_YET_LED))
        throw mapKafkajsError(outcome.error, 'createTopics', topics);
      last = outcome.error;
    }
    await delay(Math.max(0, Math.min(POLL_MS, deadline - Date.now())));
  }
}

function notLed(topics: readonly string[], withinMs: number, cause: unknown): BrokerUnavailableError {
  const detail = cause instanceof Error ? ` (last answer: ${cause.message})` : '';
  return new BrokerUnavailableError(
    `Kafka createTopics: topic ${topics.join(', ')} has no leader on the broker ${withinMs} ms after its creation${detail}; ` +
      "the broker may be overloaded or short of live replicas: call again, and check the broker's log.",
    { cause, context: { operation: 'createTopics', topics } },
  );
}
