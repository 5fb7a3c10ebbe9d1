/**
 * The one module that reads and writes decorator metadata. Decorators only record what they are
 * given here; the registry reads it back. Keys are module-private symbols.
 */
import 'reflect-metadata';
import type { Class } from './types';

/** The kinds of component, one per component decorator. */
export type ComponentKind =
  'aggregate' | 'service' | 'projection' | 'invoker' | 'projector' | 'saga' | 'observer';

/** What a handler decorator declares; the registry tells an observer's `event` handlers apart as `observerEvent`. */
export type HandlerKind =
  | 'aggregateCommand'
  | 'eventSourcing'
  | 'command'
  | 'query'
  | 'invocation'
  | 'event'
  | 'observerEvent'
  | 'sagaEvent';

/** What a component decorator recorded. */
export interface ComponentMetadata {
  kind: ComponentKind;
  options: Readonly<Record<string, unknown>>;
}

/** What a handler decorator recorded. */
export interface HandlerMetadata {
  kind: HandlerKind;
  method: string;
  /** The payload class given explicitly to the decorator, if any. */
  payload?: Class;
  /** Parameter types given explicitly (for toolchains without decorator metadata). */
  inject?: readonly unknown[];
  options: Readonly<Record<string, unknown>>;
}

const COMPONENT = Symbol('evento.component');
const HANDLERS = Symbol('evento.handlers');
const PAYLOAD_NAME = Symbol('evento.payloadName');
const TRACKED = Symbol('evento.tracked');

export function defineComponent(target: Class, metadata: ComponentMetadata): void {
  Reflect.defineMetadata(COMPONENT, metadata, target);
}

export function getComponent(target: unknown): ComponentMetadata | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getOwnMetadata(COMPONENT, target) as ComponentMetadata | undefined;
}

export function addHandler(prototype: object, metadata: HandlerMetadata): void {
  const own = (Reflect.getOwnMetadata(HANDLERS, prototype) as HandlerMetadata[] | undefined) ?? [];
  Reflect.defineMetadata(HANDLERS, [...own, metadata], prototype);
}

/** Handlers declared on the class and its ancestors; a subclass's method replaces its parent's. */
export function getHandlers(target: Class): HandlerMetadata[] {
  const byMethod = new Map<string, HandlerMetadata>();
  const chain: object[] = [];
  for (let p: unknown = target.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    chain.unshift(p);
  }
  for (const prototype of chain) {
    const own = (Reflect.getOwnMetadata(HANDLERS, prototype) as HandlerMetadata[] | undefined) ?? [];
    for (const handler of own) byMethod.set(handler.method, handler);
  }
  return [...byMethod.values()];
}

/** The parameter types TypeScript emitted for a method, or undefined when none were emitted. */
export function getParamTypes(prototype: object, method: string): unknown[] | undefined {
  return Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined;
}

/**
 * True when TypeScript emitted a return type for the method. It emits `undefined` both for `: void`
 * and for a method without a return type, so only this tells those apart from no metadata at all.
 */
export function hasReturnType(prototype: object, method: string): boolean {
  return Reflect.hasMetadata('design:returntype', prototype, method);
}

/** The return type TypeScript emitted for a method, or undefined. */
export function getReturnType(prototype: object, method: string): unknown {
  return Reflect.getMetadata('design:returntype', prototype, method);
}

export function definePayloadName(target: Class, name: string): void {
  Reflect.defineMetadata(PAYLOAD_NAME, name, target);
}

export function getPayloadName(target: Class): string | undefined {
  return Reflect.getOwnMetadata(PAYLOAD_NAME, target) as string | undefined;
}

/** Records that `@Track` marks the method `method` of `prototype` as where a trace may start. */
export function defineTracked(prototype: object, method: string): void {
  const own = (Reflect.getOwnMetadata(TRACKED, prototype) as readonly string[] | undefined) ?? [];
  Reflect.defineMetadata(TRACKED, [...own, method], prototype);
}

/** True when `@Track` marks `method` on `prototype` or one of its ancestors. */
export function isTracked(prototype: object, method: string): boolean {
  for (let p: unknown = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const own = Reflect.getOwnMetadata(TRACKED, p) as readonly string[] | undefined;
    if (own?.includes(method)) return true;
  }
  return false;
}
