/** Passing values through serialization the way the stores do, and failing when they do not come back. */
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { differences } from './assertions/equality';
import { FixtureAssertionError } from './fixtureAssertionError';

/**
 * Serializes `value` under `name`, reads it back, and fails (naming each field) when the copy
 * differs from the original: a store would hand the handlers that different copy. Returns the JSON.
 */
export function serializeChecked(
  payloads: PayloadRegistry,
  name: string,
  value: object,
  what: string,
): string {
  const json = payloads.serialize(value);
  const copy = payloads.deserialize(name, json);
  const found = differences(value, copy);
  if (found.length === 0) return json;
  throw new FixtureAssertionError(
    `${what} does not survive serialization: the store keeps it as JSON, and reading it back gives another value.\n` +
      found
        .map((d) => `  ${d.path === '' ? 'value' : d.path}: ${d.expected} comes back as ${d.actual}`)
        .join('\n') +
      "\nRegister the classes of nested values with the fixture's { payloads: [...] } option (registerPayloads() " +
      'in the bundle), and keep fields to JSON values, Date, Map, Set and registered classes.',
    { expected: value, actual: copy },
  );
}
