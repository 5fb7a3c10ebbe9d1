import { InvalidArgumentError } from '../errors';
import type { CommitPosition, TopicSpec } from './kafkaClient';

/** Kafka's own rule for topic names (a dot and an underscore collide in metric names: avoid mixing). */
export const TOPIC_NAME_RULE = /^[a-zA-Z0-9._-]{1,249}$/;

/** Checks a topic name against Kafka's rule, so a bad one fails here rather than at the broker. */
export function checkTopicName(topic: unknown, operation: string): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC_NAME_RULE.test(topic) || topic === '.' || topic === '..') {
    throw new InvalidArgumentError(
      `${operation}: topic name ${JSON.stringify(topic)} is not valid; use 1 to 249 of the characters a-z A-Z 0-9 . _ - (not "." or "..").`,
      { context: { operation, topic } },
    );
  }
}

export function checkTopicSpecs(topics: readonly TopicSpec[], operation: string): void {
  for (const spec of topics) {
    checkTopicName(spec.topic, operation);
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new InvalidArgumentError(
        `${operation}: topic ${spec.topic} asks for ${String(spec.partitions)} partitions; give a whole number of at least 1.`,
        { context: { operation, topic: spec.topic, partitions: spec.partitions } },
      );
    }
  }
}

export function checkGroupId(groupId: unknown): asserts groupId is string {
  if (typeof groupId !== 'string' || groupId.trim() === '') {
    throw new InvalidArgumentError(
      `A consumer needs a non-empty groupId (got ${JSON.stringify(groupId)}); members of one group share its partitions.`,
      { context: { groupId } },
    );
  }
}

/** A position is the next offset to read: a non-negative decimal integer, as a string. */
export function checkPositions(positions: readonly CommitPosition[]): void {
  for (const position of positions) {
    checkTopicName(position.topic, 'commit');
    if (!Number.isInteger(position.partition) || position.partition < 0) {
      throw new InvalidArgumentError(
        `commit: partition ${String(position.partition)} of ${position.topic} is not a partition number (0 or more).`,
        { context: { ...position } },
      );
    }
    if (typeof position.offset !== 'string' || !/^(0|[1-9][0-9]*)$/.test(position.offset)) {
      throw new InvalidArgumentError(
        `commit: offset ${JSON.stringify(position.offset)} for ${position.topic}/${position.partition} is not valid; commit the handled message's nextOffset (a decimal string, 0 or more).`,
        { context: { ...position } },
      );
    }
  }
}

/**
 * Deletes the `topics` that exist. Another client may delete one of them between the listing and
 * the deletion (the broker then refuses the whole request): the listing is read again and the
 * deletion tried again, a few times.
 */
export async function deleteExisting(
  topics: readonly string[],
  admin: { listTopics(): Promise<string[]>; deleteTopics(request: { topics: string[] }): Promise<unknown> },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return;
    try {
      await admin.deleteTopics({ topics: present });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
