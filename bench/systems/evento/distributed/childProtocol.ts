import type { StampRecord } from './stamps';

/** What a domain child process is started with (its one argument, as JSON). */
export interface ChildSettings {
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
