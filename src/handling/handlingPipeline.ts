import { channel, EventoChannels, traced, type EventoChannelName } from '../diagnostics/channels';
import { runChain, type ChainLink } from '../internal/chain';
import { promiseFrom, rejection } from '../internal/promises';
import type { ComponentKind, HandlerKind } from '../internal/reflection';
import { applyInFlowOf, isThenable, runInFlowOf } from '../messages/flow';
import { CommandMessage, PublishedEvent, withMetadata, type Message } from '../messages/messages';
import type { HandlerDescriptor } from '../registry/descriptors';
import type { InvocationContext } from '../registry/invocationContext';
import type { AppendRequest, EventStore, StoredEvent } from '../stores/eventStore';
import type { CallDetails, HandlerCall } from './handlerCall';
import type { PassedOnCall, RegisteredHandlerInterceptor } from './handlerInterceptor';

const channelNameOf: Readonly<Record<HandlerKind, EventoChannelName>> = {
  aggregateCommand: EventoChannels.command,
  command: EventoChannels.command,
  query: EventoChannels.query,
  event: EventoChannels.event,
  observerEvent: EventoChannels.event,
  sagaEvent: EventoChannels.event,
  eventSourcing: EventoChannels.eventSourcing,
  invocation: EventoChannels.invocation,
};

/** Each handler kind's channel, looked up once. */
const channelOf = Object.fromEntries(
  Object.entries(channelNameOf).map(([kind, name]) => [kind, channel(name)]),
) as Record<HandlerKind, ReturnType<typeof channel>>;

const appendChannel = channel(EventoChannels.append);

type PassOn = NonNullable<RegisteredHandlerInterceptor['passOn']>;

const componentKinds: readonly ComponentKind[] = [
  'aggregate',
  'service',
  'projection',
  'invoker',
  'projector',
  'saga',
  'observer',
];

/** Who runs the pipeline: named in every HandlerCall. */
export interface PipelineOwner {
  readonly bundleId: string;
  readonly instanceId: string;
}

/**
 * The one way a handler is called. It fills the handler's parameters, runs it in the flow of its
 * message (so what it sends is caused by that message), and wraps it in the handler interceptors
 * registered for its component kind and in the `evento:*` diagnostics channel of its kind.
 * With no interceptor and no channel subscriber it calls the handler directly and returns what
 * the handler returned (a promise only if the handler is async), so replays cost no promise per
 * event.
 */
export class HandlingPipeline {
  private readonly links: Readonly<Record<ComponentKind, readonly ChainLink<HandlerCall>[]>>;
  /** The links around an aggregate's event sourcing handlers: those not registered with `eventSourcing: false`. */
  private readonly eventSourcingLinks: readonly ChainLink<HandlerCall>[];
  /** Per component kind, the `passOn` of its one interceptor, when it has one interceptor with one. */
  private readonly passOns: Readonly<Record<ComponentKind, PassOn | undefined>>;

  constructor(
    readonly owner: PipelineOwner = { bundleId: '', instanceId: '' },
    interceptors: readonly RegisteredHandlerInterceptor[] = [],
  ) {
    const links = {} as Record<ComponentKind, ChainLink<HandlerCall>[]>;
    const passOns = {} as Record<ComponentKind, PassOn | undefined>;
    for (const kind of componentKinds) {
      const applying = interceptors.filter((i) => i.components === undefined || i.components.includes(kind));
      links[kind] = applying.map(toLink);
      passOns[kind] = applying.length === 1 ? applying[0]?.passOn : undefined;
    }
    this.links = links;
    this.passOns = passOns;
    this.eventSourcingLinks = interceptors
      .filter(
        (i) =>
          i.eventSourcing !== false && (i.components === undefined || i.components.includes('aggregate')),
      )
      .map(toLink);
  }

  /**
   * Calls `handler` on `instance` with `payload` and the parameters it takes from `context`;
   * returns what it returned, or a promise of it. When an interceptor adds metadata for what the
   * handler sends (`next(metadata)`), `context.message` becomes the message carrying it: produce
   * the handler's events from `context.message`.
   */
  call(
    instance: object,
    handler: HandlerDescriptor,
    payload: unknown,
    context: InvocationContext,
    details?: CallDetails,
  ): unknown {
    const args: unknown[] = [payload];
    for (const resolve of handler.params) args.push(resolve(context));
    const fn = (instance as Record<string, (...a: unknown[]) => unknown>)[handler.method] as (
      ...a: unknown[]
    ) => unknown;
    return this.run(instance, fn, args, handler, payload, context.message, details, context);
  }

  /**
   * Appends through `store`, inside the `evento:append` channel when anyone listens (context:
   * bundleId, instanceId, aggregateId, expectedVersion, eventNames).
   */
  append(store: EventStore, request: AppendRequest): Promise<StoredEvent[]> {
    if (!appendChannel.hasSubscribers) return store.append(request);
    return traced(
      EventoChannels.append,
      () =>
        Object.assign({}, this.owner, {
          aggregateId: request.aggregateId,
          expectedVersion: request.expectedVersion,
          eventNames: request.events.map((e) => e.eventName),
        }),
      () => store.append(request),
    );
  }

  /** Calls an invocation handler's own function `fn` with the caller's `args`, as handling `message`. */
  callInvocation(
    instance: object,
    fn: (...a: unknown[]) => unknown,
    args: unknown[],
    handler: HandlerDescriptor,
    message: Message,
  ): unknown {
    return this.run(instance, fn, args, handler, args, message, undefined);
  }

  private run(
    instance: object,
    fn: (...a: unknown[]) => unknown,
    args: unknown[],
    handler: HandlerDescriptor,
    payload: unknown,
    message: Message,
    details: CallDetails | undefined,
    context?: InvocationContext,
  ): unknown {
    const links =
      handler.kind === 'eventSourcing' ? this.eventSourcingLinks : this.links[handler.component.kind];
    const ch = channelOf[handler.kind];
    if (links.length === 0 && !ch.hasSubscribers) return applyInFlowOf(message, fn, instance, args);
    const call: HandlerCall = {
      bundleId: this.owner.bundleId,
      instanceId: this.owner.instanceId,
      componentKind: handler.component.kind,
      component: handler.component.name,
      handlerKind: handler.kind,
      handler: handler.method,
      payloadName: message.payloadName,
      payload,
      message,
      metadata: message.metadata,
      aggregateId: aggregateIdOf(message),
      sequenceNumber: message instanceof PublishedEvent ? message.sequenceNumber : undefined,
      consumerId: details?.consumerId,
      attempt: details?.attempt,
      headReached: details?.headReached,
      lastAttempt: details?.lastAttempt,
      tracked: handler.tracked,
    };
    // The one interceptor may only pass this call on: then no chain, and no promise of its own.
    const passOn =
      handler.kind === 'eventSourcing' || ch.hasSubscribers
        ? undefined
        : this.passOns[handler.component.kind];
    let passed: PassedOnCall | undefined;
    try {
      passed = passOn?.(call);
    } catch (error) {
      // As a throwing interceptor does: an invoker method's caller gets a rejection.
      if (handler.kind === 'invocation') return rejection(error);
      throw error;
    }
    if (passed !== undefined) {
      // An invoker method returns a promise whenever an interceptor applies, sampled or not.
      if (handler.kind === 'invocation')
        return promiseFrom(() => passedOn(passed, message, fn, instance, args, context));
      return passedOn(passed, message, fn, instance, args, context);
    }
    const innermost = (c: HandlerCall): Promise<unknown> => {
      if (c.message === message) return promiseFrom(() => fn.apply(instance, args));
      if (context !== undefined) context.message = c.message;
      return runInFlowOf(c.message, () => promiseFrom(() => fn.apply(instance, args)));
    };
    const handle = (): Promise<unknown> =>
      runInFlowOf(message, () => runChain(links, call, innermost, handler.component.name));
    return ch.hasSubscribers ? ch.tracePromise(handle, call) : handle();
  }
}

/**
 * Runs a handler its one interceptor passes on: in the flow of `message` with the interceptor's
 * keys added (`context.message` set to it, as `next(metadata)` does), its failure (a throw or a
 * rejection) shown to `onError` before it reaches the caller.
 */
function passedOn(
  passed: PassedOnCall,
  message: Message,
  fn: (...a: unknown[]) => unknown,
  instance: object,
  args: unknown[],
  context: InvocationContext | undefined,
): unknown {
  let flow = message;
  if (passed.metadata !== undefined) {
    flow = withAdded(message, passed.metadata);
    if (context !== undefined) context.message = flow;
  }
  const onError = passed.onError;
  if (onError === undefined) return applyInFlowOf(flow, fn, instance, args);
  let result: unknown;
  try {
    result = applyInFlowOf(flow, fn, instance, args);
  } catch (error) {
    onError(error);
    throw error;
  }
  if (!isThenable(result)) return result;
  return Promise.resolve(result).catch((error: unknown) => {
    onError(error);
    throw error;
  });
}

/** An interceptor as a chain link: `next(metadata)` hands the rest of the chain a call whose message carries those keys. */
function toLink(interceptor: RegisteredHandlerInterceptor): ChainLink<HandlerCall> {
  const intercept = interceptor.intercept;
  return (call, next) =>
    intercept(call, (added) => next(added === undefined ? undefined : withAddedMetadata(call, added)));
}

function withAddedMetadata(call: HandlerCall, added: Readonly<Record<string, string>>): HandlerCall {
  const message = withAdded(call.message, added);
  const copy: HandlerCall = Object.assign({}, call, { message, metadata: message.metadata });
  return copy;
}

/** A copy of `message` carrying `added` over its metadata. */
function withAdded(message: Message, added: Readonly<Record<string, string>>): Message {
  return withMetadata(message, message.metadata.with(added));
}

function aggregateIdOf(message: Message): string | null | undefined {
  if (message instanceof PublishedEvent || message instanceof CommandMessage) return message.aggregateId;
  return undefined;
}
