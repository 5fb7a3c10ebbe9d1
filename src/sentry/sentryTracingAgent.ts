import * as Sentry from '@sentry/node';
import type { HandlerCall } from '../handling/handlerCall';
import type { HandlerNext, PassedOnCall } from '../handling/handlerInterceptor';
import {
  isFinalFailure,
  redactedPayload,
  SpanAttributes,
  spanAttributes,
  spanName,
  spanOp,
  type TracingOptions,
} from '../tracing/spans';
import { readTraceparent, TRACEPARENT } from '../tracing/traceparent';
import type { TracingAgent } from '../tracing/tracingAgent';
import {
  flowTrace,
  newUnsampledTrace,
  unsampledBaggage,
  unsampledTrace,
  type TraceLink,
  type UnsampledTrace,
} from './unsampledTrace';

/** Options of {@link SentryTracingAgent}. */
export interface SentryTracingOptions extends TracingOptions {
  /**
   * The client the application made with `Sentry.init()`; default the current one
   * (`Sentry.getClient()`). With none, the agent does nothing: it never initialises Sentry.
   */
  readonly client?: Sentry.NodeClient | undefined;
  /**
   * Speak W3C trace context too: continue a trace from a message's `traceparent` (before its
   * `sentry-trace`) and write `traceparent` beside `sentry-trace`/`baggage`, so that an
   * OpenTelemetry agent (`evento-ts/opentelemetry`) and this one continue each other's traces.
   * Default: the client's own `propagateTraceparent` option.
   */
  readonly propagateTraceparent?: boolean | undefined;
  /**
   * At sample rate 0, write the new traces that `@Track` handlers start into the messages they
   * send, as `sentry-trace` (flag `-0`), `baggage` and, with W3C on, `traceparent`, the way the
   * Sentry SDK does over HTTP: for consumers of the messages that are not evento agents and must
   * follow the negative decision. Default false: such a trace's id is the flow's correlation id
   * (every message of the flow carries it already), and nothing is added to the messages and
   * their events. Traces that came in, and sampled traces, are always written.
   */
  readonly propagateUnsampledTraces?: boolean | undefined;
}

/** The Sentry trace context keys, as they travel in a message's metadata. */
export const SentryKeys = {
  /** `<trace id>-<span id>-<sampled>`. */
  sentryTrace: 'sentry-trace',
  /** The W3C baggage with Sentry's dynamic sampling context. */
  baggage: 'baggage',
} as const;

/** `<trace id>-<span id>` and an optional `-<sampled>`; anything else is ignored as malformed. */
const SENTRY_TRACE = /^([0-9a-f]{32})-([0-9a-f]{16})(-[01])?$/;
/** The trace id of the dynamic sampling context in a `baggage` header. */
const BAGGAGE_TRACE_ID = /(?:^|,)\s*sentry-trace_id=([0-9a-f]{32})\s*(?:[,;]|$)/;

/** What the agent does with a call that has a client: see `SentryTracingAgent.plan`. */
type Plan = {
  readonly client: Sentry.NodeClient;
  readonly w3c: boolean;
  readonly incoming: IncomingTrace | undefined;
} & (
  | { readonly span: false; readonly trace: UnsampledTrace | undefined }
  | { readonly span: true; readonly active: boolean }
);

/** Passed on as it is, when there is no client. */
const NOTHING: PassedOnCall = Object.freeze({});

/** The headers `Sentry.continueTrace` takes, and what they say. */
interface IncomingTrace {
  readonly sentryTrace: string;
  readonly baggage: string | undefined;
  readonly traceId: string;
  /** The parent's sampling decision; undefined when it left it to this process. */
  readonly sampled: boolean | undefined;
}

/**
 * A {@link TracingAgent} on `@sentry/node`, for a client the application initialised (it never
 * calls `Sentry.init`). It continues the trace in a message's `sentry-trace`/`baggage` (or, with
 * `propagateTraceparent`, its W3C `traceparent`; a malformed header is ignored), starts a new
 * trace under `@Track`, and otherwise leaves a
 * call alone; spans are named and tagged as every evento span (see docs/observability.md), and
 * sampled by the client's `tracesSampleRate`/`tracesSampler` and the incoming sampling decision.
 * A call the client will not sample (rate 0, no sampler, no parent that sampled) gets no span at
 * all: a parent's trace goes on in keys that carry its id and the negative decision; a new trace
 * is the flow's, its id the correlation id, and adds no keys (unless `propagateUnsampledTraces`).
 *
 * A handler's error is captured with the call's tags and the trace link, once: for a command,
 * query or invocation at once; for a consumer only at its last attempt (when the event goes to the
 * dead events), never while it will retry. The payload goes with it only as the redaction hook lets it.
 */
export class SentryTracingAgent implements TracingAgent {
  constructor(private readonly options: SentryTracingOptions = {}) {}

  track(call: HandlerCall, next: HandlerNext): Promise<unknown> {
    const plan = this.plan(call);
    if (plan === undefined) return next();
    const { client, w3c, incoming } = plan;
    if (plan.span === false) {
      return next(plan.trace?.keys).catch((error: unknown) => {
        this.failed(call, client, error, plan.trace);
        throw error;
      });
    }
    if (incoming !== undefined) {
      return this.inClient(client, () => Sentry.continueTrace(incoming, () => this.span(call, next, w3c)));
    }
    if (plan.active) return this.inClient(client, () => this.span(call, next, w3c));
    return this.inClient(client, () => Sentry.startNewTrace(() => this.span(call, next, w3c)));
  }

  /** A call the client will not sample, or not traced at all, runs without `track`: see {@link TracingAgent.withoutSpan}. */
  withoutSpan(call: HandlerCall): PassedOnCall | undefined {
    const plan = this.plan(call);
    if (plan === undefined) return NOTHING;
    if (plan.span !== false) return undefined;
    const { client, trace } = plan;
    return {
      metadata: trace?.keys,
      onError: (error) => this.failed(call, client, error, trace),
    };
  }

  /**
   * What `track` does with `call`: nothing (no client); no span (`trace`: the unsampled trace it
   * continues, undefined when the call is not traced or its new trace is the flow's, though its
   * final failure is still reported); or a span, continuing `incoming`, the `active` span, or a
   * new trace.
   */
  private plan(call: HandlerCall): Plan | undefined {
    const client = this.options.client ?? Sentry.getClient();
    if (client === undefined) return undefined;
    const w3c = this.speaksW3c(client);
    const incoming = incomingTrace(call, w3c);
    const active =
      incoming === undefined && call.consumerId === undefined ? Sentry.getActiveSpan() : undefined;
    if (incoming === undefined && active === undefined && !call.tracked) {
      return { client, w3c, incoming, span: false, trace: undefined };
    }
    const trace = unsampledTraceOf(client, w3c, incoming, active, this.options.propagateUnsampledTraces);
    if (trace === FLOW_TRACE) return { client, w3c, incoming, span: false, trace: undefined };
    if (trace !== undefined) return { client, w3c, incoming, span: false, trace };
    return { client, w3c, incoming, span: true, active: active !== undefined };
  }

  activeTraceContext(): Readonly<Record<string, string>> | undefined {
    const span = Sentry.getActiveSpan();
    if (span === undefined) return undefined;
    return traceKeys(span, this.speaksW3c(this.options.client ?? Sentry.getClient()));
  }

  private speaksW3c(client: Sentry.NodeClient | undefined): boolean {
    return this.options.propagateTraceparent ?? client?.getOptions().propagateTraceparent === true;
  }

  private inClient<T>(client: Sentry.NodeClient, work: () => T): T {
    if (Sentry.getClient() === client) return work();
    return Sentry.withScope((scope) => {
      scope.setClient(client);
      return work();
    });
  }

  private span(call: HandlerCall, next: HandlerNext, w3c: boolean): Promise<unknown> {
    const options = {
      name: spanName(call),
      op: spanOp(call),
      attributes: spanAttributes(call, this.options.redact),
    };
    return Sentry.startSpan(options, async (span) => {
      try {
        return await next(traceKeys(span, w3c));
      } catch (error) {
        span.setStatus({ code: 2, message: 'internal_error' });
        if (isFinalFailure(call, error)) this.capture(call, error);
        throw error;
      }
    });
  }

  /** Reports a call's failure when it is its final one, linked to the unsampled `trace` it continues. */
  private failed(
    call: HandlerCall,
    client: Sentry.NodeClient,
    error: unknown,
    trace: UnsampledTrace | undefined,
  ): void {
    if (!isFinalFailure(call, error)) return;
    // At rate 0 a call without a trace is in the flow's trace; otherwise in the scope's.
    const link = trace ?? (neverSamples(client) ? flowTrace(call.metadata.correlationId) : undefined);
    this.inClient(client, () => this.capture(call, error, link));
  }

  private capture(call: HandlerCall, error: unknown, trace?: TraceLink): void {
    // Sentry marks what it captured: the caller's failing span does not report the same error again.
    Sentry.withScope((scope) => {
      if (trace !== undefined) {
        scope.setPropagationContext({
          traceId: trace.traceId,
          propagationSpanId: trace.spanId,
          sampled: false,
          sampleRand: 1,
        });
      }
      const attributes = spanAttributes(call);
      const tags: Record<string, string> = {};
      for (const [key, value] of Object.entries(attributes)) {
        if (key !== SpanAttributes.payload) tags[key] = String(value);
      }
      scope.setTags(tags);
      const payload = redactedPayload(call, this.options.redact);
      scope.setContext('evento', { span: spanName(call), ...(payload === undefined ? {} : { payload }) });
      Sentry.captureException(error);
    });
  }
}

/**
 * The trace a handled message continues: with `w3c`, its `traceparent` first (an OpenTelemetry
 * agent writes only that one, and the `sentry-trace` then still in the metadata is an older
 * span's), with the `baggage` only when it belongs to that trace; else a well-formed `sentry-trace`.
 */
function incomingTrace(call: HandlerCall, w3c: boolean): IncomingTrace | undefined {
  const baggage = call.metadata.get(SentryKeys.baggage);
  if (w3c) {
    const parent = readTraceparent(call.metadata.get(TRACEPARENT));
    if (parent !== undefined) {
      const sampled = (parent.flags & 1) === 1;
      const sameTrace = baggage !== undefined && BAGGAGE_TRACE_ID.exec(baggage)?.[1] === parent.traceId;
      return {
        sentryTrace: `${parent.traceId}-${parent.parentSpanId}-${sampled ? '1' : '0'}`,
        baggage: sameTrace ? baggage : undefined,
        traceId: parent.traceId,
        sampled,
      };
    }
  }
  const sentryTrace = call.metadata.get(SentryKeys.sentryTrace)?.trim();
  const match = sentryTrace === undefined ? null : SENTRY_TRACE.exec(sentryTrace);
  if (sentryTrace === undefined || match === null) return undefined;
  const flag = match[3];
  return {
    sentryTrace,
    baggage,
    traceId: match[1] as string,
    sampled: flag === undefined ? undefined : flag === '-1',
  };
}

/**
 * The trace context of a call the client will not sample, or undefined when it may: with no
 * `tracesSampler` and `tracesSampleRate` 0, only a parent's positive decision (in the incoming
 * trace, or of the active span) samples, so the call gets no span, only the keys that carry the
 * trace and the negative decision on. A new trace is the flow's own ({@link FLOW_TRACE}: nothing
 * to write) unless `propagateNew`.
 */
function unsampledTraceOf(
  client: Sentry.NodeClient,
  w3c: boolean,
  incoming: IncomingTrace | undefined,
  active: Sentry.Span | undefined,
  propagateNew: boolean | undefined,
): UnsampledTrace | typeof FLOW_TRACE | undefined {
  if (!neverSamples(client)) return undefined;
  if (incoming !== undefined)
    return incoming.sampled === true ? undefined : unsampledTrace(incoming.traceId, w3c);
  if (active !== undefined) {
    const context = active.spanContext();
    return (context.traceFlags & 1) === 1 ? undefined : unsampledTrace(context.traceId, w3c);
  }
  if (propagateNew !== true) return FLOW_TRACE;
  return newUnsampledTrace(w3c, (traceId) => unsampledBaggage(client, traceId));
}

/** Whether the client samples no new trace: `tracesSampleRate` 0 and no `tracesSampler`. */
function neverSamples(client: Sentry.NodeClient): boolean {
  const options = client.getOptions();
  return options.tracesSampler === undefined && options.tracesSampleRate === 0;
}

/** A new unsampled trace that is the flow's: its id is the correlation id, and it adds no keys. */
const FLOW_TRACE = Symbol('flow trace');

/** The `sentry-trace` and `baggage` keys that continue `span`'s trace, and with `w3c` its `traceparent`. */
function traceKeys(span: Sentry.Span, w3c: boolean): Record<string, string> {
  const data = Sentry.getTraceData({ span, propagateTraceparent: w3c });
  const keys: Record<string, string> = {};
  if (data['sentry-trace'] !== undefined) keys[SentryKeys.sentryTrace] = data['sentry-trace'];
  if (data.baggage !== undefined) keys[SentryKeys.baggage] = data.baggage;
  if (data.traceparent !== undefined) keys[TRACEPARENT] = data.traceparent;
  return keys;
}
