/**
 * The trace context of a handler call the Sentry client will not sample, written without asking
 * the SDK for a span: an unsampled span would send nothing, and creating one costs as much as the
 * rest of the call. Downstream agents see the same trace id and the negative decision. A flow
 * with no trace of its own is linked to one by its correlation id (`flowTrace`).
 */
import { createHash, randomFillSync } from 'node:crypto';
import type * as Sentry from '@sentry/node';
import { TRACEPARENT } from '../tracing/traceparent';

/** What an error report is linked to: a trace, and the span of the call that failed. */
export interface TraceLink {
  readonly traceId: string;
  readonly spanId: string;
}

/** A trace this process does not sample: its id, this call's span id, and the keys that continue it. */
export interface UnsampledTrace extends TraceLink {
  /** `sentry-trace` (flag `-0`), `traceparent` (flag `00`) with W3C on, and a new trace's `baggage`. */
  readonly keys: Readonly<Record<string, string>>;
}

/** Random bytes drawn for ids, refilled when used up: one call to the system per 256 ids. */
const pool = Buffer.allocUnsafe(4096);
let drawn = pool.length;

/** `bytes` random bytes as hex digits. */
export function randomHex(bytes: number): string {
  if (drawn + bytes > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  drawn += bytes;
  return pool.toString('hex', drawn - bytes, drawn);
}

/** The keys that continue `traceId` from a new unsampled span of this process. */
export function unsampledTrace(traceId: string, w3c: boolean, baggage?: string): UnsampledTrace {
  return unsampledSpan(traceId, randomHex(8), w3c, baggage);
}

/** A new trace this process does not sample, and the keys that continue it, with `baggage(traceId)`. */
export function newUnsampledTrace(w3c: boolean, baggage: (traceId: string) => string): UnsampledTrace {
  // One draw for both ids.
  const ids = randomHex(24);
  const traceId = ids.slice(0, 32);
  return unsampledSpan(traceId, ids.slice(32), w3c, baggage(traceId));
}

function unsampledSpan(
  traceId: string,
  spanId: string,
  w3c: boolean,
  baggage: string | undefined,
): UnsampledTrace {
  const keys: Record<string, string> = { 'sentry-trace': `${traceId}-${spanId}-0` };
  if (w3c) keys[TRACEPARENT] = `00-${traceId}-${spanId}-00`;
  if (baggage !== undefined) keys.baggage = baggage;
  return { traceId, spanId, keys };
}

const clientEntries = new WeakMap<Sentry.NodeClient, string>();

/**
 * The `baggage` of a trace this process starts and does not sample: the dynamic sampling context
 * Sentry writes for it (the client's environment, release, public key and organisation; the trace
 * id; sample rate 0, not sampled). The client's part is worked out once per client.
 */
export function unsampledBaggage(client: Sentry.NodeClient, traceId: string): string {
  let entries = clientEntries.get(client);
  if (entries === undefined) {
    const options = client.getOptions();
    const dsn = client.getDsn();
    const orgId = options.orgId ?? /^o(\d+)\./.exec(dsn?.host ?? '')?.[1];
    const values: [string, unknown][] = [
      ['environment', options.environment ?? 'production'],
      ['release', options.release],
      ['public_key', dsn?.publicKey],
      ['org_id', orgId],
    ];
    entries = values
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([key, value]) => `sentry-${key}=${encodeURIComponent(String(value))}`)
      .join(',');
    clientEntries.set(client, entries);
  }
  return `${entries},sentry-trace_id=${traceId},sentry-sample_rate=0,sentry-sampled=false`;
}

const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * The trace of a flow that carries none: its id is the flow's correlation id (a message id, a
 * UUID, as 32 hex digits; any other text hashed; none at all, a new random id), so that the
 * errors of one flow link to one trace in every bundle; the span id is new.
 */
export function flowTrace(correlationId: string): TraceLink {
  const hex = correlationId.replace(/-/g, '').toLowerCase();
  let traceId: string;
  if (correlationId === '') traceId = randomHex(16);
  else if (UUID_HEX.test(hex) && !/^0+$/.test(hex)) traceId = hex;
  else traceId = createHash('sha256').update(correlationId).digest('hex').slice(0, 32);
  return { traceId, spanId: randomHex(8) };
}
