import { InvalidArgumentError } from '../errors';
import { rejection } from '../internal/promises';
import { describe } from '../internal/types';
import type { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { Command } from '../messages/payloads';
import { validateIdempotencyKey } from '../stores/validateAppend';
import type { Dispatcher } from './dispatcher';

/** Options of one `send` or `query`. */
export interface SendOptions {
  /** Milliseconds to wait for the handler; default the bundle's (30,000 unless set). The handler may still complete after it. */
  timeoutMs?: number;
  /**
   * Commands only: the command's idempotency key, e.g. from an HTTP `Idempotency-Key` header; by
   * default its message id. It travels in the metadata (`idempotencyKey`). A command sent again
   * with a key the event store has recorded takes no effect again: nothing is appended, and it
   * resolves to the events the first execution appended. A key names one command: the same key with another command (other
   * payload) is an IdempotencyKeyConflictError. At most 255 characters.
   */
  idempotencyKey?: string;
}

/**
 * Sends commands to their handlers through the message bus. Inside a handler, the command inherits
 * the flow's correlation id and trace keys, and has the handled message as its cause. Components
 * get it injected (a handler parameter or a constructor parameter of type `CommandGateway`).
 */
export class CommandGateway {
  /** @internal The bundle creates its gateways; components get them injected. */
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly payloads: PayloadRegistry,
  ) {}

  /**
   * Sends `command` and resolves to what its handler returned: the produced event (or events) for
   * an aggregate, a service event or nothing for a service. Rejects with the handler's own error,
   * or with a TimeoutError (the handler may still complete).
   */
  send<R = unknown>(
    command: Command,
    metadata?: Metadata | Readonly<Record<string, string>>,
    options: SendOptions = {},
  ): Promise<R> {
    // No async frame of its own (every command passes here); what it refuses still rejects.
    try {
      if (!(command instanceof Command)) {
        throw new InvalidArgumentError(
          `commandGateway.send() takes a DomainCommand or ServiceCommand, got ${describe(command)}; extend one of them.`,
        );
      }
      if (options.idempotencyKey !== undefined) validateIdempotencyKey(options.idempotencyKey);
      const name = this.payloads.nameFor(command.constructor);
      return this.dispatcher.command(
        command,
        name,
        metadata,
        options.timeoutMs,
        options.idempotencyKey,
      ) as Promise<R>;
    } catch (error) {
      return rejection(error);
    }
  }
}
