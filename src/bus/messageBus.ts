import type { CommandMessage, QueryMessage } from '../messages/messages';
import type { QueryResponse } from '../messages/payloads';

/** A bundle instance's offer to the bus: the commands and queries it handles, by payload name. */
export interface BusEndpoint {
  readonly bundleId: string;
  readonly instanceId: string;
  readonly commandNames: readonly string[];
  readonly queryNames: readonly string[];
  /** Runs the command; resolves to what the handler returned, rejects with the handler's error. */
  handleCommand(message: CommandMessage): Promise<unknown>;
  handleQuery(message: QueryMessage): Promise<QueryResponse<unknown>>;
}

/** Per-request options. */
export interface BusRequestOptions {
  timeoutMs: number;
}

/**
 * The port gateways send through. A bus routes each command or query by payload name to a bound
 * endpoint, which may live in this process or another: callers never call handlers directly.
 */
export interface MessageBus {
  /** Makes the endpoint's handlers reachable. A name bound by another bundle is a configuration error. */
  bind(endpoint: BusEndpoint): Promise<void>;
  unbind(endpoint: BusEndpoint): Promise<void>;
  sendCommand(message: CommandMessage, options: BusRequestOptions): Promise<unknown>;
  sendQuery(message: QueryMessage, options: BusRequestOptions): Promise<QueryResponse<unknown>>;
  /** Releases connections; the bus is not used afterwards. */
  close(): Promise<void>;
}
