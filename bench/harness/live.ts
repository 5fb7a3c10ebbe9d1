/**
 * Live runs, shared by the latency and concurrent-writer cases: writers append (or send commands)
 * while a consumer runs; then the run waits until the consumer has delivered every event, or has
 * delivered nothing new for a while (events it skipped never come).
 */
import { sleep, waitUntil } from './concurrency';
import { DeliveryTracker } from './delivery';
import type { RunOutput, SystemName, SystemRun } from './types';

/** A system under a live run: a running consumer and a way to write one event. */
export interface LiveTarget {
  /** The consumer's tracker, replaced at the start of each run. */
  tracker: DeliveryTracker;
  /** The stream's head position now (deliveries up to it belong to earlier runs). */
  head(): Promise<number>;
  /** Writes one event for `writer` (its `index`-th), carrying `sentAt`. */
  write(writer: number, index: number, sentAt: number): Promise<void>;
}

export interface LiveOptions {
  readonly writers: number;
  /** Total events per second across writers; undefined: as fast as they go. */
  readonly rate: number | undefined;
  /** With a rate: how long to write; without: events per writer. */
  readonly seconds: number;
  readonly perWriter: number;
  /** Give up waiting for deliveries after this long without a new one. */
  readonly quietMs: number;
}

/** `writers` writers writing `perWriter` events each as fast as they go. */
export function unpacedWriters(writers: number, perWriter: number, quietMs: number): LiveOptions {
  return { writers, rate: undefined, seconds: 0, perWriter, quietMs };
}

/** Runs the writers against `target` and measures deliveries. */
export async function liveRun(target: LiveTarget, options: LiveOptions): Promise<RunOutput> {
  target.tracker = new DeliveryTracker(await target.head());
  let appended = 0;
  let failed = 0;
  const started = performance.now();
  const writer = async (w: number): Promise<void> => {
    for (let k = 0; ; k++) {
      let sentAt: number;
      if (options.rate === undefined) {
        if (k >= options.perWriter) return;
        sentAt = performance.now();
      } else {
        // Slot k of this writer: the (k * writers + w)-th send of the whole run, at a steady rate.
        const due = started + ((k * options.writers + w) * 1000) / options.rate;
        if (due - started >= options.seconds * 1000) return;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        sentAt = performance.now();
      }
      try {
        await target.write(w, k, sentAt);
        appended++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.writers }, (_, w) => writer(w)));
  const written = performance.now() - started;
  let last = target.tracker.delivered;
  let lastChange = performance.now();
  await waitUntil(() => {
    const tracker = target.tracker;
    if (tracker.delivered !== last) {
      last = tracker.delivered;
      lastChange = performance.now();
    }
    return tracker.delivered >= appended || performance.now() - lastChange > options.quietMs;
  }, 120_000);
  const drained = performance.now() - started;
  const tracker = target.tracker;
  return {
    ops: appended,
    durationMs: options.rate === undefined ? drained : written,
    latenciesMs: tracker.latenciesMs,
    extra: {
      appended,
      delivered: tracker.delivered,
      deliveredRatio: appended === 0 ? 0 : tracker.delivered / appended,
      ...(failed > 0 ? { failedWrites: failed } : {}),
    },
  };
}

/** A system whose runs are live runs of `target` (the warm-up a fifth as long). */
export function liveSystem(
  system: SystemName,
  target: LiveTarget,
  options: LiveOptions,
  close: () => Promise<void>,
): SystemRun {
  const warmup: LiveOptions = {
    ...options,
    seconds: Math.max(1, options.seconds / 5),
    perWriter: Math.ceil(options.perWriter / 5),
  };
  return { system, run: ({ warmup: isWarmup }) => liveRun(target, isWarmup ? warmup : options), close };
}
