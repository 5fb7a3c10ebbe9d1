import type { MessageBus } from '../bus/messageBus';
import { InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import { currentMessage, metadataFor } from '../messages/flow';
import { CommandMessage } from '../messages/messages';
import type { Metadata } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { Command } from '../messages/payloads';
import { withTimeout } from './timeout';

/** Options of one `send`. */
export interface SendOptions {
  /** Milliseconds to wait for the handler; default 30,000. The handler may still complete after it. */
  timeoutMs?: number;
}

/**
 * Sends commands to their handlers through the message bus. Inside a handler, the command inherits
 * the flow's correlation id and has the handled message as its cause.
 */
export class CommandGateway {
  constructor(
    private readonly bus: MessageBus,
    private readonly payloads: PayloadRegistry,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /**
   * Sends `command` and resolves to what its handler returned: the produced event (or events) for
   * an aggregate, a service event or nothing for a service. Rejects with the handler's own error.
   */
  async send<R = unknown>(
    command: Command,
    metadata?: Metadata | Readonly<Record<string, string>>,
    options: SendOptions = {},
  ): Promise<R> {
    if (!(command instanceof Command)) {
      throw new InvalidArgumentError(
        `commandGateway.send() takes a DomainCommand or ServiceCommand, got ${describe(command)}; extend one of them.`,
      );
    }
    const name = this.payloads.nameFor(command.constructor);
    const message = new CommandMessage(command, name, metadataFor(metadata, currentMessage()), new Date());
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return withTimeout(
      this.bus.sendCommand(message, { timeoutMs }),
      timeoutMs,
      `Command ${name}`,
    ) as Promise<R>;
  }
}
