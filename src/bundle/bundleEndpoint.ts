import type { AggregateRuntime } from '../aggregate/aggregateRuntime';
import type { BusEndpoint } from '../bus/messageBus';
import { NoHandlerError } from '../errors';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import type { QueryResponse } from '../messages/payloads';
import type { ProjectionRuntime } from '../projection/projectionRuntime';
import type { ComponentRegistry } from '../registry/componentRegistry';
import type { ServiceRuntime } from '../service/serviceRuntime';
import type { WireContext } from '../wire/wireCodec';

type CommandRuntime = AggregateRuntime | ServiceRuntime;

/**
 * The bundle's face on the message bus: routes each message to its component's runtime by class,
 * and counts the commands it is running (`untilIdle()` waits for them).
 */
export class BundleEndpoint implements BusEndpoint {
  readonly commandNames: readonly string[];
  readonly queryNames: readonly string[];
  private running = 0;
  private answering = 0;
  private drained: (() => void)[] = [];
  private quiet: (() => void)[] = [];

  constructor(
    readonly bundleId: string,
    readonly instanceId: string,
    private readonly registry: ComponentRegistry,
    private readonly commandRuntimes: ReadonlyMap<Function, CommandRuntime>,
    private readonly queryRuntimes: ReadonlyMap<Function, ProjectionRuntime>,
    readonly wire: WireContext,
    readonly bundleVersion: string | undefined,
  ) {
    this.commandNames = registry.commandNames();
    this.queryNames = registry.queryNames();
  }

  /** Commands being handled here now. */
  get commandsInFlight(): number {
    return this.running;
  }

  /** Queries being answered here now. */
  get queriesInFlight(): number {
    return this.answering;
  }

  /** Resolves once no command is being handled here. */
  untilNoCommandInFlight(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Resolves once no command and no query is being handled here. */
  untilQuiet(): Promise<void> {
    if (this.running === 0 && this.answering === 0) return Promise.resolve();
    return new Promise((resolve) => this.quiet.push(resolve));
  }

  handleCommand(message: CommandMessage): Promise<unknown> {
    // A missing payload finds no handler: rejected below, never thrown.
    const type = (message.payload as object | null | undefined)?.constructor ?? Object;
    const handler = this.registry.commandHandler(type);
    const runtime = this.commandRuntimes.get(handler?.component.type ?? type);
    if (handler === undefined || runtime === undefined)
      return Promise.reject(noHandler(this.bundleId, 'command', message.payloadName));
    this.running++;
    return whenSettled(runtime.handle(message, handler), () => this.commandDone());
  }

  private commandDone(): void {
    if (--this.running === 0) for (const resolve of this.drained.splice(0)) resolve();
    this.checkQuiet();
  }

  private checkQuiet(): void {
    if (this.running === 0 && this.answering === 0) for (const resolve of this.quiet.splice(0)) resolve();
  }

  handleQuery(message: QueryMessage): Promise<QueryResponse<unknown>> {
    const type = (message.payload as object | null | undefined)?.constructor ?? Object;
    const handler = this.registry.queryHandler(type);
    const runtime = this.queryRuntimes.get(handler?.component.type ?? type);
    if (handler === undefined || runtime === undefined)
      return Promise.reject(noHandler(this.bundleId, 'query', message.payloadName));
    this.answering++;
    return whenSettled(runtime.handle(message, handler), () => this.queryDone());
  }

  private queryDone(): void {
    this.answering--;
    this.checkQuiet();
  }
}

/**
 * `handled`, with `done` run once it settles either way: one `then` rather than an async
 * function's extra promises, as every command and query passes here.
 */
function whenSettled<T>(handled: Promise<T>, done: () => void): Promise<T> {
  return handled.then(
    (result) => {
      done();
      return result;
    },
    (error: unknown) => {
      done();
      throw error;
    },
  );
}

function noHandler(bundleId: string, what: string, name: string): NoHandlerError {
  return new NoHandlerError(
    `Bundle '${bundleId}' has no handler for the ${what} class it received as '${name}' (another class with that name?); ` +
      'send an instance of the class the handler declares.',
    { context: { bundleId, name } },
  );
}
