import type { StampRecord } from './stamps';

/** What a domain child process is started with (its one argument, as JSON). */
export interface ChildSettings {
  /** The domain it runs: the evento-ts bundle on a KafkaMessageBus, or the raw Kafka system's. */
  readonly side: 'evento' | 'raw';
  /** The bench's database namespace (see harness/databases.ts). */
  readonly namespace: string;
  readonly tablePrefix: string;
  readonly topicPrefix: string;
  readonly instance: number;
  /** The most connections each of its PostgreSQL pools opens. */
  readonly poolSize: number;
}

/** Messages from the parent: send the stamps collected since the last drain; stop. */
export type ToChild = { readonly kind: 'drain' } | { readonly kind: 'stop' };

/** Messages from the child. */
export type FromChild =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'stamps';
      readonly stamps: Readonly<Record<string, StampRecord>>;
      /** CPU time (user + system) since the last drain, ms. */
      readonly cpuMs: number;
      readonly peakRssMb: number;
    }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly error: string };

/**
 * The child's side of the protocol: answers `drain` with `stamps()` and the CPU time and peak RSS
 * since the last drain, and `stop` by running `stop` and then leaving the IPC channel (the child
 * then exits). Sends `ready` at once: call it once the child serves requests.
 */
export function serveParent(
  stamps: () => Readonly<Record<string, StampRecord>>,
  stop: () => Promise<void>,
): void {
  const tell = (message: FromChild): void => {
    process.send?.(message);
  };
  let cpu = process.cpuUsage();
  process.on('message', (message: ToChild) => {
    if (message.kind === 'drain') {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      tell({
        kind: 'stamps',
        stamps: stamps(),
        cpuMs: (used.user + used.system) / 1000,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      });
      return;
    }
    void stop()
      .then(
        () => tell({ kind: 'stopped' }),
        (error: unknown) => tell({ kind: 'failed', error: String(error) }),
      )
      .finally(() => process.disconnect());
  });
  tell({ kind: 'ready' });
}
