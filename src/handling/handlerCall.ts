import type { ComponentKind, HandlerKind } from '../internal/reflection';
import type { Message } from '../messages/messages';
import type { Metadata } from '../messages/metadata';

/**
 * What is being handled, as handler interceptors and the `evento:*` diagnostics channels see it:
 * which component and method, the payload and its message, and for consumers where the event
 * sits in the stream and which attempt this is.
 */
export interface HandlerCall {
  /** The bundle handling it. */
  readonly bundleId: string;
  /** The bundle instance (process) handling it. */
  readonly instanceId: string;
  /** The kind of the component: 'aggregate', 'service', 'projection', 'projector', 'saga', 'observer', 'invoker'. */
  readonly componentKind: ComponentKind;
  /** The component's class name. */
  readonly component: string;
  /** The kind of handler: 'aggregateCommand', 'eventSourcing', 'command', 'query', 'event', 'observerEvent', 'sagaEvent', 'invocation'. */
  readonly handlerKind: HandlerKind;
  /** The handler's method name. */
  readonly handler: string;
  /** The payload's registered name (for an invocation: `Invoker.method`). */
  readonly payloadName: string;
  /** The payload (for an invocation: the array of arguments it was called with). */
  readonly payload: unknown;
  /** The message handled (a CommandMessage, QueryMessage, PublishedEvent, or the invocation's Message). */
  readonly message: Message;
  /** The message's metadata. */
  readonly metadata: Metadata;
  /** The aggregate a command or event sourcing handler works on. */
  readonly aggregateId?: string | null | undefined;
  /** The consumer running an event handler. */
  readonly consumerId?: string | undefined;
  /** The event's place in the global stream (event handlers). */
  readonly sequenceNumber?: number | undefined;
  /** 1 for the first attempt of a consumer's handler, then 2, 3... on its retries. */
  readonly attempt?: number | undefined;
  /** False while a consumer replays history (its fetch did not reach the head of the stream). */
  readonly headReached?: boolean | undefined;
  /** True when a failure of this attempt (unless transient) sends the event to the dead events: the consumer will not retry it. */
  readonly lastAttempt?: boolean | undefined;
  /** `@Track` marks the handler as where a trace may start. */
  readonly tracked: boolean;
}

/** Facts a consumer adds to a handler call. */
export interface CallDetails {
  readonly consumerId?: string | undefined;
  readonly attempt?: number | undefined;
  readonly headReached?: boolean | undefined;
  readonly lastAttempt?: boolean | undefined;
}
