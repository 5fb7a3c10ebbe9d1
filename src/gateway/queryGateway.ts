import { InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import type { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { Query, type QueryResponse } from '../messages/payloads';
import type { SendOptions } from './commandGateway';
import type { Dispatcher } from './dispatcher';

/** Sends queries to their projections through the message bus. */
export class QueryGateway {
  /** @internal The bundle creates its gateways; components get them injected. */
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly payloads: PayloadRegistry,
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
    return this.dispatcher.query(query, name, metadata, options.timeoutMs) as Promise<R>;
  }
}
