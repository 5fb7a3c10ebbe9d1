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

/** Messages from the parent: send the stamps since the last drain; close idle connections; stop. */
export type ToChild = { readonly kind: 'drain' } | { readonly kind: 'rest' } | { readonly kind: 'stop' };

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
  | { readonly kind: 'rested' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly error: string };

/** What a child does when its parent asks. */
export interface ChildSide {
  /** The stamps collected since the last call. */
  stamps(): Readonly<Record<string, StampRecord>>;
  /** Closes its pools' idle connections (after each run). */
  rest(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The child's side of the protocol: answers `drain` with the side's stamps and the CPU time and
 * peak RSS since the last drain, `rest` once the side rested, and `stop` by stopping the side and
 * then leaving the IPC channel (the child then exits). Sends `ready` at once: call it once the
 * child serves requests.
 */
export function serveParent(side: ChildSide): void {
  const tell = (message: FromChild): void => {
    process.send?.(message);
  };
  const failed = (error: unknown): void => tell({ kind: 'failed', error: String(error) });
  let cpu = process.cpuUsage();
  process.on('message', (message: ToChild) => {
    if (message.kind === 'drain') {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      tell({
        kind: 'stamps',
        stamps: side.stamps(),
        cpuMs: (used.user + used.system) / 1000,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      });
    } else if (message.kind === 'rest') {
      side.rest().then(() => tell({ kind: 'rested' }), failed);
    } else {
      void side
        .stop()
        .then(() => tell({ kind: 'stopped' }), failed)
        .finally(() => process.disconnect());
    }
  });
  tell({ kind: 'ready' });
}
