import { publishedEvent } from '../messages/eventRecords';
import type { PublishedEvent } from '../messages/messages';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { StoredEvent } from '../stores/eventStore';
import { nothingChanged, type EventProcessor, type ProcessedEvent, type RetryPolicy } from './eventProcessor';
import type { EventRelay } from './eventRelay';

/**
 * Runs an event relay as a consumer: a whole batch is one `publish`, and a failing publish is
 * retried without end (`retry: -1`), so the offset never moves past an event not published.
 */
export class RelayProcessor implements EventProcessor {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly relay: EventRelay,
    private readonly payloads: PayloadRegistry,
  ) {
    this.policy = { retry: -1, retryDelay: relay.settings.retryDelayMs };
  }

  handles(eventName: string): boolean {
    return this.relay.relays(eventName);
  }

  retryPolicy(): RetryPolicy {
    return this.policy;
  }

  revive(event: StoredEvent): PublishedEvent {
    return publishedEvent(event, this.payloads);
  }

  async process(event: StoredEvent): Promise<ProcessedEvent> {
    await this.relay.publish([event]);
    return nothingChanged;
  }

  async processBatch(events: readonly StoredEvent[]): Promise<ProcessedEvent[]> {
    await this.relay.publish(events);
    return events.map(() => nothingChanged);
  }
}
