/**
 * Where a failure that the framework handled itself happened, as given to the builder's
 * `onError(error, where)`: what kind of work failed and, as far as they apply, the component,
 * consumer, event and attempt.
 */
export interface ErrorContext {
  /**
   * - `handler`: a consumer's event handler (or an interceptor around it) failed; the consumer retries
   *   it by the handler's policy, then sends the event to the dead events;
   * - `consumer`: a consumer's own work failed (reading the stream, committing); it backs off and goes on;
   * - `lease`: renewing or releasing a consumer's lease failed;
   * - `snapshot`: storing an aggregate's snapshot failed (the events are stored).
   */
  readonly kind: 'handler' | 'consumer' | 'lease' | 'snapshot';
  /** The bundle the failure happened in. */
  readonly bundleId: string;
  /** The component's class name. */
  readonly component?: string | undefined;
  /** The consumer, for handler, consumer and lease failures. */
  readonly consumerId?: string | undefined;
  /** The event's place in the stream (handler failures). */
  readonly sequenceNumber?: number | undefined;
  /** The payload's registered name (the event of a handler failure). */
  readonly payloadName?: string | undefined;
  /** The aggregate of the event or snapshot. */
  readonly aggregateId?: string | null | undefined;
  /** 1 for the first attempt at an event, then 2, 3... */
  readonly attempt?: number | undefined;
}

/** One line naming `where`, e.g. `handler of consumer shop_Orders_1_default, OrderPlaced #42, attempt 2`. */
export function describeErrorContext(where: ErrorContext): string {
  const parts: string[] = [where.kind];
  if (where.consumerId !== undefined) parts[0] += ` of consumer ${where.consumerId}`;
  else if (where.component !== undefined) parts[0] += ` of ${where.component}`;
  if (where.payloadName !== undefined)
    parts.push(
      `${where.payloadName}${where.sequenceNumber === undefined ? '' : ` #${where.sequenceNumber}`}`,
    );
  if (where.aggregateId !== undefined && where.aggregateId !== null)
    parts.push(`aggregate ${where.aggregateId}`);
  if (where.attempt !== undefined) parts.push(`attempt ${where.attempt}`);
  return `${parts.join(', ')} (bundle ${where.bundleId})`;
}
