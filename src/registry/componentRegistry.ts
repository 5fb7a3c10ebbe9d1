import type { ComponentProblem } from '../errors';
import { ComponentDefinitionError } from '../errors';
import {
  getComponent,
  getHandlers,
  isTracked,
  getParamTypes,
  getPayloadName,
  getReturnType,
  hasReturnType,
  type HandlerKind,
  type ComponentKind,
  type HandlerMetadata,
} from '../internal/reflection';
import { describe, isClass, isSubclassOf, type Class, type ConcreteClass } from '../internal/types';
import { PayloadRegistry } from '../messages/payloadRegistry';
import {
  Command,
  DomainCommand,
  DomainEvent,
  Event,
  Payload,
  Query,
  ServiceCommand,
} from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from './descriptors';
import type { ParamResolver } from './invocationContext';
import { handlerRules, payloadFits, planParameter } from './parameters';

const allowedHandlers: Readonly<Record<ComponentKind, readonly string[]>> = {
  aggregate: ['aggregateCommand', 'eventSourcing'],
  service: ['command'],
  projection: ['query'],
  invoker: ['invocation'],
  projector: ['event'],
  saga: ['sagaEvent'],
  observer: ['event'],
};

const decoratorOf: Readonly<Record<ComponentKind, string>> = {
  aggregate: '@Aggregate',
  service: '@Service',
  projection: '@Projection',
  invoker: '@Invoker',
  projector: '@Projector',
  saga: '@Saga',
  observer: '@Observer',
};

/**
 * The bundle's components, read from their decorators and validated as a whole. Construction
 * throws one ComponentDefinitionError listing every problem found, each with its fix.
 */
export class ComponentRegistry {
  /** Every component, validated. */
  readonly components: readonly ComponentDescriptor[];
  /** The payload and state classes the components take and produce, by name. */
  readonly payloads: PayloadRegistry;
  private readonly commandRoutes = new Map<Function, HandlerDescriptor>();
  private readonly queryRoutes = new Map<Function, HandlerDescriptor>();

  constructor(
    classes: readonly unknown[],
    extraPayloads: readonly Class[] = [],
    payloads = new PayloadRegistry(),
  ) {
    const problems: ComponentProblem[] = [];
    this.payloads = payloads;
    const unique = [...new Set(classes)];
    this.components = unique.flatMap((type) => {
      const component = readComponent(type, problems);
      return component === undefined ? [] : [component];
    });
    this.route(problems);
    this.registerPayloads(extraPayloads, problems);
    if (problems.length > 0) throw new ComponentDefinitionError(problems);
  }

  /** The components declared with one decorator kind. */
  ofKind(kind: ComponentKind): ComponentDescriptor[] {
    return this.components.filter((c) => c.kind === kind);
  }

  /** The handler of a command class, by class identity (a subclass is another command). */
  commandHandler(payload: Function): HandlerDescriptor | undefined {
    return this.commandRoutes.get(payload);
  }

  /** The handler of a query class, by class identity. */
  queryHandler(payload: Function): HandlerDescriptor | undefined {
    return this.queryRoutes.get(payload);
  }

  /** Payload names of the commands these components handle. */
  commandNames(): string[] {
    return [...this.commandRoutes.values()].map((h) => h.payloadName);
  }

  /** Payload names of the queries these components answer. */
  queryNames(): string[] {
    return [...this.queryRoutes.values()].map((h) => h.payloadName);
  }

  private route(problems: ComponentProblem[]): void {
    for (const component of this.components) {
      for (const handler of component.handlers) {
        const routes =
          handler.kind === 'aggregateCommand' || handler.kind === 'command'
            ? this.commandRoutes
            : handler.kind === 'query'
              ? this.queryRoutes
              : undefined;
        if (routes === undefined || handler.payload === undefined) continue;
        const other = routes.get(handler.payload);
        if (other !== undefined) {
          problems.push({
            component: component.name,
            method: handler.method,
            problem: `${handler.payload.name} is also handled by ${other.component.name}.${other.method}, and a ${handler.kind === 'query' ? 'query' : 'command'} has exactly one handler`,
            fix: 'remove one of the two handlers',
          });
          continue;
        }
        routes.set(handler.payload, handler);
      }
    }
  }

  private registerPayloads(extra: readonly Class[], problems: ComponentProblem[]): void {
    const classes: Class[] = [...extra];
    for (const component of this.components) {
      if (component.stateClass !== undefined) classes.push(component.stateClass);
      for (const handler of component.handlers)
        if (handler.payload !== undefined) classes.push(handler.payload);
    }
    for (const type of classes) {
      try {
        this.payloads.register(type);
      } catch (error) {
        problems.push({
          component: type.name,
          problem: (error as Error).message,
          fix: 'rename one of the classes',
        });
      }
    }
  }
}

function readComponent(type: unknown, problems: ComponentProblem[]): ComponentDescriptor | undefined {
  if (!isClass(type)) {
    problems.push({
      component: describe(type),
      problem: 'is not a class, so it cannot be a component',
      fix: 'pass the decorated classes themselves (not instances or modules) to setComponents',
    });
    return undefined;
  }
  const metadata = getComponent(type);
  if (metadata === undefined) {
    problems.push({
      component: type.name,
      problem: 'has no component decorator',
      fix: 'decorate it with @Aggregate, @Service, @Projection, @Projector, @Saga, @Observer or @Invoker, or leave it out of the bundle',
    });
    return undefined;
  }
  const handlers: HandlerDescriptor[] = [];
  const byPayload = new Map<Function, HandlerDescriptor>();
  const stateClasses = new Set<Class>();
  const component: ComponentDescriptor = {
    kind: metadata.kind,
    type: type as ConcreteClass,
    name: type.name,
    options: metadata.options,
    handlers,
    byPayload,
    stateClass: undefined,
  };
  for (const handlerMetadata of getHandlers(type)) {
    const handler = readHandler(component, handlerMetadata, stateClasses, problems);
    if (handler === undefined) continue;
    if (handler.payload !== undefined) {
      const other = byPayload.get(handler.payload);
      if (other !== undefined) {
        problems.push({
          component: component.name,
          method: handler.method,
          problem: `${other.method} already handles ${handler.payload.name} in this component`,
          fix: 'merge the two methods into one',
        });
        continue;
      }
      byPayload.set(handler.payload, handler);
    }
    handlers.push(handler);
  }
  const stateClass = resolveStateClass(component, stateClasses, problems);
  const complete = { ...component, stateClass };
  for (const handler of handlers) (handler as { component: ComponentDescriptor }).component = complete;
  checkComponent(complete, problems);
  return complete;
}

function readHandler(
  component: ComponentDescriptor,
  metadata: HandlerMetadata,
  stateClasses: Set<Class>,
  problems: ComponentProblem[],
): HandlerDescriptor | undefined {
  const report = (problem: string, fix: string): undefined => {
    problems.push({ component: component.name, method: metadata.method, problem, fix });
    return undefined;
  };
  if (!allowedHandlers[component.kind].includes(metadata.kind)) {
    const rules = handlerRules[metadata.kind];
    return report(
      `${rules.label} does not belong in a ${decoratorOf[component.kind]} component`,
      `move the method to a component that takes it, or use the handler decorator of ${decoratorOf[component.kind]}`,
    );
  }
  // An observer's event handlers take what a projector's do, except the store's transaction.
  const kind = component.kind === 'observer' && metadata.kind === 'event' ? 'observerEvent' : metadata.kind;
  const rules = handlerRules[kind];
  const prototype = component.type.prototype as Record<string, unknown>;
  const method = prototype[metadata.method];
  if (typeof method !== 'function') return report('is not a method', `put ${rules.label} on a method`);
  const declared = metadata.inject === undefined ? getParamTypes(prototype, metadata.method) : undefined;
  const needsPayload = metadata.kind !== 'invocation';
  const payload = needsPayload ? (metadata.payload ?? (declared?.[0] as Class | undefined)) : undefined;
  if (needsPayload && (payload === undefined || payload === Object || !isClass(payload))) {
    return report(
      'the payload type cannot be determined (no decorator metadata, or the first parameter is not a class)',
      `name it in the decorator, e.g. ${rules.label}(MyPayload), and declare the parameter with that class`,
    );
  }
  if (payload !== undefined && !payloadFits(metadata.kind, payload)) {
    return report(
      `takes ${payload.name}, which does not extend ${rules.payloadBase?.name ?? 'a payload class'}`,
      handlerFor(metadata.kind, payload) ??
        `make ${payload.name} extend ${rules.payloadBase?.name ?? 'the right base class'}`,
    );
  }
  const params: ParamResolver[] = [];
  if (needsPayload) {
    const types = metadata.inject ?? declared?.slice(1);
    if (types === undefined && method.length > 1) {
      return report(
        `takes ${method.length - 1} parameter(s) after the payload, but their types are unknown (the toolchain emitted no decorator metadata)`,
        `list them in the decorator: ${rules.label}(${payload?.name ?? 'Payload'}, { inject: [...] })`,
      );
    }
    for (const [i, type] of (types ?? []).entries()) {
      const plan = planParameter(kind, type, i + 1);
      if ('problem' in plan) return report(plan.problem, 'change the parameter type or remove the parameter');
      if (plan.stateClass !== undefined) stateClasses.add(plan.stateClass);
      params.push(plan.resolver);
    }
  }
  if (metadata.kind === 'eventSourcing' || metadata.kind === 'sagaEvent') {
    const returned = getReturnType(prototype, metadata.method);
    if (rules.state !== undefined && isSubclassOf(returned, rules.state) && returned !== rules.state)
      stateClasses.add(returned as Class);
  }
  if (metadata.kind === 'sagaEvent' && typeof metadata.options.associationProperty !== 'string') {
    return report(
      'has no associationProperty',
      "name the event property that finds the saga instance: { associationProperty: 'orderId' }",
    );
  }
  return {
    kind,
    component,
    method: metadata.method,
    payload,
    payloadName: payload === undefined ? metadata.method : (getPayloadName(payload) ?? payload.name),
    params,
    options: metadata.options,
    tracked: isTracked(prototype, metadata.method),
  };
}

function resolveStateClass(
  component: ComponentDescriptor,
  found: Set<Class>,
  problems: ComponentProblem[],
): Class | undefined {
  const explicit = component.options.state as Class | undefined;
  if (explicit !== undefined) return explicit;
  const candidates = [...found].filter(
    (c) => ![...found].some((other) => other !== c && isSubclassOf(other, c)),
  );
  if (candidates.length > 1) {
    problems.push({
      component: component.name,
      problem: `its handlers take different state classes (${candidates.map((c) => c.name).join(', ')})`,
      fix: `use one state class, or name it: ${decoratorOf[component.kind]}({ state: MyState })`,
    });
  }
  return candidates[0];
}

function checkComponent(component: ComponentDescriptor, problems: ComponentProblem[]): void {
  const handlers = component.handlers;
  if (component.kind === 'aggregate') {
    // Declared rather than read: an init handler refused above (its own problem) is still there.
    if (!declaresInit(component, 'aggregateCommand')) {
      problems.push({
        component: component.name,
        problem: 'has no init command handler, so it can never be created',
        fix: 'mark the command that creates it with @AggregateCommandHandler({ init: true })',
      });
    }
    const cacheSize = component.options.cacheSize;
    if (cacheSize !== undefined && !(Number.isInteger(cacheSize) && (cacheSize as number) >= 0)) {
      problems.push({
        component: component.name,
        problem: `has cacheSize ${JSON.stringify(cacheSize)}, which is not a whole number of at least 0`,
        fix: 'pass the number of aggregate states to keep between commands, or 0 to keep none',
      });
    }
    const frequency = component.options.snapshotFrequency;
    if (typeof frequency === 'number' && frequency >= 0 && component.stateClass === undefined) {
      problems.push({
        component: component.name,
        problem: 'takes snapshots, but its state class cannot be told from its handlers',
        fix: `name it: @Aggregate({ state: ${component.name}State, snapshotFrequency: ${frequency} }), or declare the state parameter with its class`,
      });
    }
    for (const handler of handlers.filter((h) => h.kind === 'aggregateCommand')) {
      const prototype = component.type.prototype as object;
      const returned = getReturnType(prototype, handler.method);
      const wrongReturn = commandReturnProblem(prototype, handler.method, returned);
      if (wrongReturn !== undefined) {
        problems.push({ component: component.name, method: handler.method, ...wrongReturn });
      } else if (
        isSubclassOf(returned, DomainEvent) &&
        returned !== DomainEvent &&
        !declaresEventSourcing(component, returned as Class)
      ) {
        problems.push({
          component: component.name,
          method: handler.method,
          problem: `returns ${(returned as Class).name}, which has no @EventSourcingHandler in ${component.name}`,
          fix: `add an @EventSourcingHandler for ${(returned as Class).name} (it may leave the state as it is)`,
        });
      }
    }
  }
  if (component.kind === 'saga' && !declaresInit(component, 'sagaEvent')) {
    problems.push({
      component: component.name,
      problem: 'has no init handler, so no instance can ever start',
      fix: "mark the event that starts it with @SagaEventHandler({ init: true, associationProperty: '...' })",
    });
  }
}

/** Whether the class declares an @EventSourcingHandler for `event`, valid or not (so one problem is not reported twice). */
function declaresEventSourcing(component: ComponentDescriptor, event: Class): boolean {
  return getHandlers(component.type).some((h) => {
    if (h.kind !== 'eventSourcing') return false;
    const payload = h.payload ?? getParamTypes(component.type.prototype as object, h.method)?.[0];
    return payload === event;
  });
}

/** Whether the class declares an init handler of `kind`, valid or not (so one problem is not reported twice). */
function declaresInit(component: ComponentDescriptor, kind: HandlerKind): boolean {
  return getHandlers(component.type).some((h) => h.kind === kind && h.options.init === true);
}

/**
 * What is wrong with an @AggregateCommandHandler's declared return type, when the metadata says:
 * a command handler returns the event(s) it decides, never nothing, a primitive or another payload.
 */
function commandReturnProblem(
  prototype: object,
  method: string,
  returned: unknown,
): { problem: string; fix: string } | undefined {
  const fix = `declare the event class it returns, e.g. \`${method}(command: OpenAccount): AccountOpened\`, and return that event`;
  if (returned === undefined && hasReturnType(prototype, method)) {
    return {
      problem:
        'is declared to return nothing (`: void`, or no return type, which TypeScript records the same way), but an @AggregateCommandHandler returns the event it decides',
      fix,
    };
  }
  const primitive = [String, Number, Boolean, Symbol, BigInt].includes(returned as never);
  if (primitive || (isSubclassOf(returned, Payload) && !isSubclassOf(returned, DomainEvent))) {
    return {
      problem: `is declared to return ${(returned as Class).name}, but an @AggregateCommandHandler returns a DomainEvent`,
      fix,
    };
  }
  return undefined;
}

/** The right handler decorator for a payload given to a handler of the wrong kind, if there is one. */
function handlerFor(kind: HandlerKind, payload: Class): string | undefined {
  const label = handlerRules[kind].label;
  const article = /^@[AEIOU]/.test(label) ? 'an' : 'a';
  if (isSubclassOf(payload, Command)) {
    if (kind === 'command' && isSubclassOf(payload, DomainCommand))
      return `${payload.name} is a DomainCommand, which an @Aggregate handles with @AggregateCommandHandler; for a @Service, extend ServiceCommand instead`;
    if (kind === 'aggregateCommand' && isSubclassOf(payload, ServiceCommand))
      return `${payload.name} is a ServiceCommand, which a @Service handles with @CommandHandler; for an @Aggregate, extend DomainCommand instead`;
    return `${article} ${label} takes ${kindOfPayload(kind)}; for a command use @CommandHandler (in a @Service) or @AggregateCommandHandler (in an @Aggregate)`;
  }
  if (isSubclassOf(payload, Event))
    return `${article} ${label} takes ${kindOfPayload(kind)}; for an event use @EventHandler (in a @Projector or @Observer), @SagaEventHandler (in a @Saga) or @EventSourcingHandler (in an @Aggregate)`;
  if (isSubclassOf(payload, Query))
    return `${article} ${label} takes ${kindOfPayload(kind)}; for a query use @QueryHandler (in a @Projection)`;
  return undefined;
}

function kindOfPayload(kind: HandlerKind): string {
  const base = handlerRules[kind].payloadBase;
  if (base === undefined) return 'any payload';
  if (isSubclassOf(base, Event)) return base === Event ? 'an event' : `a ${base.name}`;
  if (isSubclassOf(base, Command)) return `a ${base.name}`;
  return 'a query';
}
