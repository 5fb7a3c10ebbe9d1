/**
 * Turns JSON written by `encode` (json.ts), or by anyone else, back into values and class
 * instances without letting the data choose a prototype. Pure: no store, no I/O; the stores'
 * readers and a wire decoder share it.
 *
 * Rules, each with a typed error:
 * - a key `__proto__`, `constructor` or `prototype` anywhere is refused (UnsafePayloadError): as
 *   an own property it would later replace a prototype (`Object.assign`, spreads in user code) or
 *   hide the class an instance is routed by;
 * - a top-level payload must be a JSON object (SerializationError): never `null`, an array or a
 *   scalar, so a handler always gets an instance of the named class;
 * - tags must be well formed (`$date` a valid date, `$map` a list of pairs, `$set` a list), and
 *   `$type` must name a registered class (UnknownPayloadError);
 * - malformed or too deeply nested JSON is a SerializationError.
 * Fields are own data properties (as JSON.parse and class fields make them), never assigned
 * through the class's prototype, so no setter runs.
 */
import { SerializationError, UnsafePayloadError } from '../errors';
import { FORBIDDEN_KEYS } from '../internal/forbiddenKeys';
import type { Class } from '../internal/types';
import { defineOwn } from '../internal/ownProperty';

/** Maps registered class names to classes (PayloadRegistry implements it). */
export interface ClassNames {
  /** The registered name of `ctor`, or undefined when it is not registered. */
  nameOf(ctor: Function): string | undefined;
  /** The class registered under `name`; throws UnknownPayloadError when there is none. */
  classOf(name: string): Class;
}

export { FORBIDDEN_KEYS };

/** Nesting deeper than this is refused rather than risking the stack. */
export const MAX_DEPTH = 256;

/**
 * Revives `json`. With `topLevel`, the result is an instance of that class (its own fields taken
 * from the top-level object as they are, tags below it revived); without, any JSON value.
 * Throws UnsafePayloadError, SerializationError or UnknownPayloadError, and nothing else.
 */
export function reviveJson(json: string, names: ClassNames, topLevel?: Class): unknown {
  const parsed = parse(json);
  if (topLevel === undefined) return mayHoldTags(json) ? revive(parsed, names, '$', 0) : parsed;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SerializationError(
      `A ${topLevel.name} payload must be a JSON object, but the JSON holds ${describeJson(parsed)}.`,
      { context: { path: '$', found: describeJson(parsed) } },
    );
  }
  const fields = parsed as Record<string, unknown>;
  if (mayHoldTags(json)) {
    for (const key of Object.keys(fields)) {
      const path = `$.${key}`;
      checkKey(key, path);
      fields[key] = revive(fields[key], names, path, 1);
    }
  }
  // JSON.parse made every field an own data property and no key can touch the prototype (checked
  // above, or absent from the text): switching the prototype runs no setter, and is the fastest way.
  return Object.setPrototypeOf(fields, topLevel.prototype as object) as unknown;
}

/**
 * False when `json` can hold neither a tag nor a forbidden key: a tag key starts with `"$`, every
 * forbidden key is written with its quotes, and any of them may be disguised with a `\u` escape.
 * Most payloads then take plain JSON.parse's result as it is.
 */
function mayHoldTags(json: string): boolean {
  return TAG_OR_FORBIDDEN_KEY.test(json);
}

/** One scan for what {@link mayHoldTags} looks for (several times faster than a scan for each). */
const TAG_OR_FORBIDDEN_KEY = /"\$|\\u|"(?:__proto__|constructor|prototype)"/;

/** What {@link parseUntagged} looks for: a forbidden key, or a `\u` escape that could spell one. */
const FORBIDDEN_KEY = /\\u|"(?:__proto__|constructor|prototype)"/;

/**
 * Parses JSON that holds no tags, such as a wire envelope (its payloads travel in it as text of
 * their own), refusing a `__proto__`, `constructor` or `prototype` key anywhere as
 * {@link reviveJson} does; an object that looks like a tag stays a plain object. Throws
 * SerializationError for malformed JSON, UnsafePayloadError for a forbidden key. Text with no
 * forbidden key is not walked at all.
 */
export function parseUntagged(json: string): unknown {
  const parsed = parse(json);
  if (FORBIDDEN_KEY.test(json)) checkKeys(parsed, '$', 0);
  return parsed;
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    throw new SerializationError(`The JSON is malformed (${(cause as Error).message}).`, {
      cause,
      context: { path: '$' },
    });
  }
}

/** Refuses a forbidden key anywhere in `value`, as `revive` does, without reviving anything. */
function checkKeys(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) {
    throw new SerializationError(`The JSON is nested deeper than ${MAX_DEPTH} levels at ${path}.`, {
      context: { path },
    });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkKeys(value[i], `${path}[${i}]`, depth + 1);
    return;
  }
  for (const key of Object.keys(value)) {
    checkKey(key, `${path}.${key}`);
    checkKeys((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
  }
}

function revive(value: unknown, names: ClassNames, path: string, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) {
    throw new SerializationError(`The JSON is nested deeper than ${MAX_DEPTH} levels at ${path}.`, {
      context: { path },
    });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], names, `${path}[${i}]`, depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) checkKey(key, `${path}.${key}`);
  if (keys.length === 1 && keys[0] === '$date') return reviveDate(record.$date, path);
  if (keys.length === 1 && keys[0] === '$map') return reviveMap(record.$map, names, path, depth);
  if (keys.length === 1 && keys[0] === '$set') {
    const items = record.$set;
    if (!Array.isArray(items)) throw badTag('$set', path, 'a list of values', items);
    return new Set(revive(items, names, `${path}.$set`, depth + 1) as unknown[]);
  }
  if (typeof record.$type === 'string') {
    const ctor = names.classOf(record.$type);
    const instance = Object.create(ctor.prototype as object) as Record<string, unknown>;
    for (const key of keys) {
      if (key !== '$type') defineOwn(instance, key, revive(record[key], names, `${path}.${key}`, depth + 1));
    }
    return instance;
  }
  for (const key of keys) record[key] = revive(record[key], names, `${path}.${key}`, depth + 1);
  return record;
}

function reviveDate(iso: unknown, path: string): Date {
  const date = typeof iso === 'string' ? new Date(iso) : undefined;
  if (date === undefined || Number.isNaN(date.getTime()))
    throw badTag('$date', path, 'an ISO date string', iso);
  return date;
}

function reviveMap(entries: unknown, names: ClassNames, path: string, depth: number): Map<unknown, unknown> {
  if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2))
    throw badTag('$map', path, 'a list of [key, value] pairs', entries);
  return new Map(revive(entries, names, `${path}.$map`, depth + 1) as [unknown, unknown][]);
}

function checkKey(key: string, path: string): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new UnsafePayloadError(
      `The key '${key}' at ${path} is refused: it could replace an object's prototype or constructor. ` +
        'Stored or received data never holds it unless it was damaged or written to attack; remove the key from the row or message.',
      { context: { path, key } },
    );
  }
}

function badTag(tag: string, path: string, expected: string, found: unknown): SerializationError {
  return new SerializationError(
    `The tag ${tag} at ${path} must hold ${expected}, but holds ${describeJson(found)}.`,
    { context: { path, tag } },
  );
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}
