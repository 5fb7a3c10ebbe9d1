import { ConfigurationError } from '../errors';
import { TOPIC_NAME_RULE } from './arguments';

/**
 * The topics and consumer groups of a KafkaMessageBus, all named under one prefix:
 *
 * - `<prefix>.discovery`: announcements of bundle instances (one partition, so every reader sees
 *   them in one order);
 * - `<prefix>.requests.<bundleId>`: the commands and queries of one bundle, keyed by lock id, read
 *   by the group `<prefix>.bundle.<bundleId>` that the bundle's instances share;
 * - `<prefix>.replies.<busId>`: the answers to one bus's requests, read by that bus alone.
 */
export class BusTopics {
  readonly discovery: string;
  private readonly repliesPrefix: string;

  constructor(readonly prefix: string) {
    if (!TOPIC_NAME_RULE.test(`${prefix}.requests.x`) || prefix.length > 150) {
      throw new ConfigurationError(
        `KafkaMessageBus: topic prefix ${JSON.stringify(prefix)} cannot start topic names; use up to 150 of the characters a-z A-Z 0-9 . _ -.`,
        { context: { topicPrefix: prefix } },
      );
    }
    this.discovery = `${prefix}.discovery`;
    this.repliesPrefix = `${prefix}.replies.`;
  }

  requests(bundleId: string): string {
    return `${this.prefix}.requests.${bundleId}`;
  }

  requestGroup(bundleId: string): string {
    return `${this.prefix}.bundle.${bundleId}`;
  }

  replies(busId: string): string {
    return `${this.repliesPrefix}${busId}`;
  }

  /** A group of one member, for the topics a single bus reads whole. */
  privateGroup(what: 'discovery' | 'replies', busId: string): string {
    return `${this.prefix}.${what}.${busId}`;
  }

  /** Whether `topic` is a reply topic of this prefix: answers go nowhere else. */
  isReplyTopic(topic: string): boolean {
    return topic.startsWith(this.repliesPrefix) && TOPIC_NAME_RULE.test(topic);
  }
}

/** A reply address: the caller's reply topic and its request number, as `<topic>/<n>`. */
export function replyAddress(topic: string, request: number): string {
  return `${topic}/${request}`;
}

/** The reply topic of an address, or undefined when it is not one. */
export function replyTopicOf(address: string): string | undefined {
  const slash = address.lastIndexOf('/');
  return slash > 0 ? address.slice(0, slash) : undefined;
}
