import { CONSUMER_NAME_RULE } from '../consumers/consumerId';
import type { RelaySettings } from '../consumers/eventRelay';
import { ConfigurationError } from '../errors';
import { checkTopicName } from './arguments';
import type { KafkaEventRelayOptions } from './kafkaEventRelay';
import type { RelayTopicSpec } from './relayTopic';

/** A relay's options, checked, with the defaults filled in. */
export interface CheckedRelayOptions {
  readonly name: string;
  readonly settings: RelaySettings;
  /** The payload names to publish; undefined: all. */
  readonly events: ReadonlySet<string> | undefined;
  readonly topic: RelayTopicSpec;
}

/** Checks `options` and fills in the defaults; each problem is a ConfigurationError naming the option. */
export function checkRelayOptions(options: KafkaEventRelayOptions): CheckedRelayOptions {
  if (options === null || typeof options !== 'object')
    throw wrong('options', options, 'an object with at least { client, topic }');
  const client = options.client as unknown;
  if (
    client === null ||
    typeof client !== 'object' ||
    typeof (client as { producer?: unknown }).producer !== 'function'
  )
    throw wrong('client', client, 'a KafkaClient, such as new KafkajsClient(new Kafka({ brokers }))');
  checkTopicName(options.topic, 'KafkaEventRelay');
  const name = options.name ?? `relay-${options.topic}`;
  if (typeof name !== 'string' || !CONSUMER_NAME_RULE.test(name))
    throw wrong(
      'name',
      name,
      '1 to 100 letters, digits, dots and dashes, starting with a letter or digit (the default relay-<topic> does not fit this topic: give a name)',
    );
  const events = options.events;
  if (
    events !== undefined &&
    (!Array.isArray(events) || events.some((e) => typeof e !== 'string' || e === ''))
  )
    throw wrong(
      'events',
      events,
      'an array of payload names (non-empty strings), or nothing for every event',
    );
  if (options.startFrom !== undefined && options.startFrom !== 'beginning' && options.startFrom !== 'head')
    throw wrong('startFrom', options.startFrom, "'beginning' or 'head'");
  if (options.createTopic !== undefined && typeof options.createTopic !== 'boolean')
    throw wrong('createTopic', options.createTopic, 'true or false');
  const config = options.topicConfig ?? {};
  if (typeof config !== 'object' || Object.values(config).some((v) => typeof v !== 'string'))
    throw wrong('topicConfig', config, "an object of string values, such as { 'retention.ms': '-1' }");
  return {
    name,
    settings: {
      version: whole('version', options.version, 1, 1),
      startFrom: options.startFrom ?? 'beginning',
      batchSize: whole('batchSize', options.batchSize, 500, 1),
      retryDelayMs: whole('retryDelayMs', options.retryDelayMs, 100, 1),
    },
    events: events === undefined ? undefined : new Set(events),
    topic: {
      create: options.createTopic ?? true,
      partitions: whole('partitions', options.partitions, 1, 1),
      config,
    },
  };
}

function whole(option: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw wrong(option, value, `a whole number of at least ${min}`);
  return value;
}

function wrong(option: string, value: unknown, expected: string): ConfigurationError {
  return new ConfigurationError(`KafkaEventRelay: option ${option} is ${show(value)}; pass ${expected}.`, {
    context: { option },
  });
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 80);
  } catch {
    return 'an object that is not JSON';
  }
}
