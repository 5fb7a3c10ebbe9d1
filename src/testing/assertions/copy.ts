/**
 * Deep copies that keep classes (prototypes), dates, maps and sets, so a value taken now can be
 * compared with the same value later, after the code under test mutated it in place.
 */
export function deepCopy<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function copy(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice();
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const item of value) out.push(copy(item, copies));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    copies.set(value, out);
    for (const [k, v] of value) out.set(copy(k, copies), copy(v, copies));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    copies.set(value, out);
    for (const v of value) out.add(copy(v, copies));
    return out;
  }
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  copies.set(value, out);
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) out[key] = copy(field, copies);
  if (value instanceof Error) {
    Object.defineProperty(out, 'message', { value: value.message, writable: true, configurable: true });
  }
  return out;
}
