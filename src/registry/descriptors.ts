import type { ComponentKind, HandlerKind } from '../internal/reflection';
import type { Class, ConcreteClass } from '../internal/types';
import type { ParamResolver } from './invocationContext';

/** A validated handler: what it takes, how to fill its parameters. */
export interface HandlerDescriptor {
  readonly kind: HandlerKind;
  readonly component: ComponentDescriptor;
  readonly method: string;
  /** The payload class it handles (undefined for invocation handlers). */
  readonly payload: Class | undefined;
  readonly payloadName: string;
  /** Resolvers for the parameters after the payload. */
  readonly params: readonly ParamResolver[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** A validated component. */
export interface ComponentDescriptor {
  readonly kind: ComponentKind;
  readonly type: ConcreteClass;
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly handlers: readonly HandlerDescriptor[];
  /** Handlers by payload class (payload classes are unique within a component). */
  readonly byPayload: ReadonlyMap<Function, HandlerDescriptor>;
  /** The state class of an aggregate or saga. */
  readonly stateClass: Class | undefined;
}
