import type { CommandMessage, QueryMessage } from '../messages/messages';
import type { QueryResponse } from '../messages/payloads';
import type { WireContext } from '../wire/wireCodec';

/** A bundle instance's offer to the bus: the commands and queries it handles, by payload name. */
export interface BusEndpoint {
  /** The bundle offering the handlers. */
  readonly bundleId: string;
  /** The bundle instance: a bus may share the load among several instances of one bundle. */
  readonly instanceId: string;
  /** The bundle's version (`setBundleVersion`), shown in `cluster()`; undefined when not set. */
  readonly bundleVersion?: string | undefined;
  /** Payload names of the commands it handles. */
  readonly commandNames: readonly string[];
  /** Payload names of the queries it answers. */
  readonly queryNames: readonly string[];
  /** The bundle's classes: a bus that serializes revives the requests it delivers here with them. */
  readonly wire: WireContext;
  /** Runs the command; resolves to what the handler returned, rejects with the handler's error. */
  handleCommand(message: CommandMessage): Promise<unknown>;
  /** Answers the query; resolves to its `Single` or `Multiple`, rejects with the handler's error. */
  handleQuery(message: QueryMessage): Promise<QueryResponse<unknown>>;
}

/** Per-request options. */
export interface BusRequestOptions {
  /** How long the caller waits for the answer, in milliseconds; the handler may still complete after it. */
  timeoutMs: number;
  /**
   * Milliseconds since the epoch after which the request must not be executed, and the caller
   * stops waiting (TimeoutError, outcome unknown). The gateways set it to the send time plus
   * `timeoutMs`; without it the bus waits `timeoutMs` from now. The bus alone enforces it: the
   * gateways arm no timer of their own.
   */
  deadline?: number;
  /** The caller's classes: a bus that serializes revives the answer and re-creates errors with them. */
  wire?: WireContext;
}

/**
 * The port gateways send through. A bus routes each command or query by payload name to a bound
 * endpoint, which may live in this process or another: callers never call handlers directly.
 * `test/contracts/messageBusContract.ts` is what every implementation must pass.
 */
export interface MessageBus {
  /** Makes the endpoint's handlers reachable. A name bound by another bundle is a configuration error. */
  bind(endpoint: BusEndpoint): Promise<void>;
  /** Makes the endpoint's handlers unreachable to new requests; requests already delivered still get their answer. */
  unbind(endpoint: BusEndpoint): Promise<void>;
  /**
   * Routes the command to a bound endpoint that handles it. Rejects with NoHandlerError when none
   * does, TimeoutError once the deadline passed (never executed after it), DeliveryError when it
   * could not be delivered, HandlerLostError when its answer can no longer arrive.
   */
  sendCommand(message: CommandMessage, options: BusRequestOptions): Promise<unknown>;
  /** Routes the query to a bound endpoint that answers it; rejects as `sendCommand` does. */
  sendQuery(message: QueryMessage, options: BusRequestOptions): Promise<QueryResponse<unknown>>;
  /** Releases connections: requests still waiting reject with HandlerLostError, later ones with DeliveryError. */
  close(): Promise<void>;
  /**
   * The bundle instances this bus knows to be live, grouped by bundle: those bound to it and, for a
   * bus between processes, those other processes announced. Optional for a bus of your own.
   */
  cluster?(): ClusterBundle[];
}

/** A live instance of a bundle, as `MessageBus.cluster()` and `EventoBundle.cluster()` list it. */
export interface ClusterInstance {
  /** The bundle it is an instance of. */
  readonly bundleId: string;
  /** The bundle's version, when it set one. */
  readonly bundleVersion: string | undefined;
  /** The instance's id (`setInstanceId`, or a UUID per start). */
  readonly instanceId: string;
  /** The payload names of the commands it handles. */
  readonly commandNames: readonly string[];
  /** The payload names of the queries it answers. */
  readonly queryNames: readonly string[];
  /** True for an instance bound to this very bus (this process). */
  readonly local: boolean;
  /** When it was last heard from (now for a local instance). */
  readonly lastSeen: Date;
}

/** A bundle and its live instances. */
export interface ClusterBundle {
  /** The bundle's id. */
  readonly bundleId: string;
  /** Its live instances, by instance id. */
  readonly instances: readonly ClusterInstance[];
}
