import { BrokerUnavailableError, ConfigurationError } from '../errors';

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error for a topic the broker does not have (it creates none on first use). */
export function missingTopicError(
  error: unknown,
  operation: string,
  topics: readonly string[],
): ConfigurationError {
  const which = topics.length === 0 ? 'a topic' : `topic ${topics.join(', ')}`;
  return new ConfigurationError(
    `Kafka ${operation}: ${which} does not exist on the broker (${detailOf(error)}); create it first (KafkaAdmin.createTopics): the broker does not create topics on first use.`,
    { cause: error, context: { operation, topics } },
  );
}

/** The error for a broker that could not be reached, or a connection that broke. */
export function brokerUnavailableError(
  error: unknown,
  operation: string,
  topics: readonly string[],
): BrokerUnavailableError {
  return new BrokerUnavailableError(
    `Kafka ${operation}: the broker could not be reached (${detailOf(error)}); check that it runs and that the brokers list points at it. The call may succeed when retried.`,
    { cause: error, context: { operation, topics } },
  );
}
