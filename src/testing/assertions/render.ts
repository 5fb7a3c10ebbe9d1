/**
 * How the fixtures print values in failure messages: class names and fields, through node:util
 * `inspect`, with fields holding `undefined` left out (they count as absent) and matchers shown
 * by their own description.
 */
import { inspect } from 'node:util';

const MAX_INLINE = 300;

/** `value` on one line, shortened when very long. */
export function render(value: unknown): string {
  const text = inspect(displayable(value, new Map()), {
    depth: 4,
    breakLength: Infinity,
    compact: true,
    sorted: true,
  });
  return text.length > MAX_INLINE ? `${text.slice(0, MAX_INLINE - 3)}...` : text;
}

/** `value` over several lines, one field per line, for line diffs. */
export function renderBlock(value: unknown): string {
  return inspect(displayable(value, new Map()), {
    depth: 8,
    breakLength: 80,
    compact: false,
    sorted: true,
  });
}

/** The class name of a value, or its type for a primitive. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `class ${value.name || '<anonymous>'}`;
  if (typeof value !== 'object') return typeof value;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
}

/** A stand-in that prints as the given text. */
class Shown {
  constructor(private readonly text: string) {}
  [inspect.custom](): string {
    return this.text;
  }
}

/** A copy of `value` for printing: same classes, no undefined fields, matchers and errors described. */
function displayable(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  const matcher = value as { asymmetricMatch?: unknown; toAsymmetricMatcher?: unknown; toString(): string };
  if (typeof matcher.asymmetricMatch === 'function') {
    const text =
      typeof matcher.toAsymmetricMatcher === 'function'
        ? String((matcher.toAsymmetricMatcher as () => unknown).call(value))
        : matcher.toString();
    return new Shown(text);
  }
  if (value instanceof Error) return new Shown(`${value.name}: ${JSON.stringify(value.message)}`);
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(displayable(item, copies));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map<unknown, unknown>();
    copies.set(value, copy);
    for (const [k, v] of value) copy.set(displayable(k, copies), displayable(v, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set<unknown>();
    copies.set(value, copy);
    for (const v of value) copy.add(displayable(v, copies));
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  copies.set(value, copy);
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (field !== undefined) copy[key] = displayable(field, copies);
  }
  return copy;
}
