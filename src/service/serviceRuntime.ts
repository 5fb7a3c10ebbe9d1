import { HandlerReturnError } from '../errors';
import { KeyedMutex } from '../internal/keyedMutex';
import { describe } from '../internal/types';
import { commandRecordOf, recordedResult, recordedResultOf } from '../messages/commandIdempotency';
import { eventToAppend } from '../messages/eventRecords';
import type { CommandMessage, Message } from '../messages/messages';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { ServiceEvent } from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import type { HandlingPipeline } from '../handling/handlingPipeline';
import type { InvocationContext } from '../registry/invocationContext';
import { appendedAsRequested } from '../stores/commandRecords';
import type { AppendRequest, EventStore } from '../stores/eventStore';

/** What the runtime needs from the bundle. */
export interface ServiceRuntimeDeps {
  readonly eventStore: EventStore;
  readonly payloads: PayloadRegistry;
  readonly gateways: Pick<InvocationContext, 'commandGateway' | 'queryGateway'>;
  readonly pipeline: HandlingPipeline;
}

/**
 * Runs the command handlers of one service. A returned ServiceEvent (or array of them) is appended
 * to the event store with the command's idempotency key; commands with a lock id run one at a time.
 * A command whose key is recorded is not run again: it resolves to the events recorded with it.
 * A command that appended nothing recorded no key, so it runs again if delivered again.
 */
export class ServiceRuntime {
  private readonly mutex = new KeyedMutex();

  constructor(
    readonly descriptor: ComponentDescriptor,
    private readonly instance: object,
    private readonly deps: ServiceRuntimeDeps,
  ) {}

  handle(message: CommandMessage, handler: HandlerDescriptor): Promise<unknown> {
    const lockId = message.lockId;
    const run = () => this.run(message, handler);
    return lockId === undefined || lockId === null ? run() : this.mutex.run(lockId, run);
  }

  private async run(message: CommandMessage, handler: HandlerDescriptor): Promise<unknown> {
    const first = await recordedResultOf(message, this.deps);
    if (first !== undefined) return first.result;
    const { commandGateway, queryGateway } = this.deps.gateways;
    const context = { commandGateway, queryGateway, message: message as Message };
    const result = await this.deps.pipeline.call(this.instance, handler, message.payload, context);
    if (result === undefined || result === null) return undefined;
    const events = Array.isArray(result) ? (result as unknown[]) : [result];
    for (const event of events) {
      if (!(event instanceof ServiceEvent)) {
        throw new HandlerReturnError(
          `${this.descriptor.name}.${handler.method} returned ${describe(event)}; a @CommandHandler returns a ServiceEvent, an array of them, or nothing.`,
        );
      }
    }
    if (events.length > 0) {
      const now = new Date();
      const records = (events as ServiceEvent[]).map((event) =>
        // context.message: the command with what interceptors added for its events (trace context).
        eventToAppend(event, this.deps.payloads, context.message, now),
      );
      const command = commandRecordOf(message, this.deps.payloads, Array.isArray(result));
      const request: AppendRequest = {
        aggregateId: null,
        expectedVersion: 0,
        events: records,
        ...(command === undefined ? {} : { command }),
      };
      const stored = await this.deps.pipeline.append(this.deps.eventStore, request);
      // A concurrent delivery of the same command recorded its key first: its events are the result.
      if (!appendedAsRequested(request, stored))
        return recordedResult({ events: stored, resultIsArray: Array.isArray(result) }, this.deps.payloads);
    }
    return result;
  }
}
