import type { AggregateRuntime } from '../aggregate/aggregateRuntime';
import type { BusEndpoint } from '../bus/messageBus';
import { NoHandlerError } from '../errors';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import type { QueryResponse } from '../messages/payloads';
import type { ProjectionRuntime } from '../projection/projectionRuntime';
import type { ComponentRegistry } from '../registry/componentRegistry';
import type { ServiceRuntime } from '../service/serviceRuntime';

type CommandRuntime = AggregateRuntime | ServiceRuntime;

/** The bundle's face on the message bus: routes each message to its component's runtime by class. */
export class BundleEndpoint implements BusEndpoint {
  readonly commandNames: readonly string[];
  readonly queryNames: readonly string[];

  constructor(
    readonly bundleId: string,
    readonly instanceId: string,
    private readonly registry: ComponentRegistry,
    private readonly commandRuntimes: ReadonlyMap<Function, CommandRuntime>,
    private readonly queryRuntimes: ReadonlyMap<Function, ProjectionRuntime>,
  ) {
    this.commandNames = registry.commandNames();
    this.queryNames = registry.queryNames();
  }

  async handleCommand(message: CommandMessage): Promise<unknown> {
    const type = message.payload.constructor;
    const handler = this.registry.commandHandler(type);
    const runtime = this.commandRuntimes.get(handler?.component.type ?? type);
    if (handler === undefined || runtime === undefined)
      throw noHandler(this.bundleId, 'command', message.payloadName);
    return runtime.handle(message, handler);
  }

  async handleQuery(message: QueryMessage): Promise<QueryResponse<unknown>> {
    const type = (message.payload as object).constructor;
    const handler = this.registry.queryHandler(type);
    const runtime = this.queryRuntimes.get(handler?.component.type ?? type);
    if (handler === undefined || runtime === undefined)
      throw noHandler(this.bundleId, 'query', message.payloadName);
    return runtime.handle(message, handler);
  }
}

function noHandler(bundleId: string, what: string, name: string): NoHandlerError {
  return new NoHandlerError(
    `Bundle '${bundleId}' has no handler for the ${what} class it received as '${name}' (another class with that name?); ` +
      'send an instance of the class the handler declares.',
    { context: { bundleId, name } },
  );
}
