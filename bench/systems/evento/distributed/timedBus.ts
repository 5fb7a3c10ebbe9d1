import type {
  BusEndpoint,
  BusRequestOptions,
  ClusterBundle,
  CommandMessage,
  MessageBus,
  QueryMessage,
  QueryResponse,
} from '../../../../src';
import { sampled, type Stamps } from './stamps';

/**
 * A MessageBus that passes everything to `inner`, stamping each sampled request (see `sampled`) when
 * it is sent (`start`) and answered (`done`), and its delivery around the endpoint's handling
 * (`handling`, `handled`).
 */
export class TimedBus implements MessageBus {
  private readonly wrapped = new Map<BusEndpoint, BusEndpoint>();

  constructor(
    private readonly inner: MessageBus,
    private readonly stamps: Stamps,
  ) {}

  bind(endpoint: BusEndpoint): Promise<void> {
    const timed: BusEndpoint = {
      bundleId: endpoint.bundleId,
      instanceId: endpoint.instanceId,
      bundleVersion: endpoint.bundleVersion,
      commandNames: endpoint.commandNames,
      queryNames: endpoint.queryNames,
      wire: endpoint.wire,
      handleCommand: (message) =>
        this.timed(message.messageId, 'handling', 'handled', () => endpoint.handleCommand(message)),
      handleQuery: (message) =>
        this.timed(message.messageId, 'handling', 'handled', () => endpoint.handleQuery(message)),
    };
    this.wrapped.set(endpoint, timed);
    return this.inner.bind(timed);
  }

  unbind(endpoint: BusEndpoint): Promise<void> {
    const timed = this.wrapped.get(endpoint) ?? endpoint;
    this.wrapped.delete(endpoint);
    return this.inner.unbind(timed);
  }

  sendCommand(message: CommandMessage, options: BusRequestOptions): Promise<unknown> {
    return this.timed(message.messageId, 'start', 'done', () => this.inner.sendCommand(message, options));
  }

  sendQuery(message: QueryMessage, options: BusRequestOptions): Promise<QueryResponse<unknown>> {
    return this.timed(message.messageId, 'start', 'done', () => this.inner.sendQuery(message, options));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  cluster(): ClusterBundle[] {
    return this.inner.cluster?.() ?? [];
  }

  private timed<T>(
    messageId: string,
    before: 'start' | 'handling',
    after: 'done' | 'handled',
    call: () => Promise<T>,
  ): Promise<T> {
    if (!sampled(messageId)) return call();
    return this.stamped(messageId, before, after, call);
  }

  private async stamped<T>(
    messageId: string,
    before: 'start' | 'handling',
    after: 'done' | 'handled',
    call: () => Promise<T>,
  ): Promise<T> {
    this.stamps.stamp(messageId, before);
    try {
      return await call();
    } finally {
      this.stamps.stamp(messageId, after);
    }
  }
}
