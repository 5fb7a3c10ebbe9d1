import { ConfluentClient, KafkajsClient, KafkaMessageBus, type KafkaClient } from '../../../../src/kafka';
import { loadConfluent } from '../../../harness/confluentPackage';
import { KAFKA_BROKERS, kafka, PARTITIONS } from '../../../harness/kafka';
import type { Stamps } from './stamps';
import { TimedKafkaClient } from './timedKafkaClient';
import { BenchUsageError } from '../../../harness/usageError';

/**
 * The client library of the benchmark's buses and relay, from the environment:
 * `EVENTO_BENCH_KAFKA_CLIENT` is `kafkajs` (default) or `confluent` (`@confluentinc/kafka-javascript`
 * as scripts/confluent-client.sh installs it), and `EVENTO_BENCH_CONFLUENT_SETTINGS` a JSON object
 * of librdkafka settings for the confluent clients (e.g. `{"linger.ms":0}`).
 */
export interface KafkaClientChoice {
  readonly client: 'kafkajs' | 'confluent';
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * Reads and checks the {@link KafkaClientChoice}: an unknown client, settings that are not a JSON
 * object (or that set `kafkaJS`, which the benchmark fills in), settings given for kafkajs, or a
 * confluent package not installed are errors naming the variable and the fix.
 */
export function kafkaClientChoice(): KafkaClientChoice {
  const client = process.env.EVENTO_BENCH_KAFKA_CLIENT ?? 'kafkajs';
  if (client !== 'kafkajs' && client !== 'confluent')
    throw new BenchUsageError(
      `EVENTO_BENCH_KAFKA_CLIENT is ${JSON.stringify(client)}; use kafkajs or confluent`,
    );
  const text = process.env.EVENTO_BENCH_CONFLUENT_SETTINGS;
  if (text === undefined || text.trim() === '') return { client, settings: {} };
  if (client === 'kafkajs')
    throw new BenchUsageError(
      'EVENTO_BENCH_CONFLUENT_SETTINGS are librdkafka settings: set EVENTO_BENCH_KAFKA_CLIENT=confluent too',
    );
  let settings: unknown;
  try {
    settings = JSON.parse(text);
  } catch (error) {
    throw new BenchUsageError(
      `EVENTO_BENCH_CONFLUENT_SETTINGS is not JSON (${String(error)}); give an object, e.g. '{"linger.ms":0}'`,
    );
  }
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings) || 'kafkaJS' in settings)
    throw new BenchUsageError(
      'EVENTO_BENCH_CONFLUENT_SETTINGS must be a JSON object of librdkafka settings, e.g. \'{"linger.ms":0}\' ' +
        '(without kafkaJS: the benchmark sets the brokers and client id)',
    );
  return { client, settings: settings as Record<string, unknown> };
}

/** A client of the chosen library (see {@link kafkaClientChoice}). */
export function benchClient(clientId: string): KafkaClient {
  const { client, settings } = kafkaClientChoice();
  if (client === 'kafkajs') return new KafkajsClient(kafka(clientId));
  const { KafkaJS } = loadConfluent();
  return new ConfluentClient(
    new KafkaJS.Kafka({
      kafkaJS: { clientId, brokers: KAFKA_BROKERS, logLevel: KafkaJS.logLevel.NOTHING },
      ...settings,
    }),
  );
}

/** A KafkaMessageBus on topics prefixed `topicPrefix` whose Kafka traffic is stamped into `stamps`. */
export function benchBus(clientId: string, topicPrefix: string, stamps: Stamps): KafkaMessageBus {
  return new KafkaMessageBus({
    client: new TimedKafkaClient(benchClient(clientId), stamps),
    topicPrefix,
    partitions: PARTITIONS,
    // A member that joins is given its partitions after the others heartbeat (a fifth of this).
    sessionTimeoutMs: 6_000,
    onError: (error) => console.error(`[bench] ${clientId}:`, error),
  });
}
