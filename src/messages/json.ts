/**
 * JSON encoding that keeps what plain JSON loses: `Date`, `Map`, `Set`, and nested instances of
 * registered classes. Tags: `{"$date": iso}`, `{"$map": [[k, v]...]}`, `{"$set": [...]}`, and
 * `{"$type": name, ...fields}`. Decoding builds objects without calling constructors.
 */
import type { Class } from '../internal/types';

export interface ClassNames {
  /** The registered name of `ctor`, or undefined when it is not registered. */
  nameOf(ctor: Function): string | undefined;
  /** The class registered under `name`; throws when there is none. */
  classOf(name: string): Class;
}

export function encode(value: unknown, names: ClassNames): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, encoded: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (raw instanceof Map) return { $map: [...raw.entries()] };
    if (raw instanceof Set) return { $set: [...raw.values()] };
    if (key !== '' && raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      const ctor = raw.constructor;
      const name = ctor && ctor !== Object ? names.nameOf(ctor) : undefined;
      if (name !== undefined) return { $type: name, ...(encoded as object) };
    }
    return encoded;
  });
}

export function decode(json: string, names: ClassNames, topLevel?: Class): unknown {
  const parsed: unknown = JSON.parse(json, (_key, value: unknown) => reviveTagged(value, names));
  if (topLevel === undefined || parsed === null || typeof parsed !== 'object') return parsed;
  return Object.assign(Object.create(topLevel.prototype as object) as object, parsed);
}

function reviveTagged(value: unknown, names: ClassNames): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.$date === 'string' && Object.keys(record).length === 1) return new Date(record.$date);
  if (Array.isArray(record.$map) && Object.keys(record).length === 1) {
    return new Map(record.$map as [unknown, unknown][]);
  }
  if (Array.isArray(record.$set) && Object.keys(record).length === 1) return new Set(record.$set);
  if (typeof record.$type === 'string') {
    const { $type, ...fields } = record;
    return Object.assign(Object.create(names.classOf($type).prototype as object) as object, fields);
  }
  return value;
}
