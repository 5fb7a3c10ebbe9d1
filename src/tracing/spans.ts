/**
 * What every tracing agent names and records the same way: span names, operations, attributes,
 * the payload as the redaction hook lets it out, and which errors to report.
 */
import { isTransient } from '../consumers/failures';
import type { HandlerCall } from '../handling/handlerCall';
import type { HandlerKind } from '../internal/reflection';

/** The attribute keys of an evento span, stable: match on these constants. */
export const SpanAttributes = {
  /** The bundle handling the message. */
  bundle: 'evento.bundle',
  /** The bundle instance (process) handling it. */
  instance: 'evento.instance',
  /** The component's class name. */
  component: 'evento.component',
  /** The component's kind: aggregate, service, projection, projector, saga, observer, invoker. */
  componentKind: 'evento.component.kind',
  /** The handler's method name. */
  handler: 'evento.handler',
  /** The payload's registered name. */
  payloadName: 'evento.payload.name',
  /** The aggregate a command or its event belongs to. */
  aggregateId: 'evento.aggregate.id',
  /** The consumer running an event handler. */
  consumerId: 'evento.consumer.id',
  /** The event's place in the global stream. */
  sequenceNumber: 'evento.sequence_number',
  /** 1 for a consumer's first attempt at an event, then 2, 3... */
  attempt: 'evento.attempt',
  /** True while a consumer replays history (a projector rebuilding): the flow is an old one. */
  replay: 'evento.replay',
  /** The handled message's id. */
  messageId: 'evento.message.id',
  /** The flow's correlation id. */
  correlationId: 'evento.correlation.id',
  /** What the redaction hook let out of the payload, as JSON; absent by default. */
  payload: 'evento.payload',
} as const;

/** The operation of a span, by handler kind. */
export const SpanOps = {
  /** A command handler (aggregate or service). */
  command: 'evento.command',
  /** A query handler. */
  query: 'evento.query',
  /** A projector, saga or observer event handler. */
  event: 'evento.event',
  /** An invocation handler. */
  invocation: 'evento.invocation',
} as const;

const opOf: Readonly<Record<HandlerKind, string>> = {
  aggregateCommand: SpanOps.command,
  command: SpanOps.command,
  query: SpanOps.query,
  event: SpanOps.event,
  observerEvent: SpanOps.event,
  sagaEvent: SpanOps.event,
  invocation: SpanOps.invocation,
  eventSourcing: 'evento.eventSourcing',
};

/**
 * Decides what of a handled payload may leave the process in a span or an error report: return a
 * JSON-serialisable value (a copy with the fields you allow), or undefined for nothing. The
 * default sends nothing of any payload.
 */
export type Redactor = (call: HandlerCall) => unknown;

/** Options every agent of the framework takes. */
export interface TracingOptions {
  /** What of a payload may leave the process; default nothing. */
  readonly redact?: Redactor | undefined;
}

/** Values of span attributes. */
export type SpanAttributeValue = string | number | boolean;

/** `Component.handler(PayloadName)`; for an invocation, `Invoker.method()`. */
export function spanName(call: HandlerCall): string {
  const payload = call.handlerKind === 'invocation' ? '' : call.payloadName;
  return `${call.component}.${call.handler}(${payload})`;
}

/** `evento.command`, `evento.query`, `evento.event` or `evento.invocation`. */
export function spanOp(call: HandlerCall): string {
  return opOf[call.handlerKind];
}

const maxPayloadChars = 8_192;

/** The redacted payload as JSON (cut at 8 KB), or undefined when nothing of it may leave. */
export function redactedPayload(call: HandlerCall, redact: Redactor | undefined): string | undefined {
  if (redact === undefined) return undefined;
  let json: string | undefined;
  try {
    const allowed = redact(call);
    if (allowed === undefined) return undefined;
    json = JSON.stringify(allowed);
  } catch (error) {
    return `[redaction failed: ${error instanceof Error ? error.message : String(error)}]`;
  }
  if (json === undefined) return undefined;
  return json.length > maxPayloadChars ? `${json.slice(0, maxPayloadChars)}...` : json;
}

/** The attributes of a handler call's span (see {@link SpanAttributes}); only what is known is set. */
export function spanAttributes(call: HandlerCall, redact?: Redactor): Record<string, SpanAttributeValue> {
  const a: Record<string, SpanAttributeValue> = {
    [SpanAttributes.bundle]: call.bundleId,
    [SpanAttributes.instance]: call.instanceId,
    [SpanAttributes.component]: call.component,
    [SpanAttributes.componentKind]: call.componentKind,
    [SpanAttributes.handler]: call.handler,
    [SpanAttributes.payloadName]: call.payloadName,
    [SpanAttributes.messageId]: call.metadata.messageId,
    [SpanAttributes.correlationId]: call.metadata.correlationId,
  };
  if (typeof call.aggregateId === 'string') a[SpanAttributes.aggregateId] = call.aggregateId;
  if (call.consumerId !== undefined) a[SpanAttributes.consumerId] = call.consumerId;
  if (call.sequenceNumber !== undefined) a[SpanAttributes.sequenceNumber] = call.sequenceNumber;
  if (call.attempt !== undefined) a[SpanAttributes.attempt] = call.attempt;
  if (call.headReached !== undefined) a[SpanAttributes.replay] = !call.headReached;
  const payload = redactedPayload(call, redact);
  if (payload !== undefined) a[SpanAttributes.payload] = payload;
  return a;
}

/**
 * True when a handler's failure is final and worth reporting: a command, query or invocation
 * (its caller gets the error), or a consumer's last attempt before the dead events. False while
 * the consumer will still retry (an earlier attempt, or a transient failure, retried without end).
 */
export function isFinalFailure(call: HandlerCall, error: unknown): boolean {
  if (call.consumerId === undefined) return true;
  return call.lastAttempt === true && !isTransient(error);
}
