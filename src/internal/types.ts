/** A class: anything `new` can be called on. Abstract classes are accepted as tokens. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Class<T = unknown> = abstract new (...args: any[]) => T;

/** A concrete class. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConcreteClass<T = unknown> = new (...args: any[]) => T;

/** True when `value` is a class (a function with a prototype), not an arrow or a plain value. */
export function isClass(value: unknown): value is Class {
  return typeof value === 'function' && value.prototype !== undefined && value.prototype !== null;
}

/** True when `sub` is `base` or a subclass of it. */
export function isSubclassOf(sub: unknown, base: Class): boolean {
  return isClass(sub) && (sub === base || sub.prototype instanceof base);
}

/** A readable name for a class or value, for error messages. */
export function describe(value: unknown): string {
  if (isClass(value)) return value.name || '<anonymous class>';
  if (value === null) return 'null';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only primitives and functions reach here
  return `${typeof value} ${String(value)}`;
}
