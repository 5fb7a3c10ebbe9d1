/**
 * Defines `key` on `target` as an own data property, as a class field or `JSON.parse` does: no
 * setter on the prototype runs, so a `__proto__` key stays a key instead of replacing the prototype.
 */
export function defineOwn(target: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable, configurable: true });
}
