import { createTraceState, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { readTraceparent, TRACEPARENT } from '../tracing/traceparent';

/** The W3C trace context keys, as they travel in a message's metadata. */
export const W3CKeys = {
  /** `00-<trace id>-<parent span id>-<flags>`. */
  traceparent: TRACEPARENT,
  /** Vendor entries, passed on as they came. */
  tracestate: 'tracestate',
} as const;

/**
 * The remote span context that a W3C `traceparent` (version 00) and `tracestate` describe, or
 * undefined when `traceparent` is missing or malformed (all-zero ids included).
 */
export function parseTraceparent(
  traceparent: string | undefined,
  tracestate: string | undefined,
): SpanContext | undefined {
  const parsed = readTraceparent(traceparent);
  if (parsed === undefined) return undefined;
  return {
    traceId: parsed.traceId,
    spanId: parsed.parentSpanId,
    traceFlags: parsed.flags & TraceFlags.SAMPLED,
    isRemote: true,
    ...(tracestate === undefined || tracestate === '' ? {} : { traceState: createTraceState(tracestate) }),
  };
}

/** `traceparent` and (when there is one) `tracestate` for `context`. */
export function formatTraceContext(context: SpanContext): Record<string, string> {
  const flags = (context.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  const keys: Record<string, string> = {
    [W3CKeys.traceparent]: `00-${context.traceId}-${context.spanId}-${flags}`,
  };
  const state = context.traceState?.serialize();
  if (state !== undefined && state !== '') keys[W3CKeys.tracestate] = state;
  return keys;
}
