import { randomUUID } from 'node:crypto';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import { PayloadRegistry } from '../messages/payloadRegistry';
import type { QueryResponse } from '../messages/payloads';
import { WireCodec, type WireContext } from '../wire/wireCodec';
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

/** A caller waiting for its answer, reached by its reply address. */
interface Waiting {
  readonly what: string;
  readonly codec: WireCodec | undefined;
  settle(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): void;
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
  private readonly waiting = new Map<string, Waiting>();
  private readonly bound = new Set<BusEndpoint>();
  private readonly codecs = new WeakMap<WireContext, WireCodec>();
  private readonly anonymous: WireContext = { payloads: new PayloadRegistry() };
  private readonly id = randomUUID();
  private readonly serialize: boolean;
  private readonly maxMessageBytes: number | undefined;
  private turn = 0;
  private requests = 0;
  private closed = false;

  constructor(options: InProcessMessageBusOptions = {}) {
    this.serialize = options.serialize ?? false;
    this.maxMessageBytes = options.maxMessageBytes;
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
    return this.request('command', message, options, (endpoint, m) =>
      endpoint.handleCommand(m as CommandMessage),
    );
  }

  sendQuery(message: QueryMessage, options: BusRequestOptions): Promise<QueryResponse<unknown>> {
    return this.request('query', message, options, (endpoint, m) => endpoint.handleQuery(m)) as Promise<
      QueryResponse<unknown>
    >;
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
    this.waiting.clear();
    for (const w of waiting) {
      w.settle({
        ok: false,
        error: closedWhileWaiting(w.what),
      });
    }
  }

  private request(
    kind: 'command' | 'query',
    message: CommandMessage | QueryMessage,
    options: BusRequestOptions | undefined,
    handle: (endpoint: BusEndpoint, message: CommandMessage | QueryMessage) => Promise<unknown>,
  ): Promise<unknown> {
    const what = `The ${kind} ${message.payloadName}`;
    if (this.closed) return Promise.reject(closedError(`send ${what}`));
    let endpoint: BusEndpoint;
    try {
      endpoint = this.pick(kind === 'command' ? this.commands : this.queries, message.payloadName, kind);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const deadline = deadlineOf(options);
    const address = `in-process:${this.id}/${++this.requests}`;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle: Waiting['settle'] = (outcome) => {
        clearTimeout(timer);
        this.waiting.delete(address);
        if (outcome.ok) resolve(outcome.value);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a handler may throw anything; the caller gets it as thrown
        else reject(outcome.error);
      };
      const caller = this.serialize ? this.codecFor(options?.wire ?? this.anonymous) : undefined;
      this.waiting.set(address, { what, codec: caller, settle });
      if (deadline !== undefined) {
        timer = setTimeout(
          () =>
            this.waiting.get(address)?.settle({ ok: false, error: deadlinePassed(what, deadline, options) }),
          Math.max(0, deadline - Date.now()),
        );
      }
      try {
        this.deliver(message, endpoint, handle, deadline, address, caller);
      } catch (error) {
        // Not delivered (could not be encoded or decoded): not executed.
        settle({ ok: false, error });
      }
    });
  }

  private deliver(
    message: CommandMessage | QueryMessage,
    endpoint: BusEndpoint,
    handle: (endpoint: BusEndpoint, message: CommandMessage | QueryMessage) => Promise<unknown>,
    deadline: number | undefined,
    address: string,
    caller: WireCodec | undefined,
  ): void {
    if (caller === undefined) {
      if (deadline !== undefined && Date.now() >= deadline) return; // never executed; the timer answers
      handle(endpoint, message).then(
        (value) => this.reply(address, { ok: true, value }),
        (error: unknown) => this.reply(address, { ok: false, error }),
      );
      return;
    }
    const receiver = this.codecFor(endpoint.wire);
    const bytes = caller.encodeRequest(message, { deadline, replyTo: address });
    const request = receiver.decodeRequest(bytes);
    if (request.deadline !== undefined && Date.now() >= request.deadline) return;
    const id = request.message.messageId;
    handle(endpoint, request.message).then(
      (value) => this.replyBytes(request.replyTo, receiver.encodeResponse(id, value)),
      (error: unknown) => this.replyBytes(request.replyTo, receiver.encodeError(id, error)),
    );
  }

  /** An answer as an object; dropped when nobody waits for it any more (past its deadline, bus closed). */
  private reply(address: string, outcome: Parameters<Waiting['settle']>[0]): void {
    this.waiting.get(address)?.settle(outcome);
  }

  /** An answer as bytes, decoded with the caller's classes; dropped when nobody waits for it any more. */
  private replyBytes(address: string | undefined, bytes: Uint8Array): void {
    const waiting = address === undefined ? undefined : this.waiting.get(address);
    if (waiting?.codec === undefined) return;
    try {
      const reply = waiting.codec.decodeReply(bytes);
      waiting.settle(
        reply.kind === 'response' ? { ok: true, value: reply.result } : { ok: false, error: reply.error },
      );
    } catch (error) {
      waiting.settle({ ok: false, error });
    }
  }

  private codecFor(context: WireContext): WireCodec {
    let codec = this.codecs.get(context);
    if (codec === undefined) {
      codec = new WireCodec(
        this.maxMessageBytes === undefined ? context : { ...context, maxMessageBytes: this.maxMessageBytes },
      );
      this.codecs.set(context, codec);
    }
    return codec;
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
