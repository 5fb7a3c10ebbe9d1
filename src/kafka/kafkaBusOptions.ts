import { ConfigurationError } from '../errors';
import type { KafkaClient } from './kafkaClient';

/** Settings of a KafkaMessageBus. */
export interface KafkaMessageBusOptions {
  /** The Kafka client (`KafkajsClient` or `ConfluentClient`). */
  readonly client: KafkaClient;
  /**
   * The first part of every topic and group name of the bus (default `evento`): buses of one
   * prefix form one cluster. Letters, digits, `.`, `_` and `-`.
   */
  readonly topicPrefix?: string;
  /**
   * Partitions of a bundle's request topic when the bus creates it (default 12): the most
   * instances of the bundle that can share its requests. Changing it later moves lock ids to
   * other partitions (see docs/distributed.md).
   */
  readonly partitions?: number;
  /** How often the bus announces its bundle instances, in ms (default 1,000). */
  readonly heartbeatIntervalMs?: number;
  /** After how long without an announcement an instance counts as dead, in ms (default 10,000). */
  readonly instanceTimeoutMs?: number;
  /**
   * The consumer groups' session timeout, in ms (default 10,000): a member silent for this long
   * loses its partitions to the others. The broker bounds it (`group.min.session.timeout.ms`).
   */
  readonly sessionTimeoutMs?: number;
  /** Requests one bundle handles at once on this bus (default 256); reading waits beyond it. */
  readonly maxInFlight?: number;
  /** The size limit of one encoded message in bytes (default 1 MiB); keep it under the broker's. */
  readonly maxMessageBytes?: number;
  /** How long connecting and joining a group may take, in ms (default 30,000). */
  readonly startTimeoutMs?: number;
  /**
   * Errors of the bus's background work (announcements, commits, answers that could not be sent);
   * default: printed with `console.error`.
   */
  readonly onError?: (error: unknown) => void;
}

/** The settings with their defaults. */
export interface ResolvedBusOptions {
  readonly topicPrefix: string;
  readonly partitions: number;
  readonly heartbeatIntervalMs: number;
  readonly instanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly maxInFlight: number;
  readonly maxMessageBytes: number;
  readonly startTimeoutMs: number;
  readonly onError: (error: unknown) => void;
}

/** Fills in the defaults and refuses what cannot work, naming the fix. */
export function checkBusOptions(options: KafkaMessageBusOptions): ResolvedBusOptions {
  if (typeof options?.client?.producer !== 'function') {
    throw new ConfigurationError(
      'KafkaMessageBus needs { client }: a KafkajsClient or ConfluentClient (see docs/distributed.md).',
    );
  }
  const resolved: ResolvedBusOptions = {
    topicPrefix: options.topicPrefix ?? 'evento',
    partitions: whole('partitions', options.partitions ?? 12, 1),
    heartbeatIntervalMs: whole('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 1_000, 10),
    instanceTimeoutMs: whole('instanceTimeoutMs', options.instanceTimeoutMs ?? 10_000, 10),
    sessionTimeoutMs: whole('sessionTimeoutMs', options.sessionTimeoutMs ?? 10_000, 1_000),
    maxInFlight: whole('maxInFlight', options.maxInFlight ?? 256, 1),
    maxMessageBytes: whole('maxMessageBytes', options.maxMessageBytes ?? 1024 * 1024, 1024),
    startTimeoutMs: whole('startTimeoutMs', options.startTimeoutMs ?? 30_000, 100),
    onError: options.onError ?? ((error) => console.error('[evento] KafkaMessageBus:', error)),
  };
  if (resolved.instanceTimeoutMs <= resolved.heartbeatIntervalMs) {
    throw new ConfigurationError(
      `KafkaMessageBus: instanceTimeoutMs (${resolved.instanceTimeoutMs}) must be longer than heartbeatIntervalMs (${resolved.heartbeatIntervalMs}), ` +
        'or live instances would be dropped between two announcements; give it at least three heartbeats.',
      { context: { ...resolved, onError: undefined } },
    );
  }
  return resolved;
}

function whole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigurationError(
      `KafkaMessageBus: ${name} must be a whole number of at least ${min} (got ${String(value)}).`,
      { context: { [name]: value } },
    );
  }
  return value;
}
