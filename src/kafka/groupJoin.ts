import { BrokerUnavailableError } from '../errors';
import type { IncomingMessage, KafkaConsumer } from './kafkaClient';

/**
 * How long the bus's consumers let the broker hold an empty fetch: closing waits for the fetch in
 * progress, so this bounds how long `close()` takes.
 */
export const FETCH_WAIT_MS = 200;

/**
 * Starts `consumer` on `handle` and resolves once it has joined its group (it has partitions to
 * read), so that what is sent after it is read; rejects with a BrokerUnavailableError after
 * `timeoutMs`.
 */
export async function runUntilJoined(
  consumer: KafkaConsumer,
  handle: (message: IncomingMessage) => Promise<void>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const joined = new Promise<void>((resolve, reject) => {
    unsubscribe = consumer.onGroupJoin(() => resolve());
    timer = setTimeout(
      () =>
        reject(
          new BrokerUnavailableError(
            `${what} did not join its consumer group within ${timeoutMs} ms; check that the broker runs and is reachable, or raise startTimeoutMs.`,
            { context: { timeoutMs } },
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await consumer.run(handle);
    await joined;
  } finally {
    clearTimeout(timer);
    unsubscribe?.();
  }
}

/** Resolves after `ms`, or at once when `ms` is 0. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
