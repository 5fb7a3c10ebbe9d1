import { EventoError } from '../errors';
import { brokerUnavailableError, missingTopicError } from './clientErrors';

/** kafkajs error classes that mean the broker could not be reached or the link broke. */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);

/** Protocol error types that mean a topic does not exist on the broker. */
const NO_TOPIC = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID']);

/** The error and the errors it wraps (`cause`), outermost first. */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && errors.length < 10 && !errors.includes(current)) {
    errors.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return errors;
}

/** Whether `error`, or an error it wraps, is a kafkajs protocol error of one of `types`. */
export function hasErrorType(error: unknown, types: ReadonlySet<string>): boolean {
  return chain(error).some((e) => types.has(String(field(e, 'type'))));
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * Maps a kafkajs error to the framework's: an unreachable broker becomes BrokerUnavailableError,
 * a missing topic ConfigurationError; other errors are returned unchanged.
 */
export function mapKafkajsError(error: unknown, operation: string, topics: readonly string[] = []): unknown {
  if (error instanceof EventoError) return error;
  const errors = chain(error);
  if (
    errors.some(
      (e) => NO_TOPIC.has(String(field(e, 'type'))) || field(e, 'name') === 'KafkaJSTopicMetadataNotLoaded',
    )
  ) {
    return missingTopicError(error, operation, topics);
  }
  if (errors.some((e) => UNREACHABLE.has(String(field(e, 'name'))))) {
    return brokerUnavailableError(error, operation, topics);
  }
  return error;
}
