import { ConfigurationError, NoHandlerError } from '../errors';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import type { QueryResponse } from '../messages/payloads';
import type { BusEndpoint, MessageBus } from './messageBus';

/**
 * Routes commands and queries between bundles in one process, passing messages as objects (no
 * serialization). Several instances of one bundle share the load in turn.
 */
export class InProcessMessageBus implements MessageBus {
  private readonly commands = new Map<string, BusEndpoint[]>();
  private readonly queries = new Map<string, BusEndpoint[]>();
  private turn = 0;

  async bind(endpoint: BusEndpoint): Promise<void> {
    checkOwnership(this.commands, endpoint.commandNames, endpoint, 'command');
    checkOwnership(this.queries, endpoint.queryNames, endpoint, 'query');
    for (const name of endpoint.commandNames) add(this.commands, name, endpoint);
    for (const name of endpoint.queryNames) add(this.queries, name, endpoint);
  }

  async unbind(endpoint: BusEndpoint): Promise<void> {
    for (const routes of [this.commands, this.queries]) {
      for (const [name, endpoints] of routes) {
        const left = endpoints.filter((e) => e !== endpoint);
        if (left.length === 0) routes.delete(name);
        else routes.set(name, left);
      }
    }
  }

  sendCommand(message: CommandMessage): Promise<unknown> {
    const endpoint = this.pick(this.commands, message.payloadName, 'command');
    return endpoint.handleCommand(message);
  }

  sendQuery(message: QueryMessage): Promise<QueryResponse<unknown>> {
    const endpoint = this.pick(this.queries, message.payloadName, 'query');
    return endpoint.handleQuery(message);
  }

  async close(): Promise<void> {
    this.commands.clear();
    this.queries.clear();
  }

  private pick(routes: Map<string, BusEndpoint[]>, name: string, what: string): BusEndpoint {
    const endpoints = routes.get(name);
    if (endpoints === undefined || endpoints.length === 0) {
      throw new NoHandlerError(
        `No handler for the ${what} '${name}': no started bundle on this bus handles it. ` +
          `Add a component with a handler for ${name} to a bundle, and start that bundle before sending.`,
        { context: { payloadName: name } },
      );
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
  what: string,
): void {
  for (const name of names) {
    const owner = routes.get(name)?.find((e) => e.bundleId !== endpoint.bundleId);
    if (owner !== undefined) {
      throw new ConfigurationError(
        `Bundle '${endpoint.bundleId}' handles the ${what} '${name}', which bundle '${owner.bundleId}' already handles on this bus; ` +
          `a ${what} has one handler: remove one of them, or give the two bundles separate buses.`,
        { context: { name, bundles: [owner.bundleId, endpoint.bundleId] } },
      );
    }
  }
}
