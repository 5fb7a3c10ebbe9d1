/**
 * Deep equality as the fixtures define it: values of one class with equal fields. Fields holding
 * `undefined` count as absent (JSON drops them, so a stored payload cannot tell them apart), dates
 * compare by time, maps and sets by content, and an expected value with an `asymmetricMatch`
 * method (a matcher such as jest's `expect.any(Date)`) decides for itself.
 */
import { render } from './render';

/** One place where two values differ. */
export interface Difference {
  /** The field's path from the compared value: `amount`, `items[2].name`; empty for the value itself. */
  readonly path: string;
  /** The expected value, rendered on one line (`(absent)` when it has no such field). */
  readonly expected: string;
  /** The actual value, rendered on one line (`(absent)` when it has no such field). */
  readonly actual: string;
}

/** What a value has in place of an absent field, in differences. */
export const ABSENT = '(absent)';

/** An object that matches values itself, such as jest's `expect.any(Date)`. */
export interface AsymmetricMatcher {
  asymmetricMatch(actual: unknown): boolean;
}

/** True when `value` is a matcher that decides equality itself. */
export function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsymmetricMatcher>).asymmetricMatch === 'function'
  );
}

/** True when `actual` equals `expected` in the fixtures' sense. */
export function deepEqual(expected: unknown, actual: unknown): boolean {
  return differences(expected, actual).length === 0;
}

/** Every place where `actual` differs from `expected`, outermost first. */
export function differences(expected: unknown, actual: unknown): Difference[] {
  const found: Difference[] = [];
  compare(expected, actual, '', found, new Map());
  return found;
}

type Seen = Map<object, Set<object>>;

function compare(expected: unknown, actual: unknown, path: string, out: Difference[], seen: Seen): void {
  if (isAsymmetricMatcher(expected)) {
    if (!expected.asymmetricMatch(actual)) out.push(difference(path, expected, actual));
    return;
  }
  if (expected === actual || (Number.isNaN(expected) && Number.isNaN(actual))) return;
  if (!isObject(expected) || !isObject(actual)) {
    out.push(difference(path, expected, actual));
    return;
  }
  if (Object.getPrototypeOf(expected) !== Object.getPrototypeOf(actual)) {
    out.push(difference(path, expected, actual));
    return;
  }
  const pairs = seen.get(expected) ?? new Set<object>();
  if (pairs.has(actual)) return;
  pairs.add(actual);
  seen.set(expected, pairs);
  if (expected instanceof Date) {
    const [e, a] = [expected.getTime(), (actual as Date).getTime()];
    if (e !== a && !(Number.isNaN(e) && Number.isNaN(a))) out.push(difference(path, expected, actual));
    return;
  }
  if (expected instanceof RegExp) {
    const other = actual as RegExp;
    if (expected.source !== other.source || expected.flags !== other.flags)
      out.push(difference(path, expected, actual));
    return;
  }
  if (expected instanceof Error) {
    const other = actual as Error;
    if (expected.name !== other.name || expected.message !== other.message) {
      out.push(difference(path, expected, actual));
      return;
    }
  }
  if (Array.isArray(expected)) {
    compareArrays(expected, actual as unknown[], path, out, seen);
    return;
  }
  if (expected instanceof Map) {
    compareMaps(expected, actual as Map<unknown, unknown>, path, out, seen);
    return;
  }
  if (expected instanceof Set) {
    if (!setsEqual(expected, actual as Set<unknown>)) out.push(difference(path, expected, actual));
    return;
  }
  compareFields(expected, actual, path, out, seen);
}

function compareArrays(
  expected: readonly unknown[],
  actual: readonly unknown[],
  path: string,
  out: Difference[],
  seen: Seen,
): void {
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    const at = `${path}[${i}]`;
    if (i >= actual.length) out.push({ path: at, expected: render(expected[i]), actual: ABSENT });
    else if (i >= expected.length) out.push({ path: at, expected: ABSENT, actual: render(actual[i]) });
    else compare(expected[i], actual[i], at, out, seen);
  }
}

function compareMaps(
  expected: Map<unknown, unknown>,
  actual: Map<unknown, unknown>,
  path: string,
  out: Difference[],
  seen: Seen,
): void {
  const at = (key: unknown): string => `${path === '' ? '' : `${path}.`}get(${render(key)})`;
  for (const [key, value] of expected) {
    if (!actual.has(key)) out.push({ path: at(key), expected: render(value), actual: ABSENT });
    else compare(value, actual.get(key), at(key), out, seen);
  }
  for (const [key, value] of actual) {
    if (!expected.has(key)) out.push({ path: at(key), expected: ABSENT, actual: render(value) });
  }
}

function setsEqual(expected: Set<unknown>, actual: Set<unknown>): boolean {
  if (expected.size !== actual.size) return false;
  const unmatched = [...actual];
  for (const value of expected) {
    const index = actual.has(value)
      ? unmatched.indexOf(value)
      : unmatched.findIndex((a) => deepEqual(value, a));
    if (index < 0) return false;
    unmatched.splice(index, 1);
  }
  return true;
}

function compareFields(expected: object, actual: object, path: string, out: Difference[], seen: Seen): void {
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = new Set([...definedKeys(e), ...definedKeys(a)]);
  for (const key of keys) {
    const at = joinPath(path, key);
    const inExpected = e[key] !== undefined;
    const inActual = a[key] !== undefined;
    if (!inActual) out.push({ path: at, expected: render(e[key]), actual: ABSENT });
    else if (!inExpected) out.push({ path: at, expected: ABSENT, actual: render(a[key]) });
    else compare(e[key], a[key], at, out, seen);
  }
}

/** Own enumerable keys whose value is not undefined. */
function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

function joinPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function difference(path: string, expected: unknown, actual: unknown): Difference {
  return { path, expected: render(expected), actual: render(actual) };
}
