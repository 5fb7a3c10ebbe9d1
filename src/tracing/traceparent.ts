/**
 * The W3C `traceparent` header (version 00), read the same way by every agent that speaks it.
 */

/** The metadata key of the W3C trace context's parent. */
export const TRACEPARENT = 'traceparent';

const TRACEPARENT_FORMAT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** What a `traceparent` says: the trace, the parent span, and its sampled flag. */
export interface Traceparent {
  readonly traceId: string;
  readonly parentSpanId: string;
  /** The trace flags byte (bit 0: sampled). */
  readonly flags: number;
}

/** The parts of a `traceparent` (version 00), or undefined when it is missing or malformed (all-zero ids included). */
export function readTraceparent(value: string | undefined): Traceparent | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT_FORMAT.exec(value.trim());
  if (match === null) return undefined;
  const [, traceId, parentSpanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE_ID || parentSpanId === ZERO_SPAN_ID) return undefined;
  return { traceId, parentSpanId, flags: parseInt(flags, 16) };
}
