import type { PublishedEvent } from '../messages/messages';
import type { StoredSagaInstance } from '../stores/consumerStateStore';
import type { StoredEvent } from '../stores/eventStore';

/** The consumer-state changes handling one event produced, committed with the event's offset. */
export interface ProcessedEvent {
  readonly sagaUpserts: readonly StoredSagaInstance[];
  readonly sagaDeletes: readonly { sagaName: string; sagaId: string }[];
}

export const nothingChanged: ProcessedEvent = Object.freeze({ sagaUpserts: [], sagaDeletes: [] });

/** Facts about the step an event is handled in. */
export interface StepContext {
  /** The consumer handling it. */
  readonly consumerId: string;
  /** 1 for the first attempt at the event, then 2, 3... on retries. */
  readonly attempt: number;
  /** The fetch that returned this event reached the head of the stream. */
  readonly headReached: boolean;
  /** A (non-transient) failure of this attempt sends the event to the dead events. */
  readonly lastAttempt: boolean;
  /** The consumer state store's transaction handle, when the step runs in one. */
  readonly transaction: unknown;
}

/** `retry`: retries after the first failure (-1: forever); `retryDelay`: first delay in ms, doubled each time. */
export interface RetryPolicy {
  readonly retry: number;
  readonly retryDelay: number;
}

/** Handles events for one consumer kind (projector, observer, saga, relay). */
export interface EventProcessor {
  /** Whether this consumer has a handler for events stored under `eventName`. */
  handles(eventName: string): boolean;
  /** Handles one stored event; resolves to the state changes to commit with it. */
  process(event: StoredEvent, step: StepContext): Promise<ProcessedEvent>;
  /**
   * Handles a whole fetched batch at once (one call for all of `events`, in order), when the kind
   * can: the runner then retries a batch that failed transiently as a whole, and goes through one
   * that failed otherwise one event at a time.
   */
  processBatch?(events: readonly StoredEvent[], step: StepContext): Promise<ProcessedEvent[]>;
  /** How a failing handler of `eventName` is retried before its event goes to the dead events. */
  retryPolicy(eventName: string): RetryPolicy;
  /** Revives a stored event (for dead event listings and errors). */
  revive(event: StoredEvent): PublishedEvent;
}
