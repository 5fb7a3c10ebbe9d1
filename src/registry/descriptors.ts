import type { ComponentKind, HandlerKind } from '../internal/reflection';
import type { Class, ConcreteClass } from '../internal/types';
import type { ParamResolver } from './invocationContext';

/** A validated handler: what it takes, how to fill its parameters. */
export interface HandlerDescriptor {
  /** Which handler decorator declared it. */
  readonly kind: HandlerKind;
  /** The component it belongs to. */
  readonly component: ComponentDescriptor;
  /** The method's name. */
  readonly method: string;
  /** The payload class it handles (undefined for invocation handlers). */
  readonly payload: Class | undefined;
  /** The registered name of its payload (the method name for an invocation handler). */
  readonly payloadName: string;
  /** Resolvers for the parameters after the payload. */
  readonly params: readonly ParamResolver[];
  /** The options given to the handler decorator, without `payload` and `inject`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** `@Track` marks it as where a trace may start. */
  readonly tracked: boolean;
}

/** A validated component. */
export interface ComponentDescriptor {
  /** Which component decorator declared it. */
  readonly kind: ComponentKind;
  /** The component class. */
  readonly type: ConcreteClass;
  /** The class name, used in consumer ids and error messages. */
  readonly name: string;
  /** The options given to the component decorator. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Its validated handlers, in declaration order. */
  readonly handlers: readonly HandlerDescriptor[];
  /** Handlers by payload class (payload classes are unique within a component). */
  readonly byPayload: ReadonlyMap<Function, HandlerDescriptor>;
  /** The state class of an aggregate or saga. */
  readonly stateClass: Class | undefined;
}
