import { sleep } from './concurrency';

/** What a paced run did: each completed task's latency (ms), the failures, the sending time. */
export interface PacedResult {
  readonly latenciesMs: number[];
  readonly failed: number;
  /** From the first send to the last one (the offered rate's window). */
  readonly durationMs: number;
}

/**
 * Starts `task(0)`, `task(1)`... at a steady `rate` per second for `seconds`, each at its due
 * time whether or not earlier ones have finished (an open loop: a slow answer does not slow the
 * sending, so the latencies include any queueing), then waits for all of them.
 */
export async function runPaced(
  rate: number,
  seconds: number,
  task: (index: number) => Promise<unknown>,
): Promise<PacedResult> {
  const count = Math.max(1, Math.floor(rate * seconds));
  const latenciesMs: number[] = [];
  let failed = 0;
  const running: Promise<void>[] = [];
  const started = performance.now();
  for (let k = 0; k < count; k++) {
    const wait = started + (k * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const sentAt = performance.now();
    running.push(
      task(k).then(
        () => {
          latenciesMs.push(performance.now() - sentAt);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  const durationMs = performance.now() - started;
  await Promise.all(running);
  return { latenciesMs, failed, durationMs };
}
