import type { BusEndpoint, MessageBus } from '../bus/messageBus';
import { NoHandlerError } from '../errors';
import { defaultDispatchSettings, Dispatcher } from '../gateway/dispatcher';
import { CommandGateway } from '../gateway/commandGateway';
import { QueryGateway } from '../gateway/queryGateway';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import { PayloadRegistry } from '../messages/payloadRegistry';
import type { Command, Query, QueryResponse } from '../messages/payloads';

/** A class used as a stub key: commands and queries match it, or a subclass of it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a constructor of any signature
export type PayloadClass<T> = abstract new (...args: any[]) => T;

/**
 * What a stubbed command or query answers: an `Error` instance is thrown to the sender, a
 * function is called with the command (or query) and its result (or throw) is the answer, and any
 * other value is returned as it is.
 */
export type StubAnswer<P, R = StubValue> = R | Error | ((payload: P) => R | Promise<R>);

/** Any value a command stub can return (spelled out so that a function stub gets its parameter typed). */
export type StubValue = string | number | boolean | bigint | symbol | object | null | undefined;

/**
 * Real `CommandGateway` and `QueryGateway` instances over a bus that records what is sent instead
 * of routing it. Commands answer what `onCommand` stubbed (undefined when not stubbed), queries
 * what `onQuery` stubbed (a `NoHandlerError` when not stubbed, as with no projection bound).
 * The fixtures give these gateways to the component under test; use them directly to test an
 * `@Invoker` or any code that takes the gateways.
 */
export class RecordingGateways {
  /** The command gateway to inject: sends are recorded. */
  readonly commandGateway: CommandGateway;
  /** The query gateway to inject: queries are recorded and answered by the stubs. */
  readonly queryGateway: QueryGateway;
  private readonly bus: RecordingBus;

  constructor(payloads: PayloadRegistry = new PayloadRegistry()) {
    this.bus = new RecordingBus();
    const dispatcher = new Dispatcher(this.bus, { ...defaultDispatchSettings, defaultTimeoutMs: 0 });
    this.commandGateway = new CommandGateway(dispatcher, payloads);
    this.queryGateway = new QueryGateway(dispatcher, payloads);
  }

  /** Stubs what commands of `type` (or a subclass) answer; the last stub for a class wins. */
  onCommand<C extends Command>(type: PayloadClass<C>, answer: StubAnswer<C>): this {
    this.bus.commandStubs.set(type, answer);
    return this;
  }

  /** Stubs what queries of `type` (or a subclass) answer: a `Single.of(...)`, `Multiple.of(...)`, an error or a function. */
  onQuery<Q extends Query>(type: PayloadClass<Q>, answer: StubAnswer<Q, QueryResponse<unknown>>): this {
    this.bus.queryStubs.set(type, answer);
    return this;
  }

  /** The commands sent so far, oldest first. */
  get dispatchedCommands(): readonly Command[] {
    return this.bus.commands.map((m) => m.payload);
  }

  /** The commands sent so far as messages, with their metadata (correlation and causation ids). */
  get dispatchedCommandMessages(): readonly CommandMessage[] {
    return [...this.bus.commands];
  }

  /** The queries sent so far, oldest first. */
  get sentQueries(): readonly Query[] {
    return this.bus.queries.map((m) => m.payload);
  }

  /** Forgets what was sent (the stubs stay). */
  clear(): void {
    this.bus.commands.length = 0;
    this.bus.queries.length = 0;
  }
}

/** Records what the gateways send and answers from the stubs. */
class RecordingBus implements MessageBus {
  readonly commands: CommandMessage[] = [];
  readonly queries: QueryMessage[] = [];
  readonly commandStubs = new Map<Function, StubAnswer<unknown, unknown>>();
  readonly queryStubs = new Map<Function, StubAnswer<unknown, unknown>>();

  async bind(_endpoint: BusEndpoint): Promise<void> {}
  async unbind(_endpoint: BusEndpoint): Promise<void> {}
  async close(): Promise<void> {}

  async sendCommand(message: CommandMessage): Promise<unknown> {
    this.commands.push(message);
    const stub = findStub(this.commandStubs, message.payload);
    return stub === undefined ? undefined : answer(stub.answer, message.payload);
  }

  async sendQuery(message: QueryMessage): Promise<QueryResponse<unknown>> {
    this.queries.push(message);
    const stub = findStub(this.queryStubs, message.payload);
    if (stub === undefined) {
      throw new NoHandlerError(
        `The test fixture has no answer for the query ${message.payloadName}; stub it with ` +
          `onQuery(${message.payload.constructor.name}, Single.of(...)) (or Multiple.of, an error, or a function).`,
        { context: { query: message.payloadName } },
      );
    }
    return (await answer(stub.answer, message.payload)) as QueryResponse<unknown>;
  }
}

/** The stub of the payload's class, or of its nearest base class that has one. */
function findStub(
  stubs: ReadonlyMap<Function, StubAnswer<unknown, unknown>>,
  payload: object,
): { answer: StubAnswer<unknown, unknown> } | undefined {
  for (let p: unknown = Object.getPrototypeOf(payload); p !== null; p = Object.getPrototypeOf(p)) {
    const ctor = (p as { constructor?: Function }).constructor;
    if (ctor !== undefined && stubs.has(ctor)) return { answer: stubs.get(ctor) };
  }
  return undefined;
}

async function answer(stub: StubAnswer<unknown, unknown>, payload: unknown): Promise<unknown> {
  if (stub instanceof Error) throw stub;
  if (typeof stub === 'function') return (stub as (p: unknown) => unknown)(payload);
  return stub;
}
