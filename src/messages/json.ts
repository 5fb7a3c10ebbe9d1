/**
 * JSON encoding that keeps what plain JSON loses: `Date`, `Map`, `Set`, and nested instances of
 * registered classes. Tags: `{"$date": iso}`, `{"$map": [[k, v]...]}`, `{"$set": [...]}`, and
 * `{"$type": name, ...fields}`. Decoding builds objects without calling constructors. Keys that
 * could choose a prototype (`__proto__`, `constructor`, `prototype`) are refused both ways, so
 * nothing is stored that cannot be read back.
 */
import { UnsafePayloadError } from '../errors';
import type { Class } from '../internal/types';
import { FORBIDDEN_KEYS, reviveJson, type ClassNames } from './safeRevive';

export type { ClassNames } from './safeRevive';

export function encode(value: unknown, names: ClassNames): string {
  // Most payloads hold only primitives, arrays and plain objects: nothing to tag, and a replacer
  // function would cost a call per key.
  if (needsNoTags(value, 0)) return JSON.stringify(value);
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, encoded: unknown) {
    if (FORBIDDEN_KEYS.has(key)) throw refusedKey(key);
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

/** Revives JSON written by `encode`; see safeRevive.ts for what it refuses. */
export function decode(json: string, names: ClassNames, topLevel?: Class): unknown {
  return reviveJson(json, names, topLevel);
}

/**
 * True when encoding `value` with the tagging replacer would give plain JSON.stringify's output:
 * below the top level only primitives, arrays and plain objects (no Date, Map, Set, class
 * instance or toJSON). Deep or cyclic values answer false and take the replacer's path.
 */
function needsNoTags(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 16) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!needsNoTags(item, depth + 1)) return false;
    return true;
  }
  if (
    value instanceof Map ||
    value instanceof Set ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return false;
  if (depth > 0) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    // A refused key takes the replacer's path, which reports it.
    if (FORBIDDEN_KEYS.has(key) || !needsNoTags(record[key], depth + 1)) return false;
  }
  return true;
}

function refusedKey(key: string): UnsafePayloadError {
  return new UnsafePayloadError(
    `A payload or state holds an own property '${key}', which could not be read back safely; rename the field.`,
    { context: { key } },
  );
}

/** A field that encode() does not give back as it was. */
export interface LostField {
  /** The field's path from the encoded value: `box`, `items[2].owner`. */
  readonly path: string;
  /** What the field holds and what reading it back gives instead. */
  readonly becomes: string;
}

/**
 * The fields of `value` that a round trip through encode() and decode() does not give back as
 * they were: instances of classes that `names` does not know (they come back as plain objects,
 * without their methods) and functions (dropped). The value itself is taken as registered.
 */
export function fieldsLostInJson(value: unknown, names: ClassNames): LostField[] {
  const lost: LostField[] = [];
  const seen = new Set<object>();
  const visit = (field: unknown, path: string, top: boolean): void => {
    if (typeof field === 'function') {
      lost.push({ path, becomes: 'a function, which JSON drops' });
      return;
    }
    if (field === null || typeof field !== 'object' || seen.has(field)) return;
    seen.add(field);
    if (field instanceof Date) return;
    if (field instanceof Map) {
      for (const [key, item] of field)
        visit(item, `${path}.get(${JSON.stringify(key) ?? String(key)})`, false);
      return;
    }
    if (field instanceof Set || Array.isArray(field)) {
      [...(field as Iterable<unknown>)].forEach((item, i) => visit(item, `${path}[${i}]`, false));
      return;
    }
    const proto: unknown = Object.getPrototypeOf(field);
    const ctor = (field as { constructor?: unknown }).constructor;
    if (
      !top &&
      proto !== Object.prototype &&
      proto !== null &&
      (typeof ctor !== 'function' || names.nameOf(ctor) === undefined)
    ) {
      const name = typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'an anonymous class';
      lost.push({
        path,
        becomes: `an instance of ${name}, which is not a registered class, comes back as a plain object without its methods`,
      });
      return;
    }
    for (const key of Object.keys(field))
      visit((field as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`, false);
  };
  visit(value, '', true);
  return lost;
}

/**
 * The one message for a value that does not survive serialization: `what` names it, `lines` say
 * how each field comes back, `register` says where to register the classes of nested values.
 */
export function notSurvivingMessage(what: string, lines: readonly string[], register: string): string {
  return (
    `${what} does not survive serialization: the store keeps it as JSON, and reading it back gives another value.\n` +
    lines.map((line) => `  ${line}\n`).join('') +
    `Register the classes of nested values with ${register}, and keep fields to JSON values, Date, Map, Set and registered classes.`
  );
}
