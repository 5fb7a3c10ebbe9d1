import type { Consumer, ConsumerRunConfig } from 'kafkajs';

/**
 * Runs `consumer` and resolves once it has joined its group (kafkajs's `run` resolves before):
 * only then does it read what is sent. Rejects after `timeoutMs`.
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
