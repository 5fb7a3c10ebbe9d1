import { randomUUID } from 'node:crypto';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import { PayloadRegistry } from '../messages/payloadRegistry';
import type { QueryResponse } from '../messages/payloads';
import { CodecCache } from '../wire/codecCache';
import type { WireCodec, WireContext } from '../wire/wireCodec';
import {
  closedError,
  closedWhileWaiting,
  deadlineOf,
  deadlinePassed,
  noHandlerError,
  ownershipConflict,
} from './busErrors';
import { clusterOf } from './cluster';
import type { BusEndpoint, BusRequestOptions, ClusterBundle, MessageBus } from './messageBus';

/** Settings of an InProcessMessageBus. */
export interface InProcessMessageBusOptions {
  /**
   * Sends every command, query, answer and error through the wire format, as a bus between
   * processes does: payloads are revived with the receiving bundle's classes and errors re-created
   * from the caller's registered classes. Slower; meant for tests, to catch what would not survive
   * a real transport (unregistered nested classes, cycles, unregistered error classes). Default false.
   */
  readonly serialize?: boolean;
  /** With `serialize`, the size limit of one encoded message in bytes; default 1 MiB. */
  readonly maxMessageBytes?: number;
}

/** A caller waiting for its answer, reached by its request number (the wire's reply address ends with it). */
class Waiting {
  timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly waitingById: Map<number, Waiting>,
    readonly id: number,
    private readonly kind: 'command' | 'query',
    private readonly message: CommandMessage | QueryMessage,
    readonly codec: WireCodec | undefined,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /** What is waiting, for messages: "The command Deposit". */
  get what(): string {
    return describeRequest(this.kind, this.message);
  }

  answer(value: unknown): void {
    if (this.stop()) this.resolve(value);
  }

  fail(error: unknown): void {
    if (this.stop()) this.reject(error);
  }

  /** Stops waiting; false when it already had (answered, failed, past its deadline). */
  private stop(): boolean {
    if (this.waitingById.get(this.id) !== this) return false;
    this.waitingById.delete(this.id);
    clearTimeout(this.timer);
    return true;
  }
}

/**
 * Routes commands and queries between bundles in one process. Several instances of one bundle
 * share the load in turn. By default messages pass as objects (a handler's error reaches the
 * caller as it was thrown); with `{ serialize: true }` every message crosses the wire format.
 * Deadlines hold either way: a request whose deadline passed is never executed, and the caller
 * stops waiting at its deadline, the late answer dropped.
 */
export class InProcessMessageBus implements MessageBus {
  private readonly commands = new Map<string, BusEndpoint[]>();
  private readonly queries = new Map<string, BusEndpoint[]>();
  private readonly waiting = new Map<number, Waiting>();
  private readonly bound = new Set<BusEndpoint>();
  private readonly anonymous: WireContext = { payloads: new PayloadRegistry() };
  /** Reply addresses on the wire: this prefix and the request's number. */
  private readonly replyPrefix = `in-process:${randomUUID()}/`;
  private readonly serialize: boolean;
  private readonly codecs: CodecCache;
  private turn = 0;
  private requests = 0;
  private closed = false;

  constructor(options: InProcessMessageBusOptions = {}) {
    this.serialize = options.serialize ?? false;
    this.codecs = new CodecCache(options.maxMessageBytes);
    // Checks the limit now rather than at the first message.
    if (this.serialize) this.codecFor(this.anonymous);
  }

  async bind(endpoint: BusEndpoint): Promise<void> {
    if (this.closed) throw closedError(`bind bundle '${endpoint.bundleId}'`);
    checkOwnership(this.commands, endpoint.commandNames, endpoint, 'command');
    checkOwnership(this.queries, endpoint.queryNames, endpoint, 'query');
    for (const name of endpoint.commandNames) add(this.commands, name, endpoint);
    for (const name of endpoint.queryNames) add(this.queries, name, endpoint);
    this.bound.add(endpoint);
  }

  async unbind(endpoint: BusEndpoint): Promise<void> {
    this.bound.delete(endpoint);
    for (const routes of [this.commands, this.queries]) {
      for (const [name, endpoints] of routes) {
        const left = endpoints.filter((e) => e !== endpoint);
        if (left.length === 0) routes.delete(name);
        else routes.set(name, left);
      }
    }
  }

  sendCommand(message: CommandMessage, options: BusRequestOptions): Promise<unknown> {
    return this.request('command', message, options);
  }

  sendQuery(message: QueryMessage, options: BusRequestOptions): Promise<QueryResponse<unknown>> {
    return this.request('query', message, options) as Promise<QueryResponse<unknown>>;
  }

  cluster(): ClusterBundle[] {
    return clusterOf(
      [...this.bound].map((e) => ({
        bundleId: e.bundleId,
        bundleVersion: e.bundleVersion,
        instanceId: e.instanceId,
        commandNames: e.commandNames,
        queryNames: e.queryNames,
        local: true,
        lastSeen: new Date(),
      })),
    );
  }

  async close(): Promise<void> {
    this.bound.clear();
    this.closed = true;
    this.commands.clear();
    this.queries.clear();
    const waiting = [...this.waiting.values()];
    for (const w of waiting) {
      w.fail(closedWhileWaiting(w.what));
    }
  }

  private request(
    kind: 'command' | 'query',
    message: CommandMessage | QueryMessage,
    options: BusRequestOptions | undefined,
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(closedError(`send ${describeRequest(kind, message)}`));
    let endpoint: BusEndpoint;
    try {
      endpoint = this.pick(kind === 'command' ? this.commands : this.queries, message.payloadName, kind);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const deadline = deadlineOf(options);
    const id = ++this.requests;
    return new Promise((resolve, reject) => {
      const caller = this.serialize ? this.codecFor(options?.wire ?? this.anonymous) : undefined;
      const waiting = new Waiting(this.waiting, id, kind, message, caller, resolve, reject);
      this.waiting.set(id, waiting);
      // The request's one timer: the gateways arm none of their own.
      if (deadline !== undefined)
        waiting.timer = setTimeout(expire, Math.max(0, deadline - Date.now()), waiting, deadline, options);
      try {
        this.deliver(kind, message, endpoint, deadline, waiting);
      } catch (error) {
        // Not delivered (could not be encoded or decoded): not executed.
        waiting.fail(error);
      }
    });
  }

  private deliver(
    kind: 'command' | 'query',
    message: CommandMessage | QueryMessage,
    endpoint: BusEndpoint,
    deadline: number | undefined,
    waiting: Waiting,
  ): void {
    const caller = waiting.codec;
    if (caller === undefined) {
      if (deadline !== undefined && Date.now() >= deadline) return; // never executed; the timer answers
      // A late answer finds nobody waiting (past its deadline, bus closed) and is dropped.
      handle(kind, endpoint, message).then(
        (value) => waiting.answer(value),
        (error: unknown) => waiting.fail(error),
      );
      return;
    }
    const receiver = this.codecFor(endpoint.wire);
    const bytes = caller.encodeRequest(message, { deadline, replyTo: `${this.replyPrefix}${waiting.id}` });
    const request = receiver.decodeRequest(bytes);
    if (request.deadline !== undefined && Date.now() >= request.deadline) return;
    const id = request.message.messageId;
    handle(kind, endpoint, request.message).then(
      (value) => this.replyBytes(request.replyTo, receiver.encodeResponse(id, value)),
      (error: unknown) => this.replyBytes(request.replyTo, receiver.encodeError(id, error)),
    );
  }

  /** An answer as bytes, decoded with the caller's classes; dropped when nobody waits for it any more. */
  private replyBytes(address: string | undefined, bytes: Uint8Array): void {
    const id = address?.startsWith(this.replyPrefix) ? Number(address.slice(this.replyPrefix.length)) : NaN;
    const waiting = this.waiting.get(id);
    if (waiting?.codec === undefined) return;
    try {
      const reply = waiting.codec.decodeReply(bytes);
      if (reply.kind === 'response') waiting.answer(reply.result);
      else waiting.fail(reply.error);
    } catch (error) {
      waiting.fail(error);
    }
  }

  private codecFor(context: WireContext): WireCodec {
    return this.codecs.for(context);
  }

  private pick(routes: Map<string, BusEndpoint[]>, name: string, what: 'command' | 'query'): BusEndpoint {
    const endpoints = routes.get(name);
    if (endpoints === undefined || endpoints.length === 0) {
      throw noHandlerError(what, name, 'on this bus');
    }
    this.turn = (this.turn + 1) % 1_000_000;
    return endpoints[this.turn % endpoints.length] as BusEndpoint;
  }
}

/** Hands the message to the endpoint's handler of its kind. */
function handle(
  kind: 'command' | 'query',
  endpoint: BusEndpoint,
  message: CommandMessage | QueryMessage,
): Promise<unknown> {
  return kind === 'command'
    ? endpoint.handleCommand(message as CommandMessage)
    : endpoint.handleQuery(message);
}

/** The deadline timer's callback: the caller stops waiting. */
function expire(waiting: Waiting, deadline: number, options: BusRequestOptions | undefined): void {
  waiting.fail(deadlinePassed(waiting.what, deadline, options));
}

function describeRequest(kind: 'command' | 'query', message: CommandMessage | QueryMessage): string {
  return `The ${kind} ${message.payloadName}`;
}

function add(routes: Map<string, BusEndpoint[]>, name: string, endpoint: BusEndpoint): void {
  routes.set(name, [...(routes.get(name) ?? []), endpoint]);
}

function checkOwnership(
  routes: Map<string, BusEndpoint[]>,
  names: readonly string[],
  endpoint: BusEndpoint,
  what: 'command' | 'query',
): void {
  for (const name of names) {
    const owner = routes.get(name)?.find((e) => e.bundleId !== endpoint.bundleId);
    if (owner !== undefined) {
      throw ownershipConflict(what, name, owner.bundleId, endpoint.bundleId, 'on this bus');
    }
  }
}
