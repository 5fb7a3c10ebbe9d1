import { AggregateState } from '../model/aggregateState';
import { ProjectorStatus } from '../model/projectorStatus';
import { StoreTransaction } from '../model/storeTransaction';
import { CommandGateway } from '../gateway/commandGateway';
import { QueryGateway } from '../gateway/queryGateway';
import type { HandlerKind } from '../internal/reflection';
import { describe, isSubclassOf, type Class } from '../internal/types';
import { CommandMessage, EventMessage, Message, PublishedEvent, QueryMessage } from '../messages/messages';
import { Metadata } from '../messages/metadata';
import { DomainCommand, DomainEvent, Event, Query, ServiceCommand } from '../messages/payloads';
import { SagaState } from '../model/sagaState';
import type { ParamResolver } from './invocationContext';

/** What each handler kind takes. */
export interface HandlerRule {
  /** What the payload must extend. */
  readonly payloadBase: Class | undefined;
  /** The message class the handler receives. */
  readonly message: Class;
  /** The base of the state class it may take. */
  readonly state: Class | undefined;
  /** Extra injectable types, filled from the invocation's resources. */
  readonly resources: readonly Class[];
  readonly label: string;
}

export const handlerRules: Readonly<Record<HandlerKind, HandlerRule>> = {
  aggregateCommand: rule(DomainCommand, CommandMessage, AggregateState, [], '@AggregateCommandHandler'),
  eventSourcing: rule(DomainEvent, EventMessage, AggregateState, [], '@EventSourcingHandler'),
  command: rule(ServiceCommand, CommandMessage, undefined, [], '@CommandHandler'),
  query: rule(Query, QueryMessage, undefined, [], '@QueryHandler'),
  invocation: rule(undefined, Message, undefined, [], '@InvocationHandler'),
  event: rule(Event, PublishedEvent, undefined, [ProjectorStatus, StoreTransaction], '@EventHandler'),
  observerEvent: rule(Event, PublishedEvent, undefined, [ProjectorStatus], '@EventHandler'),
  sagaEvent: rule(Event, PublishedEvent, SagaState, [], '@SagaEventHandler'),
};

function rule(
  payloadBase: Class | undefined,
  message: Class,
  state: Class | undefined,
  resources: Class[],
  label: string,
): HandlerRule {
  return { payloadBase, message, state, resources, label };
}

/** Reasons a handler's parameter cannot be injected, or the resolver that fills it. */
export type ParamPlan = { resolver: ParamResolver; stateClass?: Class } | { problem: string };

const metadataOf: ParamResolver = (c) => c.message.metadata;
const timestampOf: ParamResolver = (c) => c.message.timestamp;
const messageOf: ParamResolver = (c) => c.message;
const stateOf: ParamResolver = (c) => c.state;
const commandGatewayOf: ParamResolver = (c) => c.commandGateway;
const queryGatewayOf: ParamResolver = (c) => c.queryGateway;

/** Plans how to fill parameter `index` (counted from 1) of a handler of `kind` declared as `type`. */
export function planParameter(kind: HandlerKind, type: unknown, index: number): ParamPlan {
  const rules = handlerRules[kind];
  if (type === Metadata) return { resolver: metadataOf };
  if (type === Date) return { resolver: timestampOf };
  if (type === CommandGateway) return { resolver: commandGatewayOf };
  if (type === QueryGateway) return { resolver: queryGatewayOf };
  if (isSubclassOf(rules.message, type as Class) && isSubclassOf(type, Message))
    return { resolver: messageOf };
  if (rules.state !== undefined && isSubclassOf(type, rules.state))
    return { resolver: stateOf, stateClass: type as Class };
  const resource = rules.resources.find((r) => r === type);
  if (resource !== undefined) return { resolver: (c) => c.resources?.get(resource) };
  if (kind === 'observerEvent' && type === StoreTransaction) {
    return {
      problem:
        `parameter ${index + 1} is declared as StoreTransaction, but an @Observer runs outside the consumer state store's transaction ` +
        '(its side effects happen at least once); write to your own connection, or make the component a @Projector to write a read model exactly once',
    };
  }
  const allowed = [
    rules.state === undefined
      ? undefined
      : `an ${rules.state.name} subclass (write \`state?: MyState\`, not a union with undefined)`,
    'CommandGateway',
    'QueryGateway',
    'Metadata',
    'Date',
    `${rules.message.name} (or a base class of it)`,
    ...rules.resources.map((r) => r.name),
  ].filter((x) => x !== undefined);
  const declared =
    type === Object || type === undefined
      ? 'an interface, union or untyped value'
      : type === Function
        ? 'Function (what TypeScript records for a class brought in with `import type`, which leaves no class to inject: import it as a value, `import { ... }`)'
        : describe(type);
  return {
    problem:
      `parameter ${index + 1} is declared as ${declared}, which a ${rules.label} cannot receive ` +
      `(it can receive ${allowed.join(', ')}); take other services through the constructor instead`,
  };
}

/** True when `payload` is acceptable for `kind`. */
export function payloadFits(kind: HandlerKind, payload: Class): boolean {
  const base = handlerRules[kind].payloadBase;
  if (base === undefined) return true;
  return isSubclassOf(payload, base);
}
