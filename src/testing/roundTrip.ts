/** Passing values through serialization the way the stores do, and failing when they do not come back. */
import { notSurvivingMessage } from '../messages/json';
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
    notSurvivingMessage(
      what,
      found.map((d) => `${d.path === '' ? 'value' : d.path}: ${d.expected} comes back as ${d.actual}`),
      "the fixture's { payloads: [...] } option (registerPayloads() in the bundle)",
    ),
    { expected: value, actual: copy },
  );
}
