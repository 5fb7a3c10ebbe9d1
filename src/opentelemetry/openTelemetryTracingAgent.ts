import {
  context as otelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { HandlerCall } from '../handling/handlerCall';
import type { HandlerNext } from '../handling/handlerInterceptor';
import {
  spanAttributes,
  spanName,
  spanOp,
  type SpanAttributeValue,
  type TracingOptions,
} from '../tracing/spans';
import type { TracingAgent } from '../tracing/tracingAgent';
import { formatTraceContext, parseTraceparent, W3CKeys } from './w3cTraceContext';

/** Options of {@link OpenTelemetryTracingAgent}. */
export interface OpenTelemetryTracingOptions extends TracingOptions {
  /** The tracer spans are started on; default `trace.getTracer('evento-ts')` of the global provider. */
  readonly tracer?: Tracer | undefined;
}

/** The messaging semantic conventions' attribute keys the agent sets. */
export const MessagingAttributes = {
  /** `evento`. */
  system: 'messaging.system',
  /** `process`: a handler processing a message. */
  operationType: 'messaging.operation.type',
  /** The span's op, such as `evento.command`. */
  operationName: 'messaging.operation.name',
  /** The payload's registered name. */
  destinationName: 'messaging.destination.name',
  /** The message's id. */
  messageId: 'messaging.message.id',
  /** The flow's correlation id. */
  conversationId: 'messaging.message.conversation_id',
  /** The consumer id of an event handler. */
  consumerGroup: 'messaging.consumer.group.name',
} as const;

/**
 * A {@link TracingAgent} on `@opentelemetry/api`: W3C `traceparent`/`tracestate` in the metadata,
 * one span per handler call with the evento attributes and the messaging semantic conventions
 * (`messaging.system` = `evento`, operation `process`), exported by whatever tracer provider the
 * application registered. Sampling is the provider's sampler's.
 *
 * The parent of a handler's span: the trace context in its message's metadata; else, for a
 * command, query or invocation, the span active in the caller (an HTTP request's); else, under
 * `@Track`, none (a new trace). Otherwise the call is not traced. Consumers never take the active
 * span as parent: only their event's metadata counts.
 */
export class OpenTelemetryTracingAgent implements TracingAgent {
  private readonly tracer: Tracer;

  constructor(private readonly options: OpenTelemetryTracingOptions = {}) {
    this.tracer = options.tracer ?? trace.getTracer('evento-ts');
  }

  track(call: HandlerCall, next: HandlerNext): Promise<unknown> {
    const parent = this.parentOf(call);
    if (parent === undefined) return next();
    const span = this.tracer.startSpan(
      spanName(call),
      {
        kind: call.handlerKind === 'invocation' ? SpanKind.INTERNAL : SpanKind.CONSUMER,
        attributes: this.attributes(call),
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    return otelContext.with(active, () => run(span, () => next(formatTraceContext(span.spanContext()))));
  }

  activeTraceContext(): Readonly<Record<string, string>> | undefined {
    const span = trace.getSpan(otelContext.active());
    if (span === undefined || !trace.isSpanContextValid(span.spanContext())) return undefined;
    return formatTraceContext(span.spanContext());
  }

  private parentOf(call: HandlerCall): Context | undefined {
    const remote = parseTraceparent(
      call.metadata.get(W3CKeys.traceparent),
      call.metadata.get(W3CKeys.tracestate),
    );
    if (remote !== undefined) return trace.setSpanContext(ROOT_CONTEXT, remote);
    if (call.consumerId === undefined) {
      const active = otelContext.active();
      if (trace.getSpan(active) !== undefined) return active;
    }
    return call.tracked ? ROOT_CONTEXT : undefined;
  }

  private attributes(call: HandlerCall): Record<string, SpanAttributeValue> {
    const a = spanAttributes(call, this.options.redact);
    a['evento.op'] = spanOp(call);
    if (call.handlerKind === 'invocation') return a;
    a[MessagingAttributes.system] = 'evento';
    a[MessagingAttributes.operationType] = 'process';
    a[MessagingAttributes.operationName] = spanOp(call);
    a[MessagingAttributes.destinationName] = call.payloadName;
    a[MessagingAttributes.messageId] = call.metadata.messageId;
    a[MessagingAttributes.conversationId] = call.metadata.correlationId;
    if (call.consumerId !== undefined) a[MessagingAttributes.consumerGroup] = call.consumerId;
    return a;
  }
}

/** Runs `work` in `span`: an error marks the span failed and is recorded on it; the span ends either way. */
async function run(span: Span, work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}
