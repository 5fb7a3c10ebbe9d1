import { injectable } from 'tsyringe';
import type { AggregateState } from '../model/aggregateState';
import type { SagaState } from '../model/sagaState';
import { defineComponent, type ComponentKind } from '../internal/reflection';
import type { Class } from '../internal/types';

/** Options of `@Aggregate`. */
export interface AggregateOptions {
  /** Store a snapshot once this many events accumulated since the last one; 0: after every command; negative (default): never. */
  snapshotFrequency?: number;
  /** The state class; inferred from the handlers' parameter types when omitted. */
  state?: Class<AggregateState>;
  /**
   * How many aggregates' states this process keeps between commands, so a command reads only the
   * events stored since (least recently used go first); 0 turns it off. Default: the bundle's
   * `setAggregateCacheSize`, 10,000 unless set.
   */
  cacheSize?: number;
}

/** Where a new consumer starts reading the event stream. */
export type StartFrom = 'beginning' | 'head';

/** Options shared by projectors, sagas and observers. */
export interface ConsumerOptions {
  /** Bump it to start a new consumer (a projector replays from the first event). Default 1. */
  version?: number;
  /** Event contexts to consume; one consumer runs per context. Default `['*']` (all). */
  contexts?: readonly string[];
  /** Where a new consumer starts. Projectors: 'beginning'; sagas and observers: 'head'. */
  startFrom?: StartFrom;
  /** Events fetched per batch. Default 1000. */
  batchSize?: number;
}

/** Options of `@Projector`. */
export interface ProjectorOptions extends ConsumerOptions {
  /** `bundle.start()` resolves only once this projector has caught up with the head. */
  waitForHeadReached?: boolean;
}

function component(kind: ComponentKind, options: object): ClassDecorator {
  return (target) => {
    injectable()(target as unknown as new (...args: never[]) => unknown);
    defineComponent(target as unknown as Class, { kind, options: { ...options } });
  };
}

/** An event-sourced aggregate: a stateless class of command and event sourcing handlers. */
export function Aggregate(options: AggregateOptions = {}): ClassDecorator {
  return component('aggregate', options);
}

/** A service: handles service commands with side effects, may emit a service event. */
export function Service(): ClassDecorator {
  return component('service', {});
}

/** A projection: answers queries from a read model. */
export function Projection(): ClassDecorator {
  return component('projection', {});
}

/**
 * An invoker: the entry point from the outside world (HTTP, jobs) into the gateways. The bundle
 * builds it with its container, which holds the bundle's `CommandGateway` and `QueryGateway`:
 * take them as constructor parameters (`constructor(private readonly commands: CommandGateway)`),
 * and get the instance with `bundle.getInvoker(MyInvoker)`. Without decorator metadata (tsx,
 * esbuild) name them with tsyringe's `@inject(CommandGateway)`. Each `@InvocationHandler` call
 * starts a new flow (a fresh correlation id).
 */
export function Invoker(): ClassDecorator {
  return component('invoker', {});
}

/** A projector: consumes every event in order from the first and writes a read model. */
export function Projector(options: ProjectorOptions = {}): ClassDecorator {
  return component('projector', options);
}

/** Options of `@Saga`. */
export interface SagaOptions extends ConsumerOptions {
  /**
   * The state class; inferred from the handlers' parameter and return types when omitted. Name it
   * when they cannot tell it (an async handler's declared return type is a Promise).
   */
  state?: Class<SagaState>;
}

/** A saga: a long-running flow whose instances react to events and send commands. */
export function Saga(options: SagaOptions = {}): ClassDecorator {
  return component('saga', options);
}

/** An observer: reacts to events with side effects (at least once). */
export function Observer(options: ConsumerOptions = {}): ClassDecorator {
  return component('observer', options);
}
