import type { BusRequestOptions, MessageBus } from '../bus/messageBus';
import { channel, EventoChannels, traced } from '../diagnostics/channels';
import { runChain, type ChainLink } from '../internal/chain';
import { currentMessage, metadataValues } from '../messages/flow';
import { CommandMessage, QueryMessage } from '../messages/messages';
import { Metadata, MetadataKeys, defaultPropagatedMetadataKeys } from '../messages/metadata';
import type { QueryResponse } from '../messages/payloads';
import type { Dispatch, DispatchInterceptor, DispatchInterceptorFn } from './dispatchInterceptor';
import type { WireContext } from '../wire/wireCodec';

/** How a bundle's gateways send. */
export interface DispatchSettings {
  /** Default timeout of a call in ms. */
  readonly defaultTimeoutMs: number;
  /** Dispatch interceptors, in registration order. */
  readonly interceptors: readonly (DispatchInterceptor | DispatchInterceptorFn)[];
  /** Metadata keys a message takes over from the message being handled when it is sent. */
  readonly propagatedKeys: readonly string[];
  /** The bundle's classes, for a bus that serializes the answers. */
  readonly wire?: WireContext;
  /**
   * The trace context to write into each message sent (the tracing agent's active span), over
   * the keys it takes over from the message being handled; undefined: none.
   */
  readonly traceContext?: () => Readonly<Record<string, string>> | undefined;
}

const dispatchChannel = channel(EventoChannels.dispatch);

/** The settings of gateways not built by a bundle (the test fixtures'). */
export const defaultDispatchSettings: DispatchSettings = {
  defaultTimeoutMs: 30_000,
  interceptors: [],
  propagatedKeys: defaultPropagatedMetadataKeys,
};

/**
 * The one way the gateways send: the message's metadata (the caller's keys, the flow's
 * correlation id and propagated keys, the handled message as cause), the dispatch interceptors,
 * the `evento:dispatch` channel, and the bus with the caller's deadline. The bus enforces the
 * deadline (a `MessageBus` rejects with TimeoutError once it passed), so no timer is armed here.
 */
export class Dispatcher {
  private readonly links: readonly ChainLink<Dispatch>[];

  constructor(
    private readonly bus: MessageBus,
    readonly settings: DispatchSettings = defaultDispatchSettings,
  ) {
    this.links = settings.interceptors.map(toLink);
  }

  command(
    payload: object,
    payloadName: string,
    metadata: Metadata | Readonly<Record<string, string>> | undefined,
    timeoutMs: number | undefined,
    idempotencyKey?: string,
  ): Promise<unknown> {
    const values = this.valuesFor(metadata);
    // Every command carries a key: the caller's, or its own message id.
    values[MetadataKeys.idempotencyKey] = idempotencyKey ?? (values[MetadataKeys.messageId] as string);
    const message = new CommandMessage(payload, payloadName, new Metadata(Object.freeze(values)), new Date());
    return this.send('command', message, timeoutMs ?? this.settings.defaultTimeoutMs);
  }

  query(
    payload: object,
    payloadName: string,
    metadata: Metadata | Readonly<Record<string, string>> | undefined,
    timeoutMs: number | undefined,
  ): Promise<QueryResponse<unknown>> {
    const values = this.valuesFor(metadata);
    const message = new QueryMessage(payload, payloadName, new Metadata(Object.freeze(values)), new Date());
    return this.send('query', message, timeoutMs ?? this.settings.defaultTimeoutMs) as Promise<
      QueryResponse<unknown>
    >;
  }

  /** The metadata of a message to send: the caller's keys, the flow's, and the active trace context. */
  private valuesFor(
    metadata: Metadata | Readonly<Record<string, string>> | undefined,
  ): Record<string, string> {
    const values = metadataValues(metadata, currentMessage(), this.settings.propagatedKeys);
    const trace = this.settings.traceContext?.();
    return trace === undefined ? values : Object.assign(values, trace);
  }

  private send(
    kind: Dispatch['kind'],
    message: CommandMessage | QueryMessage,
    timeoutMs: number,
  ): Promise<unknown> {
    if (this.links.length === 0 && !dispatchChannel.hasSubscribers)
      return this.deliver(kind, message, timeoutMs);
    const first: Dispatch = {
      kind,
      payloadName: message.payloadName,
      payload: message.payload,
      message,
      metadata: message.metadata,
      timeoutMs,
    };
    return traced(
      EventoChannels.dispatch,
      () => first,
      () => runChain(this.links, first, (d) => this.deliver(d.kind, d.message, d.timeoutMs), 'Dispatch'),
    );
  }

  /** Hands the message to the bus with its deadline: now plus the timeout. */
  private deliver(
    kind: Dispatch['kind'],
    message: CommandMessage | QueryMessage,
    timeoutMs: number,
  ): Promise<unknown> {
    const options: BusRequestOptions = { timeoutMs };
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) options.deadline = Date.now() + timeoutMs;
    if (this.settings.wire !== undefined) options.wire = this.settings.wire;
    return kind === 'command'
      ? this.bus.sendCommand(message as CommandMessage, options)
      : this.bus.sendQuery(message, options);
  }
}

function toLink(interceptor: DispatchInterceptor | DispatchInterceptorFn): ChainLink<Dispatch> {
  const intercept: DispatchInterceptorFn =
    typeof interceptor === 'function' ? interceptor : (d, next) => interceptor.intercept(d, next);
  return (dispatch, next) =>
    intercept(dispatch, (added) => next(added === undefined ? undefined : withMetadata(dispatch, added)));
}

function withMetadata(dispatch: Dispatch, added: Metadata | Readonly<Record<string, string>>): Dispatch {
  const metadata = dispatch.metadata.with(Metadata.from(added).toRecord());
  const { payload, payloadName, timestamp } = dispatch.message;
  const message =
    dispatch.kind === 'command'
      ? new CommandMessage(payload, payloadName, metadata, timestamp)
      : new QueryMessage(payload, payloadName, metadata, timestamp);
  const copy: Dispatch = Object.assign({}, dispatch, { message, metadata });
  return copy;
}
