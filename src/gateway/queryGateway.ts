import type { MessageBus } from '../bus/messageBus';
import { InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import { currentMessage, metadataFor } from '../messages/flow';
import { QueryMessage } from '../messages/messages';
import type { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { Query, type QueryResponse } from '../messages/payloads';
import type { SendOptions } from './commandGateway';
import { withTimeout } from './timeout';

/** Sends queries to their projections through the message bus. */
export class QueryGateway {
  constructor(
    private readonly bus: MessageBus,
    private readonly payloads: PayloadRegistry,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /** Resolves to the projection's `Single` or `Multiple`; rejects with the handler's own error. */
  async query<R extends QueryResponse<unknown>>(
    query: Query<R>,
    metadata?: Metadata | Readonly<Record<string, string>>,
    options: SendOptions = {},
  ): Promise<R> {
    if (!(query instanceof Query)) {
      throw new InvalidArgumentError(
        `queryGateway.query() takes a Query, got ${describe(query)}; extend Query<R>.`,
      );
    }
    const name = this.payloads.nameFor(query.constructor);
    const message = new QueryMessage(query, name, metadataFor(metadata, currentMessage()), new Date());
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return withTimeout(this.bus.sendQuery(message, { timeoutMs }), timeoutMs, `Query ${name}`) as Promise<R>;
  }
}
