import type { StoredEvent } from '../stores/eventStore';

/**
 * How a relay's consumer runs; the adapter fills in every value (`KafkaEventRelay` documents its
 * defaults).
 */
export interface RelaySettings {
  /** Bump it to start a new consumer, which publishes again from `startFrom`. */
  readonly version: number;
  /** Where a new consumer starts: the first stored event, or the head (only later events). */
  readonly startFrom: 'beginning' | 'head';
  /** Events fetched, and published, per batch. */
  readonly batchSize: number;
  /**
   * The first delay after a failed publish, in ms, doubled after each failure up to 30 s; a
   * transient failure (`isTransient`: an unreachable destination) is retried from 100 ms.
   */
  readonly retryDelayMs: number;
}

/**
 * A destination outside the bundle that the event store is published to, in order, by a consumer
 * of the bundle (`builder.addEventRelay(relay)`): the consumer holds the lease, keeps its offset in
 * the consumer state store and moves it only once `publish` resolved. `KafkaEventRelay`
 * (`evento-ts/kafka`) is one.
 *
 * WARNING: delivery is at least once. A publish that fails after the destination took some of its
 * events, or a process that stops between a publish and its commit, publishes those events again:
 * readers tell them apart by event id.
 */
export interface EventRelay {
  /**
   * The relay's name in its consumer id, `bundleId_<name>_<version>_*`, and in
   * `bundle.consumers()`: 1 to 100 letters, digits, `.` and `-`, unique in the bundle.
   */
  readonly name: string;
  /** How its consumer runs. */
  readonly settings: RelaySettings;
  /** Whether events stored under `eventName` are published; the offset moves past the others. */
  relays(eventName: string): boolean;
  /**
   * Publishes `events` in this order and resolves once the destination acknowledged all of them.
   * A rejection is reported through the bundle's `onError` and retried, without end, the offset
   * staying before `events[0]`; a stored event that cannot be read (`UnreadableEventError`) goes
   * to the relay's dead events instead.
   */
  publish(events: readonly StoredEvent[]): Promise<void>;
  /** Closes its connections; the bundle calls it when it stops. A later `publish` opens them again. */
  close(): Promise<void>;
}
