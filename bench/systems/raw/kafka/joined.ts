import type { Consumer, ConsumerRunConfig } from 'kafkajs';

/**
 * Runs `consumer` and resolves once it has joined its group, so that it reads what is sent from
 * then on (kafkajs's `run` waits for the first join, but not for a join retried after a crash of
 * the first). Rejects after `timeoutMs`.
 */
export async function runJoined(
  consumer: Consumer,
  config: ConsumerRunConfig,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let stopListening: (() => void) | undefined;
  const joined = new Promise<void>((resolve, reject) => {
    stopListening = consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    timer = setTimeout(
      () => reject(new Error(`a raw consumer did not join its group within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await consumer.run(config);
    await joined;
  } finally {
    clearTimeout(timer);
    stopListening?.();
  }
}
